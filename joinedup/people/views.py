"""The shared record in the browser, for staff. Each view parses the request, calls a
selector or a service, and renders: who may see what is decided by the access policy
(through people.selectors), and who may write what by people.services.

A person or entry the user may not see is a 404, exactly as one that does not exist;
an action the policy refuses on something they can see is a 403 with the reason.
"""

import secrets
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.views.decorators.http import require_http_methods, require_safe

from joinedup.access import services as access_services
from joinedup.access.categories import SEALED_READERS, Category, categories_for
from joinedup.core.exceptions import Conflict, NotFound, PermissionDenied
from joinedup.core.views import forbidden
from joinedup.directory.forms import parse_page_number
from joinedup.people import forms, selectors, services
from joinedup.referrals import selectors as referral_selectors


def _role(user) -> str:
    membership = getattr(user, "acting_membership", None)
    return membership.role if membership else ""


def _person_or_404(user, public_id):
    try:
        return selectors.person_get(user=user, public_id=public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _form_status(form) -> int:
    """200 for a form to put right; 400 when it carried a value no page offered."""
    return 400 if forms.offered_values_forged(form) else 200


def _record_url(person, anchor: str = "") -> str:
    url = reverse("people:detail", args=[person.public_id])
    return f"{url}#{anchor}" if anchor else url


# A search for a name or NHS number is posted, kept in the session under an opaque key,
# and shown at /people/?search=<key>: names and NHS numbers never reach a URL (browser
# history, server logs, the Referer header), while paging and Back still work.
SEARCHES_SESSION_KEY = "people_searches"
SEARCHES_KEPT = 10


def _search_key_for(request, text: str) -> str:
    searches = request.session.get(SEARCHES_SESSION_KEY, {})
    key = secrets.token_urlsafe(6)
    searches = {**dict(list(searches.items())[-(SEARCHES_KEPT - 1) :]), key: text}
    request.session[SEARCHES_SESSION_KEY] = searches
    return key


def _searched_text(request) -> str | None:
    """The search the URL's key names; None if the key is unknown or has been dropped."""
    key = request.GET.get("search")
    if not key:
        return ""
    return request.session.get(SEARCHES_SESSION_KEY, {}).get(key)


class _CountedPaginator(Paginator):
    """A paginator told its count by the selector, which counts a caseload faster than
    COUNT(*) over the page's own query would."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._count = count

    @property
    def count(self) -> int:
        return self._count


@login_required
@require_http_methods(["GET", "POST"])
def person_list(request):
    categories = categories_for(_role(request.user))
    if not categories:
        return render(request, "people/no_person_data.html")
    if request.method == "POST":
        form = forms.PersonSearchForm(request.POST)
        if form.is_valid():
            text = form.search_text()
            url = reverse("people:list")
            if text:
                url = f"{url}?{urlencode({'search': _search_key_for(request, text)})}"
            return redirect(url)
    else:
        text = _searched_text(request)
        if text is None:
            messages.info(request, "That search has ended. Search again")
        form = forms.PersonSearchForm({"q": text or ""})
    search = form.search_text()
    people = selectors.person_list_with_basis(user=request.user, search=search)
    count = selectors.person_list_count(user=request.user, search=search, people=people)
    page = _CountedPaginator(people, selectors.PERSON_LIST_PAGE, count=count).get_page(
        parse_page_number(request.GET.get("page"))
    )
    page.object_list = list(page.object_list)
    selectors.person_list_audit(user=request.user, people=page.object_list)
    context = {
        "form": form,
        "page": page,
        "searched": bool(form.search_text()),
        "shows_contact": Category.CONTACT in categories,
        "shows_demographics": Category.DEMOGRAPHICS in categories,
        "can_add": services.recording_refusal(actor=request.user) is None,
        "can_break_glass": selectors.break_glass_refusal(user=request.user) is None,
    }
    return render(request, "people/person_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request):
    refusal = services.recording_refusal(actor=request.user)
    if refusal:
        return forbidden(request, refusal)
    form = forms.PersonForm(request.POST if request.method == "POST" else None)
    duplicate = False
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(
                actor=request.user,
                data=form.person_data(),
                confirm_same_person=form.cleaned_data["confirm_same_person"],
            )
        except services.PossibleDuplicate as exc:
            # Nothing of the record already held is shown: only what was typed.
            duplicate, status = True, exc.status
            form.add_error("confirm_same_person", exc.message)
        except ValidationError as exc:
            form.add_domain_errors(exc)
        except PermissionDenied as exc:
            return forbidden(request, exc.message)
        else:
            messages.success(request, f"{person}'s record is on your team's caseload")
            return redirect(_record_url(person))
    elif request.method == "POST":
        status = _form_status(form)
    context = {"form": form, "duplicate": duplicate or form.data.get("confirm_same_person")}
    return render(request, "people/person_form.html", context, status=status)


def _entry_groups(entries_by_category: dict) -> list[tuple[str, str, list]]:
    """(category, label, entries) in the record's own order of categories."""
    return [
        (value, label, entries_by_category[value])
        for value, label in Category.choices
        if value in entries_by_category
    ]


@login_required
@require_safe
def person_detail(request, public_id):
    try:
        record = selectors.person_record(user=request.user, public_id=public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    user = request.user
    on_break_glass = record.basis == "break_glass"
    decisions = selectors.consent_decisions(record.consents)
    context = {
        "record": record,
        "person": record.person,
        "entry_groups": _entry_groups(record.entries_by_category),
        "decisions_in_force": [d for d in decisions if d.in_force],
        "decisions_past": [d for d in decisions if not d.in_force],
        "related_people": selectors.related_people_list(user=user, person=record.person),
        "break_glass": (
            selectors.break_glass_active(user=user, person=record.person)
            if on_break_glass
            else None
        ),
        "can_record": services.recording_refusal(actor=user) is None,
        "can_add_entry": bool(record.categories),
        "can_break_glass": not on_break_glass
        and bool(record.person.nhs_number)
        and selectors.break_glass_refusal(user=user) is None,
        "acting_organisation_id": user.acting_membership.organisation_id,
        "referrals": referral_selectors.person_referrals(user=user, person=record.person),
    }
    return render(request, "people/person_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def entry_create(request, public_id):
    person = _person_or_404(request.user, public_id)
    role = _role(request.user)
    form = forms.EntryForm(
        request.POST if request.method == "POST" else None,
        categories=categories_for(role),
        may_seal=role in SEALED_READERS,
    )
    status = 200
    if request.method == "POST":
        status = _form_status(form)
        if form.is_valid():
            try:
                entry = services.entry_create(
                    actor=request.user, person=person, **form.entry_data()
                )
            except ValidationError as exc:
                form.add_domain_errors(exc)
            except PermissionDenied as exc:
                return forbidden(request, exc.message)
            except NotFound as exc:
                raise Http404(exc.message) from exc
            else:
                messages.success(request, f"Your entry “{entry.title}” has been added")
                return redirect(_record_url(person, entry.category))
    context = {"form": form, "person": person}
    return render(request, "people/entry_form.html", context, status=status)


def _history_or_404(user, public_id) -> selectors.EntryHistory:
    try:
        return selectors.entry_history(user=user, public_id=public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_safe
def entry_detail(request, public_id):
    history = _history_or_404(request.user, public_id)
    context = {
        "history": history,
        "entry": history.current,
        "person": history.entry.person,
        "can_correct": services.entry_correct_refusal(actor=request.user, entry=history.current)
        is None,
    }
    return render(request, "people/entry_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def entry_correct(request, public_id):
    history = _history_or_404(request.user, public_id)
    entry = history.current
    if entry.public_id != history.entry.public_id:
        # A later version exists: a correction always corrects the newest.
        return redirect("people:entry_correct", public_id=entry.public_id)
    refusal = services.entry_correct_refusal(actor=request.user, entry=entry)
    if refusal:
        return forbidden(request, refusal)
    form = forms.EntryCorrectionForm(
        request.POST if request.method == "POST" else None,
        initial={"title": entry.title, "text": entry.text},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            corrected = services.entry_correct(
                actor=request.user,
                entry=entry,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_domain_errors(exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
            status = exc.status
        except PermissionDenied as exc:
            return forbidden(request, exc.message)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        else:
            messages.success(request, "The entry has been corrected. The earlier version is kept")
            return redirect("people:entry_detail", public_id=corrected.public_id)
    context = {"form": form, "entry": entry, "person": history.entry.person}
    return render(request, "people/entry_correct.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def consent_create(request, public_id):
    person = _person_or_404(request.user, public_id)
    refusal = services.recording_refusal(actor=request.user)
    if refusal:
        return forbidden(request, refusal)
    form = forms.ConsentForm(
        request.POST if request.method == "POST" else None,
        scopes=selectors.consent_scope_choices(user=request.user),
    )
    status = 200
    if request.method == "POST":
        status = _form_status(form)
        if form.is_valid():
            try:
                services.consent_record(actor=request.user, person=person, **form.consent_data())
            except ValidationError as exc:
                form.add_domain_errors(exc, renamed={"expires_at": "expires_on"})
            except PermissionDenied as exc:
                return forbidden(request, exc.message)
            except NotFound as exc:
                raise Http404(exc.message) from exc
            else:
                messages.success(request, "The person's decision has been recorded")
                return redirect(_record_url(person, "consent"))
    context = {"form": form, "person": person}
    return render(request, "people/consent_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request, public_id, decision_id):
    person = _person_or_404(request.user, public_id)
    refusal = services.recording_refusal(actor=request.user)
    if refusal:
        return forbidden(request, refusal)
    try:
        decision = selectors.consent_decision_get(
            user=request.user, person=person, decision_id=decision_id
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if request.method == "POST":
        try:
            services.consent_withdraw(
                actor=request.user, person=person, decision_id=decision.decision_id
            )
        except PermissionDenied as exc:
            return forbidden(request, exc.message)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        messages.success(request, "The decision has been withdrawn. It no longer applies")
        return redirect(_record_url(person, "consent"))
    return render(request, "people/consent_withdraw.html", {"person": person, "decision": decision})


@login_required
@require_http_methods(["GET", "POST"])
def break_glass(request):
    refusal = selectors.break_glass_refusal(user=request.user)
    if refusal:
        return forbidden(request, refusal)
    form = forms.BreakGlassForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = _form_status(form)
        if form.is_valid():
            try:
                return _open_break_glass(request, form)
            except PermissionDenied as exc:
                return forbidden(request, exc.message)
            except ValidationError as exc:
                form.add_domain_errors(exc)
    return render(request, "people/break_glass.html", {"form": form}, status=status)


def _open_break_glass(request, form):
    person = selectors.person_find_for_break_glass(
        user=request.user, nhs_number=form.cleaned_data["nhs_number"]
    )
    if person is None:
        form.add_error("nhs_number", "No one with this NHS number is known to the partnership")
        return render(request, "people/break_glass.html", {"form": form})
    access = access_services.break_glass_open(
        actor=request.user,
        person=person,
        reason=form.cleaned_data["reason"],
        duration=form.duration_delta(),
    )
    until = dateformat.format(timezone.localtime(access.expires_at), r"H:i \o\n j F Y")
    messages.success(request, f"You have broken glass. Your access ends at {until}")
    return redirect(_record_url(person))


@login_required
@require_http_methods(["GET", "POST"])
def portal_invite(request, public_id):
    """Staff send a person the link to set up their own account for their record."""
    person = _person_or_404(request.user, public_id)
    refusal = services.recording_refusal(actor=request.user)
    if refusal:
        return forbidden(request, refusal)
    form = forms.PortalInviteForm(
        request.POST if request.method == "POST" else None,
        initial={"email": person.email},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.portal_invite(
                actor=request.user, person=person, email=form.cleaned_data["email"]
            )
        except (ValidationError, Conflict) as exc:
            form.add_domain_errors(
                exc if isinstance(exc, ValidationError) else ValidationError({"email": exc.message})
            )
        else:
            messages.success(
                request,
                f"We have emailed {person.given_name} a link to set up their account. "
                "It works once, for 3 days",
            )
            return redirect(_record_url(person))
    has_account = person.portal_user_id is not None
    context = {"form": form, "person": person, "has_account": has_account}
    return render(request, "people/portal_invite.html", context)
