"""The shared record's staff forms. They parse and check what was typed; who may do
what, and what a valid record is, are decided by services.py and the access policy,
whose errors come back through `add_domain_errors` to show beside their field.

Choices that depend on the viewer (the categories a role may record, the partnerships
an organisation belongs to) are passed in by the view, so that a value no page offered
— a forged category, another organisation's id — is an invalid choice, never a write.
"""

import datetime as dt
import re
from typing import Any

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils import timezone

from joinedup.access.categories import Category
from joinedup.directory.forms import NhsFormMixin
from joinedup.directory.validators import normalise_phone, normalise_postcode, validate_postcode
from joinedup.people import selectors
from joinedup.people.models import (
    ConsentState,
    EthnicCategory,
    GenderIdentity,
    HowGiven,
    PreferredChannel,
    SexualOrientation,
)
from joinedup.people.validators import normalise_nhs_number, validate_nhs_number

# Error codes of a value that no page offered: the view answers 400, not a plain re-display.
FORGED_VALUE_CODES = frozenset({"invalid_choice", "invalid_list", "invalid_pk_value"})


def offered_values_forged(form: forms.Form) -> bool:
    return any(
        error.code in FORGED_VALUE_CODES
        for errors in form.errors.as_data().values()
        for error in errors
    )


# --- The NHS.UK date input: day, month and year as three text boxes ------------------


class DateInputWidget(forms.MultiWidget):
    """Three numeric text boxes in the NHS.UK date-input pattern. The first box's id is
    `<id>_0`, which is where the error summary links for a fieldset."""

    template_name = "people/widgets/date_input.html"
    use_fieldset = True
    PARTS = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))

    def __init__(self, attrs=None):
        super().__init__({name: forms.TextInput for name, _, _ in self.PARTS}, attrs)

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        error = "nhsuk-input--error" in self.attrs.get("class", "")
        for sub, (_, label, width) in zip(context["widget"]["subwidgets"], self.PARTS, strict=True):
            sub["label"] = label
            classes = f"nhsuk-input nhsuk-date-input__input nhsuk-input--width-{width}"
            sub["attrs"]["class"] = classes + (" nhsuk-input--error" if error else "")
            sub["attrs"]["inputmode"] = "numeric"
        return context


class NhsDateField(forms.MultiValueField):
    """A date typed as day, month and year, with messages that name the field."""

    widget = DateInputWidget

    def __init__(self, *, label: str, when: str = "", **kwargs):
        # `when` is "past" or "future": the date must be before or after today.
        self.when = when
        incomplete = f"{label} must include a day, month and year"
        parts = tuple(forms.CharField(error_messages={"incomplete": incomplete}) for _ in "dmy")
        kwargs.setdefault("error_messages", {"required": f"Enter the {label.lower()}"})
        super().__init__(parts, label=label, require_all_fields=False, **kwargs)

    def _message(self, text: str) -> str:
        return f"{self.label} {text}"

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        day, month, year = data_list
        if not all(re.fullmatch(r"\d{1,2}", p) for p in (day, month)) or not re.fullmatch(
            r"\d{4}", year
        ):
            raise ValidationError(
                self._message("must be a real date, like 31 3 1980"), code="invalid_date"
            )
        try:
            value = dt.date(int(year), int(month), int(day))
        except ValueError as exc:
            raise ValidationError(
                self._message("must be a real date, like 31 3 1980"), code="invalid_date"
            ) from exc
        today = timezone.localdate()
        if self.when == "past" and not (dt.date(1900, 1, 1) <= value <= today):
            raise ValidationError(self._message("must be in the past"), code="not_past")
        if self.when == "future" and value <= today:
            raise ValidationError(self._message("must be in the future"), code="not_future")
        return value


# --- The people list -------------------------------------------------------------------


