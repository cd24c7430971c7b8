"""The inbox at /inbox/: staff and people's own accounts alike see their own messages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from joinedup.core.exceptions import NotFound
from joinedup.directory.forms import parse_page_number
from joinedup.notifications import selectors, services


@login_required
@require_safe
def inbox(request):
    page = Paginator(selectors.notification_list(user=request.user), selectors.INBOX_PAGE).get_page(
        parse_page_number(request.GET.get("page"))
    )
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def mark_read(request, public_id):
    try:
        notification = selectors.notification_get(user=request.user, public_id=public_id)
        services.notification_mark_read(user=request.user, notification=notification)
    except NotFound as exc:
        raise Http404(exc.message) from None
    messages.success(request, f"Marked as read: {notification.subject}")
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    count = services.notification_mark_all_read(user=request.user)
    messages.success(request, f"Marked {count} message{'s' if count != 1 else ''} as read")
    return redirect("notifications:inbox")
