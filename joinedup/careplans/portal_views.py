"""The person's own care plan, in their portal: read it, see what changed, sign it
("I agree with this plan") and comment. Reads through careplans.selectors' portal part
(`access.record.own_records`), audited with basis person_self; writes through
careplans.services as the person's own account.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from joinedup.careplans import forms, selectors, services
from joinedup.core.exceptions import Conflict
from joinedup.people.portal_views import person_account_required


def _page(request, *, status: int = 200, failed: str = "", comment_form=None, conflict: str = ""):
    own = selectors.portal_care_plans(user=request.user)
    context = {
        "person": own.person,
        "plans": own.plans,
        "failed": failed,
        "comment_form": comment_form,
        "conflict": conflict,
    }
    return render(request, "careplans/portal_plan.html", context, status=status)


@person_account_required
@require_safe
def portal_plan(request):
    return _page(request)


@person_account_required
@require_POST
def portal_agree(request, public_id):
    plan = selectors.portal_care_plan_get(user=request.user, public_id=public_id)
    form = forms.VersionForm(request.POST)
    if not form.is_valid():
        return _page(request, status=400, failed=str(plan.public_id), conflict="Please try again")
    try:
        services.agreement_sign(actor=request.user, plan=plan, version=form.cleaned_data["version"])
    except Conflict as exc:
        return _page(request, status=409, failed=str(plan.public_id), conflict=exc.message)
    messages.success(request, "Thank you. Your care team can see that you agree with your plan")
    return redirect("careplans:portal")


@person_account_required
@require_POST
def portal_comment(request, public_id):
    plan = selectors.portal_care_plan_get(user=request.user, public_id=public_id)
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(actor=request.user, plan=plan, text=form.cleaned_data["text"])
        except ValidationError as exc:
            form.add_domain_errors(exc)
        else:
            messages.success(request, "Your comment is saved. Your care team will read it")
            return redirect("careplans:portal")
    return _page(request, failed=str(plan.public_id), comment_form=form)