class PersonSearchForm(NhsFormMixin, forms.Form):
    q = forms.CharField(
        label="Search by name or NHS number",
        required=False,
        max_length=100,
        error_messages={"max_length": "Search text must be 100 characters or fewer"},
    )

    def search_text(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""


# --- Adding a person ---------------------------------------------------------------


# Names are not words: no spelling correction, no browser autofill of the user's own.
_NAME_INPUT = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
YES_NO = [("yes", "Yes"), ("no", "No")]
_AS_BOOLEAN = {"yes": True, "no": False}


def _prefer_not_to_say(choices, code: str = "Z") -> list[tuple[str, str]]:
    """The NHS Data Dictionary's "not stated" (asked, and declined) in plain words."""
    return [
        (value, "Prefer not to say (not stated)" if value == code else label)
        for value, label in choices
    ]


def _text(label: str, *, required: bool = False, max_length: int = 100, **kwargs):
    messages = {"max_length": f"{label} must be {max_length} characters or fewer"}
    if required:
        messages["required"] = f"Enter the person's {label.lower()}"
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        error_messages=messages,
        **kwargs,
    )


def _optional_radios(label: str, choices) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=f"{label} (optional)",
        required=False,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": f"Choose the {label.lower()} from the list"},
    )


class PersonForm(NhsFormMixin, forms.Form):
    """A person's details. Only the names are required; equality monitoring questions
    are optional, and each offers the person's wish not to say."""

    nhs_number = forms.CharField(
        label="NHS number",
        required=False,
        max_length=20,
        help_text="10 digits, like 943 476 5919",
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10", "inputmode": "numeric"}),
        error_messages={"max_length": "Enter an NHS number of 10 digits, like 943 476 5919"},
    )
    given_name = _text("Given name", required=True, widget=_NAME_INPUT)
    family_name = _text("Family name", required=True, widget=_NAME_INPUT)
    preferred_name = _text("Preferred name", help_text="What the person likes to be called")
    date_of_birth = NhsDateField(
        label="Date of birth", required=False, when="past", help_text="For example, 31 3 1980"
    )
    pronouns = _text("Pronouns", max_length=50, help_text="For example, she/her, they/them")
    phone = _text(
        "Telephone",
        max_length=30,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-20", "type": "tel"}),
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an email address, like name@example.com"},
    )
    preferred_channel = _optional_radios(
        "How the person prefers to be contacted", PreferredChannel.choices
    )
    address_1 = _text("Address line 1", max_length=250)
    address_2 = _text("Address line 2", max_length=250)
    city = _text("Town or city")
    postcode = _text(
        "Postcode",
        max_length=10,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10"}),
    )
    gp_practice = forms.ModelChoiceField(
        label="GP practice",
        queryset=selectors.gp_practice_choices(),
        to_field_name="public_id",
        required=False,
        empty_label="Not known or not registered",
        error_messages={"invalid_choice": "Choose a GP practice from the list"},
    )
    communication_needs = forms.CharField(
        label="Communication needs",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, an interpreter, British Sign Language or easy read",
    )
    accessibility_needs = forms.CharField(
        label="Accessibility needs",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    preferred_language = _text("Preferred language")
    interpreter_required = _optional_radios("Does the person need an interpreter?", YES_NO)
    ethnic_category = _optional_radios("Ethnic group", _prefer_not_to_say(EthnicCategory.choices))
    gender_identity = _optional_radios(
        "Gender identity", _prefer_not_to_say(GenderIdentity.choices)
    )
    sexual_orientation = _optional_radios(
        "Sexual orientation", _prefer_not_to_say(SexualOrientation.choices)
    )
    has_disability = _optional_radios(
        "Does the person consider themselves to have a disability?",
        [*YES_NO, ("not_stated", "Prefer not to say (not stated)")],
    )
    confirm_same_person = forms.BooleanField(
        label="This is the same person – use their record",
        required=False,
    )

    EQUALITY_FIELDS = ("ethnic_category", "gender_identity", "sexual_orientation", "has_disability")

    def clean_nhs_number(self) -> str:
        value = normalise_nhs_number(self.cleaned_data.get("nhs_number", ""))
        if value:
            validate_nhs_number(value)
        return value

    def clean_postcode(self) -> str:
        value = self.cleaned_data.get("postcode", "")
        if value:
            validate_postcode(value)
            value = normalise_postcode(value)
        return value

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data.get("phone", ""))

    def person_data(self) -> dict[str, Any]:
        """What services.person_create takes (its PERSON_FIELDS)."""
        data = {
            name: self.cleaned_data[name] for name in self.fields if name != "confirm_same_person"
        }
        for name in ("interpreter_required", "has_disability"):
            data[name] = _AS_BOOLEAN.get(data[name])
        return data

    def equality_fields(self):
        return [self[name] for name in self.EQUALITY_FIELDS]


