"""Activity's forms: a contact, a group session, its register and an activity period.

They parse what was typed; who may record, about whom, and what a valid contact is are
decided by `activity.services`, whose errors come back through `add_domain_errors`.
Choices that depend on the viewer (their organisation's services, the people on a
register) are passed in by the view, so a value no page offered is an invalid choice.
"""

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from joinedup.activity.models import (
    MAX_DURATION_MINUTES,
    MIN_DURATION_MINUTES,
    NOTE_MAX_LENGTH,
    Attendance,
    ContactKind,
    SessionKind,
)
from joinedup.directory.forms import NhsFormMixin
from joinedup.people.forms import NhsDateField

TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*(am|pm)?\s*$", re.IGNORECASE)
MAX_PERIOD_DAYS = 731


def _numeric(width: int) -> forms.TextInput:
    return forms.TextInput(
        attrs={"inputmode": "numeric", "class": f"nhsuk-input nhsuk-input--width-{width}"}
    )


class TimeField(forms.CharField):
    """A time of day typed as 14:30 (or 2.30pm)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("widget", forms.TextInput(attrs={"class": "nhsuk-input--width-5"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        match = TIME.match(value)
        if not match:
            raise ValidationError("Enter the time like 14:30", code="invalid_time")
        hour, minute, half = int(match[1]), int(match[2]), (match[3] or "").lower()
        if half:
            if not 1 <= hour <= 12:
                raise ValidationError("Enter the time like 14:30", code="invalid_time")
            hour = hour % 12 + (12 if half == "pm" else 0)
        if hour > 23 or minute > 59:
            raise ValidationError("Enter a real time, like 14:30", code="invalid_time")
        return dt.time(hour, minute)


def _duration_field(label: str) -> forms.IntegerField:
    message = (
        f"Enter the duration in whole minutes, from {MIN_DURATION_MINUTES} to "
        f"{MAX_DURATION_MINUTES} (a day)"
    )
    return forms.IntegerField(
        label=label,
        min_value=MIN_DURATION_MINUTES,
        max_value=MAX_DURATION_MINUTES,
        help_text="In minutes: 60 for an hour, 1440 for an in-patient day",
        widget=_numeric(4),
        error_messages={
            "required": message,
            "invalid": message,
            "min_value": message,
            "max_value": message,
        },
    )


def _starts_at(date: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(date, time))


class _WhenMixin:
    def when(self) -> dt.datetime | None:
        data = self.cleaned_data
        if data.get("date") is None or data.get("time") is None:
            return None
        return _starts_at(data["date"], data["time"])


class ContactForm(_WhenMixin, NhsFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Kind of contact",
        choices=ContactKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the kind of contact",
            "invalid_choice": "Choose one of the kinds of contact listed",
        },
    )
    service = forms.ChoiceField(
        label="Service",
        required=False,
        help_text="Which of your organisation's services it was part of",
        error_messages={"invalid_choice": "Choose one of your organisation's services"},
    )
    date = NhsDateField(label="Date", help_text="For example, 27 3 2025")
    time = TimeField(label="Time it started", help_text="For example, 14:30")
    duration_minutes = _duration_field("How long it lasted")
    attendance = forms.ChoiceField(
        label="Did they attend?",
        choices=Attendance.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether they attended, did not attend, or it was cancelled",
            "invalid_choice": "Choose one of the answers listed",
        },
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text="A few words, if they help (nothing clinical: that belongs in the record)",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": f"Keep the note to {NOTE_MAX_LENGTH} characters"},
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.services = {str(s.public_id): s for s in services}
        self.fields["service"].choices = [("", "Not part of a listed service")] + [
            (public_id, s.name) for public_id, s in self.services.items()
        ]
        self.fields["time"].required = True
        self.fields["time"].error_messages["required"] = "Enter the time it started"

    def contact_data(self) -> dict[str, Any]:
        """What services.contact_record takes, besides the actor and the person."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "service": self.services.get(data["service"]) if data["service"] else None,
            "starts_at": self.when(),
            "duration_minutes": data["duration_minutes"],
            "attendance": data["attendance"],
            "note": data["note"],
        }


