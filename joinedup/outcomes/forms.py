"""The forms of an outcome measure: one question per item of the measure (built from its
definition, so a measure added as data gets its form with no code), with the occasion
and date for staff, and the team it is for in the person's portal.

The forms parse what was chosen; the scoring service checks the answers against the
measure again and scores them. An answer no page offered (a forged value) is an invalid
choice: the view answers 400 and writes nothing.
"""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from joinedup.directory.forms import NhsFormMixin
from joinedup.outcomes.models import Occasion
from joinedup.outcomes.scoring import Definition, answer_field
from joinedup.people.forms import NhsDateField

NOT_APPLICABLE = "na"


def item_field_name(key: str) -> str:
    return f"q_{key}"


class MeasureForm(NhsFormMixin, forms.Form):
    """A radio question for each item of `definition`, in its order."""

    def __init__(self, *args, definition: Definition, **kwargs):
        self.definition = definition
        super().__init__(*args, **kwargs)
        for item in definition.items:
            choices = [(str(o.value), o.label) for o in item.options]
            if item.not_applicable:
                choices.append((NOT_APPLICABLE, "Not applicable"))
            message = f"Question {item.number}: choose an answer"
            self.fields[item_field_name(item.key)] = forms.ChoiceField(
                label=f"{item.number}. {item.text}",
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={"required": message, "invalid_choice": message},
            )
        self.style_fields()

    def item_fields(self):
        return [self[item_field_name(item.key)] for item in self.definition.items]

    def answers(self) -> dict:
        """{item key: whole number, or None for not applicable}."""
        out = {}
        for item in self.definition.items:
            value = self.cleaned_data[item_field_name(item.key)]
            out[item.key] = None if value == NOT_APPLICABLE else int(value)
        return out

    def renamed(self) -> dict[str, str]:
        """The service's field names (answers.<key>) as this form's."""
        return {answer_field(item.key): item_field_name(item.key) for item in self.definition.items}


class StaffMeasureForm(MeasureForm):
    occasion = forms.ChoiceField(
        label="When in their care is this?",
        choices=Occasion.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose baseline, review or discharge",
            "invalid_choice": "Choose baseline, review or discharge",
        },
    )
    completed_on = NhsDateField(
        label="Date completed", when="past", help_text="For example, 31 3 2026"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The occasion and date come first on the page, then the questions.
        order = ["occasion", "completed_on"]
        self.order_fields(order + [name for name in self.fields if name not in order])

    def completed_at(self) -> dt.datetime:
        """Now, for today; otherwise midday of the day given (the hour is not asked)."""
        day = self.cleaned_data["completed_on"]
        if day == timezone.localdate():
            return timezone.now()
        return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


class PortalMeasureForm(MeasureForm):
    """In the portal: the team it is for, when more than one measures with the person."""

    def __init__(self, *args, teams: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.teams = teams
        if len(teams) > 1:
            self.fields["organisation"] = forms.ChoiceField(
                label="Which team is this for?",
                help_text="They will see your answers",
                choices=[(str(t.public_id), t.name) for t in teams],
                initial=str(teams[0].public_id),
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Choose the team this is for",
                    "invalid_choice": "Choose one of the teams that measure with you",
                },
            )
            self.order_fields(["organisation"])
            self.style_fields()

    def organisation_id(self) -> int | None:
        chosen = self.cleaned_data.get("organisation")
        if chosen is None:
            return None
        team = next((t for t in self.teams if str(t.public_id) == chosen), None)
        if team is None:
            raise ValidationError({"organisation": "Choose one of the teams that measure with you"})
        return team.pk
