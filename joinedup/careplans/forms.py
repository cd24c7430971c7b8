"""The care plan forms. They parse what was typed; what a valid plan is, and who may be
the care coordinator, are careplans.services' to decide, whose errors come back through
`add_domain_errors` (or `add_plan_errors`, for the offers) beside their field.

Every list offered (services, staff, organisations, localities) is passed in by the
view, so a value no page offered is an invalid choice (the view answers 400), never a
write.
"""

from contextlib import suppress
from itertools import groupby

from django import forms

from joinedup.careplans.services import (
    MAX_COMMENT,
    MAX_FREQUENCY,
    MAX_NOTE,
    MAX_OFFERS,
    MAX_ROLE,
    MAX_TEXT,
)
from joinedup.directory.forms import NhsFormMixin
from joinedup.people.forms import NhsDateField

DEFAULT_OFFER_ROWS = 3


def _box(rows: int = 5) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _text(label: str, *, required: bool = True, limit: int = MAX_TEXT, **kwargs):
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        error_messages={
            "required": f"Enter {label[0].lower()}{label[1:]}",
            "max_length": f"{label} must be {limit:,} characters or fewer",
        },
        **kwargs,
    )


def _person_name(user) -> str:
    return user.get_full_name() or user.username


def staff_label(membership) -> str:
    return (
        f"{_person_name(membership.user)} – {membership.get_role_display()}, "
        f"{membership.organisation.name}"
    )


def _grouped_services(services) -> list:
    """Services as choices grouped by organisation (an optgroup each)."""
    return [
        (organisation, [(str(s.public_id), s.name) for s in group])
        for organisation, group in groupby(services, key=lambda s: s.organisation.name)
    ]


class CarePlanForm(NhsFormMixin, forms.Form):
    """The plan, written with the person: their words first, then the offers of care,
    the crisis plan, the review date and the care coordinator."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    offer_rows = forms.IntegerField(widget=forms.HiddenInput, required=False)
    what_matters = _text(
        "What matters to them",
        widget=_box(),
        help_text="In their own words: write what they say, as they say it",
    )
    goals = _text(
        "Their goals",
        widget=_box(),
        help_text="In their own words: what they want to be doing, and by when",
    )
    strengths = _text(
        "Their strengths",
        required=False,
        widget=_box(3),
        help_text="What they are good at, and who and what helps them",
    )
    crisis_plan = _text(
        "Crisis and contingency plan",
        widget=_box(),
        help_text="The early signs, what helps, who to call and when, what to do if a "
        "service is not there",
    )
    review_date = NhsDateField(
        label="Review date",
        help_text="For example, 15 3 2027. The locality's joint referral meeting reviews "
        "the plan when it is due",
    )
    locality = forms.ChoiceField(
        label="Locality",
        required=False,
        help_text="Leave it to be worked out from the team's service in the plan",
        error_messages={"invalid_choice": "Choose a locality from the list"},
    )
    care_coordinator = forms.ChoiceField(
        label="Care coordinator",
        required=False,
        help_text="Staff of the team or of the care team. Add someone of a partner "
        "organisation to the care team first",
        error_messages={"invalid_choice": "Choose the care coordinator from the list"},
    )

    def __init__(
        self,
        *args,
        services,
        localities,
        coordinators,
        workers,
        rows: int = DEFAULT_OFFER_ROWS,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["locality"].choices = [("", "Work it out from the plan")] + [
            (str(loc.public_id), loc.name) for loc in localities
        ]
        self.fields["care_coordinator"].choices = [("", "Not named yet")] + [
            (str(m.public_id), staff_label(m)) for m in coordinators
        ]
        if self.is_bound:
            with suppress(TypeError, ValueError):
                rows = int(self.data.get("offer_rows") or rows)
        self.rows = max(1, min(MAX_OFFERS, rows))
        self.initial["offer_rows"] = self.rows
        service_choices = [("", "No offer"), *_grouped_services(services)]
        worker_choices = [("", "No named worker")] + [
            (m.user.username, f"{_person_name(m.user)}, {m.organisation.name}") for m in workers
        ]
        for i in range(self.rows):
            self.fields[f"offer_{i}_service"] = forms.ChoiceField(
                label="Service",
                required=False,
                choices=service_choices,
                error_messages={"invalid_choice": "Choose a service from the list"},
            )
            self.fields[f"offer_{i}_worker"] = forms.ChoiceField(
                label="Named worker",
                required=False,
                choices=worker_choices,
                error_messages={"invalid_choice": "Choose the named worker from the list"},
            )
            self.fields[f"offer_{i}_frequency"] = forms.CharField(
                label="How often",
                required=False,
                max_length=MAX_FREQUENCY,
                help_text="For example, every Tuesday morning",
                error_messages={
                    "max_length": f"How often must be {MAX_FREQUENCY} characters or fewer"
                },
            )
        self.style_fields()
        self._row_of_offer: list[int] = []

    @property
    def offer_rows_fields(self) -> list[tuple[int, list]]:
        return [
            (
                i + 1,
                [
                    self[f"offer_{i}_service"],
                    self[f"offer_{i}_worker"],
                    self[f"offer_{i}_frequency"],
                ],
            )
            for i in range(self.rows)
        ]

    def clean(self):
        data = super().clean()
        for i in range(self.rows):
            service = data.get(f"offer_{i}_service")
            if not service and (data.get(f"offer_{i}_worker") or data.get(f"offer_{i}_frequency")):
                self.add_error(f"offer_{i}_service", "Choose the service this offer is from")
        return data

    def plan_data(self) -> dict:
        data = self.cleaned_data
        offers, self._row_of_offer = [], []
        for i in range(self.rows):
            if data.get(f"offer_{i}_service"):
                offers.append(
                    {
                        "service": data[f"offer_{i}_service"],
                        "worker": data.get(f"offer_{i}_worker") or "",
                        "frequency": data.get(f"offer_{i}_frequency") or "",
                    }
                )
                self._row_of_offer.append(i)
        coordinator = data.get("care_coordinator")
        return {
            "what_matters": data["what_matters"],
            "goals": data["goals"],
            "strengths": data.get("strengths", ""),
            "crisis_plan": data["crisis_plan"],
            "review_date": data["review_date"],
            "locality": data.get("locality") or None,
            "care_coordinator": {"membership": coordinator} if coordinator else None,
            "offers": offers,
        }

    def add_plan_errors(self, error) -> None:
        """A service's errors beside their fields, the offers' (`offers.N.field`) beside
        the row they came from."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            parts = name.split(".")
            if len(parts) == 3 and parts[0] == "offers" and parts[1].isdigit():
                index = int(parts[1])
                if index < len(self._row_of_offer):
                    name = f"offer_{self._row_of_offer[index]}_{parts[2]}"
            self.add_error(name if name in self.fields else None, messages)