# --- Entries -------------------------------------------------------------------------


def _title_field() -> forms.CharField:
    return forms.CharField(
        label="Title",
        max_length=200,
        help_text="A few words that say what the entry is about",
        error_messages={
            "required": "Enter a title",
            "max_length": "The title must be 200 characters or fewer",
        },
    )


def _text_field() -> forms.CharField:
    # No max_length here: services.MAX_ENTRY_TEXT is the one limit, and its message
    # comes back to this field through add_domain_errors.
    return forms.CharField(
        label="Entry", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 8})
    )


class EntryForm(NhsFormMixin, forms.Form):
    category = forms.ChoiceField(
        label="Category",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the category of the entry",
            "invalid_choice": "Choose a category your role may record",
        },
    )
    title = _title_field()
    text = _text_field()
    sealed = forms.BooleanField(
        label="Seal this entry",
        required=False,
        help_text="Only clinicians in your organisation will be able to read it",
    )
    withheld_from_person = forms.BooleanField(
        label="Withhold from the person's own view",
        required=False,
        help_text="For third-party information. Safeguarding entries are always withheld",
    )

    def __init__(self, *args, categories, may_seal: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            (value, label) for value, label in Category.choices if value in categories
        ]
        if not may_seal:
            del self.fields["sealed"]

    def entry_data(self) -> dict[str, Any]:
        """What services.entry_create takes, besides the actor and the person."""
        data = self.cleaned_data
        return {
            "category": data["category"],
            "title": data["title"],
            "text": data["text"],
            "sealed": data.get("sealed", False),
            "withheld_from_person": data["withheld_from_person"],
        }


class EntryCorrectionForm(NhsFormMixin, forms.Form):
    title = _title_field()
    text = _text_field()
    reason = forms.CharField(
        label="Why are you correcting this entry?",
        max_length=250,
        help_text="The reason is kept with the correction, and the earlier version is kept too",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Say why the entry is being corrected",
            "max_length": "The reason must be 250 characters or fewer",
        },
    )


# --- Consent -------------------------------------------------------------------------


