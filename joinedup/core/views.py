from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
def home(request):
    return render(request, "core/home.html")


@never_cache
@require_GET
def healthz(request):
    """Liveness and database reachability, for load balancers and `make demo`."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means "not healthy", never a 500 page
        return JsonResponse(
            {"status": "error", "database": str(exc.__class__.__name__)}, status=503
        )
    return JsonResponse({"status": "ok", "database": connection.vendor})


def error_404(request, exception=None):
    if request.path.startswith("/api/"):
        # API clients get a problem document, not an HTML page they cannot show.
        return JsonResponse(
            {
                "type": "about:blank",
                "title": "Not Found",
                "status": 404,
                "detail": "There is no such resource",
            },
            status=404,
            content_type="application/problem+json",
        )
    return render(request, "core/404.html", status=404)


def error_500(request):
    return render(request, "core/500.html", status=500)


def error_403(request, exception=None):
    return render(request, "core/403.html", status=403)


def error_400(request, exception=None):
    return render(request, "core/400.html", status=400)


# Who to ask about a refusal: of a person's data, and of the partnership's own settings.
ASK_GOVERNANCE = "your organisation's information governance lead"
ASK_ADMINISTRATOR = "your organisation's joinedup administrator"


def forbidden(request, reason: str, *, ask: str = ASK_GOVERNANCE):
    """403, with the reason the policy or a service gave and who to ask about it: every
    app's views refuse through here."""
    return render(request, "core/forbidden.html", {"reason": reason, "ask": ask}, status=403)