def plan_initial(plan, offers, coordinator_choice: str = "") -> dict:
    """The form's values for a plan as it stands."""
    initial = {
        "version": plan.version,
        "what_matters": plan.what_matters,
        "goals": plan.goals,
        "strengths": plan.strengths,
        "crisis_plan": plan.crisis_plan,
        "review_date": plan.review_date,
        "locality": str(plan.locality.public_id) if plan.locality_id else "",
        "care_coordinator": coordinator_choice,
    }
    for i, offer in enumerate(offers):
        initial[f"offer_{i}_service"] = str(offer.service.public_id)
        initial[f"offer_{i}_worker"] = offer.worker.username if offer.worker_id else ""
        initial[f"offer_{i}_frequency"] = offer.frequency
    return initial


class OrganisationChoiceForm(NhsFormMixin, forms.Form):
    """The first step of adding to the care team: which organisation."""

    organisation = forms.ChoiceField(
        label="Which organisation?",
        help_text="The team's own organisation, or one of its partners",
        error_messages={
            "required": "Choose the organisation",
            "invalid_choice": "Choose an organisation from the list",
        },
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", "Choose an organisation")] + [
            (str(o.public_id), o.name) for o in organisations
        ]


class CareTeamMemberForm(NhsFormMixin, forms.Form):
    """The second step: who of that organisation, in what role."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    user = forms.ChoiceField(
        label="Who?",
        required=False,
        error_messages={"invalid_choice": "Choose someone from the list"},
    )
    role = _text(
        "Their role in the care team",
        limit=MAX_ROLE,
        help_text="For example, support worker at the day centre",
    )
    single_point_of_contact = forms.BooleanField(
        label="The person's single point of contact",
        required=False,
        help_text="The one person they call first (there is one at a time)",
    )
    care_coordinator = forms.BooleanField(
        label="The care coordinator",
        required=False,
        help_text="Named staff only; the partnership's rule says of which organisations",
    )

    def __init__(self, *args, organisation, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["user"].choices = [("", f"The whole team at {organisation.name}")] + [
            (m.user.username, f"{_person_name(m.user)} – {m.get_role_display()}")
            for m in _one_per_user(staff)
        ]


def _one_per_user(memberships) -> list:
    seen, out = set(), []
    for m in memberships:
        if m.user_id not in seen:
            seen.add(m.user_id)
            out.append(m)
    return out


class VersionForm(forms.Form):
    """A button's form: the version the page showed."""

    version = forms.IntegerField(min_value=1)


class AgreementForm(NhsFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = _text(
        "How they agreed",
        limit=MAX_NOTE,
        widget=_box(2),
        help_text="For example, read through together at home and agreed",
    )


class CommentForm(NhsFormMixin, forms.Form):
    text = _text(
        "Your comment",
        limit=MAX_COMMENT,
        widget=_box(4),
        help_text="Your care team will read it. If you need help now, call the numbers in "
        "your crisis plan",
    )