class ConsentForm(NhsFormMixin, forms.Form):
    """One consent decision: a scope (partnership or organisation), categories, state."""

    scope = forms.ChoiceField(
        label="Who does this decision apply to?",
        help_text="A partnership your organisation is a member of, or one organisation",
        error_messages={
            "required": "Choose the partnership or organisation it applies to",
            "invalid_choice": "Choose a partnership or organisation from the list",
        },
    )
    categories = forms.MultipleChoiceField(
        label="Which parts of the record does it cover?",
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one part of the record",
            "invalid_choice": "Choose parts of the record from the list",
        },
    )
    state = forms.ChoiceField(
        label="What has the person decided?",
        choices=ConsentState.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose explicit consent, implied consent, objection or override",
            "invalid_choice": "Choose a decision from the list",
        },
    )
    how_given = forms.ChoiceField(
        label="How was it given?",
        choices=HowGiven.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say how the person gave this",
            "invalid_choice": "Choose how it was given from the list",
        },
    )
    expires_on = NhsDateField(
        label="Expiry date",
        required=False,
        when="future",
        help_text="Optional. The decision ends at the end of this day. For example, 31 3 2027",
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=250,
        help_text="Required for an override: the reason sharing without consent was decided",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "The note must be 250 characters or fewer"},
    )

    def __init__(self, *args, scopes: "selectors.ConsentScopes", **kwargs):
        super().__init__(*args, **kwargs)
        self._scopes = {
            **{f"partnership:{p.public_id}": ("partnership", p) for p in scopes.partnerships},
            **{f"organisation:{o.public_id}": ("organisation", o) for o in scopes.organisations},
        }
        choices: list = [("", "Choose a partnership or organisation")]
        if scopes.partnerships:
            choices.append(
                (
                    "Partnerships",
                    [(f"partnership:{p.public_id}", p.name) for p in scopes.partnerships],
                )
            )
        choices.append(
            (
                "Organisations",
                [(f"organisation:{o.public_id}", o.name) for o in scopes.organisations],
            )
        )
        self.fields["scope"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("state") == ConsentState.OVERRIDE and not data.get("note", "").strip():
            self.add_error("note", "An override needs the reason it was decided")
        return data

    def consent_data(self) -> dict[str, Any]:
        """What services.consent_record takes, besides the actor and the person."""
        data = self.cleaned_data
        kind, scope = self._scopes[data["scope"]]
        expires_on = data.get("expires_on")
        expires_at = None
        if expires_on:
            # The end of the chosen day, in the partnership's time zone.
            expires_at = timezone.make_aware(
                dt.datetime.combine(expires_on + dt.timedelta(days=1), dt.time.min)
            )
        return {
            kind: scope,
            "categories": data["categories"],
            "state": data["state"],
            "how_given": data["how_given"],
            "expires_at": expires_at,
            "note": data["note"],
        }


class PortalConsentForm(ConsentForm):
    """The person's own decision, in the portal: share (explicit consent) or not
    (objection), online. Implied consent and overrides are staff decisions."""

    state = forms.ChoiceField(
        label="What do you want?",
        choices=[
            (ConsentState.EXPLICIT, "Yes, they may share it to look after me"),
            (ConsentState.OBJECTION, "No, I do not want it shared"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether they may share it",
            "invalid_choice": "Choose whether they may share it",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("how_given", "note"):
            del self.fields[name]
        self.fields["scope"].label = "Who is this about?"
        self.fields[
            "scope"
        ].help_text = "The whole partnership that looks after you, or one organisation in it"
        self.fields["categories"].label = "Which parts of your record?"

    def clean(self):
        return forms.Form.clean(self)

    def consent_data(self) -> dict[str, Any]:
        self.cleaned_data.update(how_given=HowGiven.ONLINE, note="")
        return super().consent_data()


class PortalSetPasswordForm(NhsFormMixin, SetPasswordForm):
    """The person chooses the password of their own account (Django's validators)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Choose a password"
        self.fields["new_password2"].label = "Type the same password again"


class PortalInviteForm(NhsFormMixin, forms.Form):
    email = forms.EmailField(
        label="The person's email address",
        max_length=150,
        help_text="We email them a link to set a password. The email says nothing about "
        "their care.",
        error_messages={
            "required": "Enter the person's email address",
            "invalid": "Enter an email address, like name@example.org",
            "max_length": "The email address must be 150 characters or fewer",
        },
    )


# --- Break-glass ---------------------------------------------------------------------

BREAK_GLASS_DURATIONS = [("1", "1 hour"), ("4", "4 hours"), ("12", "12 hours")]


class BreakGlassForm(NhsFormMixin, forms.Form):
    nhs_number = forms.CharField(
        label="NHS number",
        max_length=20,
        help_text="The person's 10-digit NHS number, like 943 476 5919",
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter the person's NHS number",
            "max_length": "Enter an NHS number of 10 digits, like 943 476 5919",
        },
    )
    reason = forms.CharField(
        label="Why do you need this record now?",
        min_length=20,
        max_length=2000,
        help_text="At least 20 characters. Your information governance lead will read this",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Say why you need this record now",
            "min_length": "Say why you need this record now, in at least 20 characters",
            "max_length": "The reason must be 2,000 characters or fewer",
        },
    )
    duration = forms.ChoiceField(
        label="For how long?",
        choices=BREAK_GLASS_DURATIONS,
        widget=forms.RadioSelect,
        help_text="Access ends at the end of this time. Choose the shortest you need",
        error_messages={
            "required": "Choose how long you need access for",
            "invalid_choice": "Choose 1, 4 or 12 hours",
        },
    )
    confirm = forms.BooleanField(
        label=(
            "I understand that this access is logged, reviewed by my organisation's "
            "information governance lead and shown to the person"
        ),
        error_messages={"required": "Confirm that you understand how this access is checked"},
    )

    def clean_nhs_number(self) -> str:
        value = normalise_nhs_number(self.cleaned_data["nhs_number"])
        validate_nhs_number(value)
        return value

    def duration_delta(self) -> dt.timedelta:
        return dt.timedelta(hours=int(self.cleaned_data["duration"]))
