"""The person's own activity in their portal (/portal/activity/): their appointments,
visits and sessions with every partner, attended, missed or cancelled. Read only, read
through `record.own_records` (activity.selectors), audited as the person's own view."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from joinedup.activity import selectors
from joinedup.directory.forms import parse_page_number
from joinedup.people import selectors as people_selectors
from joinedup.people.portal_views import person_account_required


@person_account_required
@require_safe
def own_activity(request):
    person = people_selectors.portal_person(user=request.user)
    page = selectors.own_contacts_page(
        user=request.user, person=person, page_number=parse_page_number(request.GET.get("page"))
    )
    return render(request, "activity/portal_contacts.html", {"person": person, "page": page})
