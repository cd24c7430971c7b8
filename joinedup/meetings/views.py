"""The joint referral meetings in the browser, for staff: the meetings of your
organisation's localities, a meeting with its agenda, an item with its decision form,
the actions, and the minutes (a page, and a version to print).

Thin: parse, call a selector or a service, render. A meeting your organisation is not
at, or an item you may not see, is a 404 exactly as one that does not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from joinedup.core.exceptions import Conflict, NotFound, PermissionDenied
from joinedup.core.views import forbidden
from joinedup.directory import selectors as directory_selectors
from joinedup.meetings import forms, selectors, services
from joinedup.meetings.models import MeetingStatus


def _staff_only(request):
    if getattr(request.user, "acting_membership", None) is None:
        return forbidden(request, "joint referral meetings are for staff of partner organisations")
    return None


def _meeting_or_404(request, public_id):
    try:
        return selectors.meeting_get(user=request.user, public_id=public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _meeting_url(meeting) -> str:
    return reverse("meetings:detail", args=[meeting.public_id])


@login_required
@require_safe
def meeting_list(request):
    if refusal := _staff_only(request):
        return refusal
    locality = request.GET.get("locality", "")
    context = {
        "localities": list(directory_selectors.locality_list()),
        "locality": locality,
        "upcoming": selectors.meeting_list(
            user=request.user, locality_slug=locality, upcoming=True
        ),
        "past": selectors.meeting_list(
            user=request.user, locality_slug=locality, upcoming=False, size=20
        ),
        "series": selectors.series_list(user=request.user),
        "can_arrange": request.user.acting_membership.role in services.ARRANGERS,
        "my_actions": selectors.my_actions(user=request.user),
    }
    return render(request, "meetings/meeting_list.html", context)


@login_required
@require_POST
def series_next(request, public_id):
    if refusal := _staff_only(request):
        return refusal
    try:
        series = selectors.series_get(user=request.user, public_id=public_id)
        meeting, created = services.meeting_schedule_next(series=series, actor=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except PermissionDenied as exc:
        return forbidden(request, exc.message)
    messages.success(
        request,
        "The next meeting is arranged, with its agenda"
        if created
        else "The next meeting was arranged already: its agenda is up to date",
    )
    return redirect(_meeting_url(meeting))


def _meeting_page(request, view, *, status: int = 200, **extra):
    meeting = view.meeting
    context = {
        "view": view,
        "meeting": meeting,
        "close_form": extra.pop("close_form", None) or forms.CloseForm(),
        "action_form": extra.pop("action_form", None) or forms.ActionForm(attendees=view.attendees),
        **extra,
    }
    return render(request, "meetings/meeting_detail.html", context, status=status)


@login_required
@require_safe
def meeting_detail(request, public_id):
    if refusal := _staff_only(request):
        return refusal
    try:
        view = selectors.meeting_view(user=request.user, public_id=public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return _meeting_page(request, view)


def _act(request, public_id, do, done: str):
    """Run one of the meeting's buttons (attend, start, refresh, close) and come back."""
    meeting = _meeting_or_404(request, public_id)
    try:
        do(meeting)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except PermissionDenied as exc:
        return forbidden(request, exc.message)
    except Conflict as exc:
        view = selectors.meeting_view(user=request.user, public_id=public_id)
        return _meeting_page(request, view, status=409, conflict=exc.message)
    messages.success(request, done)
    return redirect(_meeting_url(meeting))


@login_required
@require_POST
def meeting_attend(request, public_id):
    return _act(
        request,
        public_id,
        lambda m: services.attendee_join(actor=request.user, meeting=m),
        "You are recorded as attending",
    )


@login_required
@require_POST
def meeting_start(request, public_id):
    return _act(
        request,
        public_id,
        lambda m: services.meeting_start(actor=request.user, meeting=m),
        "The meeting has started",
    )


@login_required
@require_POST
def agenda_refresh(request, public_id):
    return _act(
        request,
        public_id,
        lambda m: services.agenda_build(meeting=m, actor=request.user),
        "The agenda is up to date",
    )


@login_required
@require_POST
def meeting_close(request, public_id):
    meeting = _meeting_or_404(request, public_id)
    form = forms.CloseForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_close(
                actor=request.user, meeting=meeting, notes=form.cleaned_data["notes"]
            )
        except PermissionDenied as exc:
            return forbidden(request, exc.message)
        except Conflict as exc:
            view = selectors.meeting_view(user=request.user, public_id=public_id)
            return _meeting_page(request, view, status=409, conflict=exc.message)
        except ValidationError as exc:
            form.add_domain_errors(exc)
        else:
            messages.success(request, "The meeting is closed. Its minutes are below.")
            return redirect(reverse("meetings:minutes", args=[meeting.public_id]))
    view = selectors.meeting_view(user=request.user, public_id=public_id)
    return _meeting_page(request, view, close_form=form)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def organisation_invite(request, public_id):
    """A page of its own: the choice is the locality's organisations, too long a list to
    send with every agenda page."""
    meeting = _meeting_or_404(request, public_id)
    if refusal := selectors.invite_refusal(user=request.user, meeting=meeting):
        return forbidden(request, refusal)
    organisations = selectors.invitable_organisations(meeting=meeting)
    form = forms.InviteForm(
        request.POST if request.method == "POST" else None, organisations=organisations
    )
    context = {"meeting": meeting, "form": form, "organisations": organisations}
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_organisation_add(
                actor=request.user, meeting=meeting, organisation=form.organisation_chosen()
            )
        except PermissionDenied as exc:
            return forbidden(request, exc.message)
        except Conflict as exc:
            return render(
                request, "meetings/invite.html", {**context, "conflict": exc.message}, status=409
            )
        messages.success(request, f"{form.organisation_chosen().name} is invited")
        return redirect(_meeting_url(meeting))
    return render(request, "meetings/invite.html", context)


