"""Forms of the information-governance lead's pages."""

import datetime as dt

from django import forms
from django.utils import timezone

from joinedup.access.models import ReviewOutcome
from joinedup.access.selectors import AuditFilters
from joinedup.audit.models import Basis

TEXT_INPUT = {"class": "nhsuk-input"}


class BreakGlassReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome of your review",
        choices=[
            (ReviewOutcome.REVIEWED.value, "Reviewed: the access was appropriate"),
            (ReviewOutcome.CONCERN.value, "Raise as a concern"),
        ],
        widget=forms.RadioSelect(attrs={"class": "nhsuk-radios__input"}),
        error_messages={"required": "Choose reviewed or raise as a concern"},
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=2000,
        help_text="Required if you raise a concern: say what the concern is",
        widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": 4}),
    )


class AuditFilterForm(forms.Form):
    username = forms.CharField(
        label="User (username)",
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={**TEXT_INPUT, "autocomplete": "off"}),
    )
    person = forms.UUIDField(
        label="Person (joinedup id)",
        required=False,
        error_messages={"invalid": "Enter a person id like 1b4e28ba-2fa1-11d2-883f-0016d3cca427"},
        widget=forms.TextInput(attrs=TEXT_INPUT),
    )
    basis = forms.ChoiceField(
        label="Basis",
        required=False,
        choices=[("", "Any basis"), *Basis.choices],
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    action = forms.CharField(
        label="Action",
        required=False,
        max_length=40,
        help_text="For example view, list, export, break_glass",
        widget=forms.TextInput(attrs=TEXT_INPUT),
    )
    date_from = forms.DateField(
        label="From (date)",
        required=False,
        help_text="For example 2026-03-27",
        error_messages={"invalid": "Enter the from date as year-month-day, like 2026-03-27"},
        widget=forms.DateInput(attrs={**TEXT_INPUT, "type": "date"}),
    )
    date_to = forms.DateField(
        label="To (date, inclusive)",
        required=False,
        help_text="For example 2026-03-31",
        error_messages={"invalid": "Enter the to date as year-month-day, like 2026-03-31"},
        widget=forms.DateInput(attrs={**TEXT_INPUT, "type": "date"}),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The to date must be the same as or after the from date")
        return data

    def filters(self) -> AuditFilters:
        """The valid filters; a field with an error is left out (the page shows the error)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return AuditFilters(
            username=(data.get("username") or "").strip(),
            person_public_id=data.get("person"),
            basis=data.get("basis") or "",
            action=(data.get("action") or "").strip(),
            occurred_from=_start_of(data.get("date_from")),
            occurred_before=_start_of(data["date_to"] + dt.timedelta(days=1))
            if data.get("date_to")
            else None,
        )


def _start_of(day: dt.date | None) -> dt.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class SubjectAccessForm(forms.Form):
    identifier = forms.CharField(
        label="NHS number or joinedup person id",
        max_length=64,
        help_text="For example 485 777 3456, or the id shown on the person's record",
        error_messages={"required": "Enter an NHS number or a joinedup person id"},
        widget=forms.TextInput(attrs={**TEXT_INPUT, "autocomplete": "off"}),
    )