class GroupSessionForm(_WhenMixin, NhsFormMixin, forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="The group's name: the register of its last meeting is offered next time",
        error_messages={"required": "Give the session a title, like the group's name"},
    )
    service = forms.ChoiceField(
        label="Service",
        error_messages={
            "required": "Choose the service that runs it",
            "invalid_choice": "Choose one of your organisation's services",
        },
    )
    kind = forms.ChoiceField(
        label="Kind of session",
        choices=SessionKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a group session or a day-centre session",
            "invalid_choice": "Choose a group session or a day-centre session",
        },
    )
    date = NhsDateField(label="Date", help_text="For example, 27 3 2025")
    time = TimeField(label="Time it starts", help_text="For example, 10:00")
    duration_minutes = _duration_field("How long it lasts")
    facilitators = forms.MultipleChoiceField(
        label="Who else runs it",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="You run it; tick any colleagues who run it with you",
        error_messages={"invalid_choice": "Choose colleagues from the list"},
    )

    def __init__(self, *args, services, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.services = {str(s.public_id): s for s in services}
        self.fields["service"].choices = [("", "Choose a service")] + [
            (public_id, s.name) for public_id, s in self.services.items()
        ]
        self.fields["facilitators"].choices = colleagues
        if not colleagues:
            del self.fields["facilitators"]
        self.fields["time"].required = True
        self.fields["time"].error_messages["required"] = "Enter the time it starts"

    def session_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "service": self.services[data["service"]],
            "kind": data["kind"],
            "title": data["title"],
            "starts_at": self.when(),
            "duration_minutes": data["duration_minutes"],
            "facilitators": data.get("facilitators", []),
        }


class RegisterForm(NhsFormMixin, forms.Form):
    """One set of radios per person on the register (or offered to it): people already
    on it must keep an answer; the others are added by choosing one."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            person = row.person
            choices = list(Attendance.choices)
            if not row.on_register:
                choices.insert(0, ("", "Not on this register"))
            self.fields[row.field_name] = forms.ChoiceField(
                label=f"{person.given_name} {person.family_name}",
                choices=choices,
                required=row.on_register,
                initial=row.attendance,
                widget=forms.RadioSelect(attrs={"class": "nhsuk-radios__input"}),
                error_messages={
                    "required": f"Choose an answer for {person.given_name} "
                    f"{person.family_name}: they are on the register",
                    "invalid_choice": "Choose one of the answers listed",
                },
            )

    def marks(self) -> dict[str, str]:
        """{person public id: attendance} for every row with an answer."""
        return {
            name.removeprefix("p_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("p_") and value
        }

    def bound_rows(self):
        return [(row, self[row.field_name]) for row in self.rows]


class PeriodForm(NhsFormMixin, forms.Form):
    """The period, service and framework of an activity page (from the query string)."""

    start = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the first day like 2025-03-01"},
    )
    end = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the last day like 2025-03-28"},
    )
    service = forms.ChoiceField(
        label="Service",
        required=False,
        error_messages={"invalid_choice": "Choose one of the organisation's services"},
    )
    framework = forms.ChoiceField(
        label="Evaluation framework",
        required=False,
        error_messages={"invalid_choice": "Choose one of the frameworks listed"},
    )

    def __init__(self, *args, services, frameworks, **kwargs):
        super().__init__(*args, **kwargs)
        self.services = {str(s.public_id): s for s in services}
        self.fields["service"].choices = [("", "All services")] + [
            (public_id, s.name) for public_id, s in self.services.items()
        ]
        self.fields["framework"].choices = [(str(f.public_id), f.name) for f in frameworks]
        if len(frameworks) < 2:
            del self.fields["framework"]

    @staticmethod
    def default_period() -> tuple[dt.date, dt.date]:
        """The last four weeks, today included."""
        today = timezone.localdate()
        return today - dt.timedelta(days=27), today

    def clean(self):
        data = super().clean()
        if "start" in self.errors or "end" in self.errors:
            return data
        end = data.get("end") or self.default_period()[1]
        start = data.get("start") or end - dt.timedelta(days=27)
        if start > end:
            self.add_error("end", "The last day must be on or after the first day")
        elif (end - start).days >= MAX_PERIOD_DAYS:
            self.add_error("end", "Choose a period of two years or less")
        data["start"], data["end"] = start, end
        return data

    def period(self) -> tuple[dt.date, dt.date]:
        if self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return self.default_period()

    def service_chosen(self):
        if self.is_valid() and self.cleaned_data.get("service"):
            return self.services[self.cleaned_data["service"]]
        return None

    def framework_chosen(self) -> str:
        return (self.cleaned_data.get("framework") or "") if self.is_valid() else ""