# --- An item and its decision ------------------------------------------------------------


def _item_page(request, view, row, *, form=None, action_form=None, status=200, **extra):
    meeting = view.meeting
    context = {
        "meeting": meeting,
        "view": view,
        "row": row,
        "form": form or _decision_form(view),
        "action_form": action_form or forms.ActionForm(attendees=view.attendees),
        **extra,
    }
    return render(request, "meetings/item_detail.html", context, status=status)


def _decision_form(view, data=None):
    return forms.DecisionForm(
        data,
        services_offered=selectors.allocation_services(meeting=view.meeting),
        attendees=view.attendees,
    )


def _item_or_404(request, meeting, item_id):
    try:
        return selectors.item_view(user=request.user, meeting=meeting, item_public_id=item_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_http_methods(["GET", "POST"])
def item_detail(request, public_id, item_id):
    if refusal := _staff_only(request):
        return refusal
    meeting = _meeting_or_404(request, public_id)
    view, row = _item_or_404(request, meeting, item_id)
    if request.method == "GET":
        return _item_page(request, view, row)
    form = _decision_form(view, request.POST)
    if not form.is_valid():
        return _item_page(request, view, row, form=form)
    try:
        decision = services.item_decide(
            actor=request.user,
            meeting=meeting,
            item_public_id=item_id,
            data=form.decision_data(),
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except PermissionDenied as exc:
        return forbidden(request, exc.message)
    except Conflict as exc:
        return _item_page(request, view, row, form=form, status=409, conflict=exc.message)
    except ValidationError as exc:
        form.add_domain_errors(exc, renamed=forms.DecisionForm.RENAMED)
        return _item_page(request, view, row, form=form)
    made = "".join(
        f" Referral {r['reference']} went to {r['service']} ({r['organisation']})."
        for r in decision.new_referrals
    )
    joint = " A joint offer." if decision.joint_offer else ""
    messages.success(
        request, f"Item {row.number}: {decision.get_kind_display().lower()}.{joint}{made}"
    )
    return redirect(_meeting_url(meeting) + f"#item-{row.number}")


# --- Actions ---------------------------------------------------------------------------------


@login_required
@require_POST
def action_add(request, public_id):
    meeting = _meeting_or_404(request, public_id)
    item_id = request.POST.get("item", "")
    if item_id:
        view, row = _item_or_404(request, meeting, item_id)
    else:
        view = selectors.meeting_view(user=request.user, public_id=public_id, audit=False)
        row = None
    form = forms.ActionForm(request.POST, attendees=view.attendees)
    conflict = ""
    if form.is_valid():
        try:
            services.action_add(
                actor=request.user,
                meeting=meeting,
                data=form.action_data(),
                item_public_id=item_id or None,
            )
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except PermissionDenied as exc:
            return forbidden(request, exc.message)
        except Conflict as exc:
            conflict = exc.message
        except ValidationError as exc:
            form.add_domain_errors(exc, renamed=forms.ActionForm.RENAMED)
        else:
            messages.success(request, "The action is recorded")
            return redirect(_meeting_url(meeting) + "#actions")
    status = 409 if conflict else 200
    if row is not None:
        return _item_page(request, view, row, action_form=form, status=status, conflict=conflict)
    # The page shows the agenda again: read (and audited) as any showing of it is.
    view = selectors.meeting_view(user=request.user, public_id=public_id)
    return _meeting_page(request, view, action_form=form, status=status, conflict=conflict)


@login_required
@require_POST
def action_done(request, public_id, action_id):
    meeting = _meeting_or_404(request, public_id)
    try:
        services.action_done(actor=request.user, meeting=meeting, action_public_id=action_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except PermissionDenied as exc:
        return forbidden(request, exc.message)
    except Conflict as exc:
        messages.info(request, exc.message)
    else:
        messages.success(request, "The action is marked done")
    back = request.POST.get("next", "")
    if back == "list":
        return redirect(reverse("meetings:list"))
    return redirect(_meeting_url(meeting) + "#actions")


# --- The minutes -----------------------------------------------------------------------------


@login_required
@require_safe
def minutes(request, public_id, printable: bool = False):
    if refusal := _staff_only(request):
        return refusal
    try:
        view = selectors.meeting_view(user=request.user, public_id=public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    template = "meetings/minutes_print.html" if printable else "meetings/minutes.html"
    context = {
        "view": view,
        "meeting": view.meeting,
        "draft": view.meeting.status != MeetingStatus.CLOSED,
    }
    return render(request, template, context)
