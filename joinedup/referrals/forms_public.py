"""The public self-referral forms (issue 4): referring yourself, and checking where your
referral is. They parse what was typed; what a valid self-referral is, is
services.self_referral_create's to decide, and its errors come back through
`add_domain_errors`, beside the field they concern."""

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from joinedup.directory.forms import NhsFormMixin
from joinedup.referrals.forms import _question_field

MAX_TEXT = 10_000
HONEYPOT = "website"
_BOX = {"rows": 5}


def _text(label: str, max_length: int, *, what: str, required=False, ask="", **kwargs):
    """A text field whose messages name it as the person would: `what` is "your first
    name" for "Enter your first name" and "Your first name must be 100 characters …"."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages={
            "required": ask or f"Enter {what}",
            "max_length": f"{what[0].upper()}{what[1:]} must be {max_length:,} characters or fewer",
        },
        **kwargs,
    )


class DateInput(forms.MultiWidget):
    """The NHS.UK date input: day, month and year, each a text box with a numeric keypad
    (rendered by referrals/public/includes/date_input.html)."""

    use_fieldset = True

    def __init__(self, attrs=None):
        def part(width: int, autocomplete: str):
            return forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": f"nhsuk-input nhsuk-date-input__input nhsuk-input--width-{width}",
                    "autocomplete": autocomplete,
                    "maxlength": 4 if width == 4 else 2,
                }
            )

        super().__init__([part(2, "bday-day"), part(2, "bday-month"), part(4, "bday-year")], attrs)

    def decompress(self, value):
        return [value.day, value.month, value.year] if value else [None, None, None]


class DateOfBirthField(forms.MultiValueField):
    """A date of birth from three boxes, with the NHS.UK error messages."""

    widget = DateInput

    def __init__(self, **kwargs):
        parts = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(parts, require_all_fields=False, **kwargs)

    def clean(self, value) -> date | None:
        day, month, year = (str(v or "").strip() for v in [*list(value or []), "", "", ""][:3])
        if not (day or month or year):
            if self.required:
                raise ValidationError("Enter your date of birth", code="required")
            return None
        parts = (("day", day), ("month", month), ("year", year))
        missing = [name for name, part in parts if not part]
        if missing:
            raise ValidationError(
                f"Your date of birth must include a {' and a '.join(missing)}", code="incomplete"
            )
        if not (day.isdecimal() and month.isdecimal() and year.isdecimal()):
            raise ValidationError("Enter your date of birth in numbers, like 27 3 1985")
        if len(year) != 4:
            raise ValidationError("Enter the year of your birth as 4 numbers, like 1985")
        try:
            return date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            raise ValidationError("Your date of birth must be a real date") from None

    def compress(self, data_list):  # clean() above does the work
        return None


class SelfReferralForm(NhsFormMixin, forms.Form):
    """Referring yourself: about you, how to reach you, what you would like help with,
    the service's own questions, and your agreement. `website` is a honeypot: hidden
    from people (and from screen readers), filled in by some robots."""

    given_name = _text(
        "First name",
        100,
        what="your first name",
        required=True,
        widget=forms.TextInput({"autocomplete": "given-name"}),
    )
    family_name = _text(
        "Last name",
        100,
        what="your last name",
        required=True,
        widget=forms.TextInput({"autocomplete": "family-name"}),
    )
    preferred_name = _text(
        "Name you would like us to use",
        100,
        what="the name you would like us to use",
        required=False,
        help_text="If it is not your first name",
        widget=forms.TextInput({"autocomplete": "nickname"}),
    )
    date_of_birth = DateOfBirthField(
        label="Date of birth",
        help_text="For example, 27 3 1985. We use it, with your reference, to show you "
        "where your referral is",
    )
    nhs_number = _text(
        "NHS number",
        20,
        what="your NHS number",
        required=False,
        help_text="A 10 digit number, like 943 476 5919, on letters from the NHS and in the "
        "NHS App. Leave it blank if you do not know it",
        widget=forms.TextInput({"inputmode": "numeric", "class": "nhsuk-input--width-10"}),
    )
    preferred_channel = forms.ChoiceField(
        label="How would you like the service to contact you?",
        choices=[
            ("phone", "Phone call"),
            ("sms", "Text message"),
            ("email", "Email"),
            ("letter", "Letter"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how you would like the service to contact you",
            "invalid_choice": "Choose a phone call, a text message, an email or a letter",
        },
    )
    phone = _text(
        "Phone number",
        30,
        what="your phone number",
        required=False,
        help_text="For a phone call or a text message",
        widget=forms.TextInput(
            {"type": "tel", "autocomplete": "tel", "class": "nhsuk-input--width-20"}
        ),
    )
    email = _text(
        "Email address",
        254,
        what="your email address",
        required=False,
        widget=forms.EmailInput({"autocomplete": "email", "spellcheck": "false"}),
    )
    address_1 = _text(
        "Address line 1",
        250,
        what="the first line of your address",
        required=False,
        help_text="Needed for a letter",
        widget=forms.TextInput({"autocomplete": "address-line1"}),
    )
    city = _text(
        "Town or city",
        100,
        what="your town or city",
        required=False,
        widget=forms.TextInput(
            {"autocomplete": "address-level2", "class": "nhsuk-u-width-two-thirds"}
        ),
    )
    postcode = _text(
        "Postcode",
        10,
        what="your postcode",
        required=False,
        widget=forms.TextInput({"autocomplete": "postal-code", "class": "nhsuk-input--width-10"}),
    )
    communication_needs = _text(
        "Is there anything that would help you communicate with the service?",
        1000,
        what="what helps you communicate",
        required=False,
        help_text="For example an interpreter, British Sign Language, easy read or large print",
        widget=forms.Textarea({"rows": 3}),
    )
    reason = _text(
        "What would you like help with?",
        MAX_TEXT,
        what="what you would like help with",
        required=True,
        ask="Tell us what you would like help with",
        help_text="In your own words. You do not need to tell us everything now",
        widget=forms.Textarea(_BOX),
    )
    what_matters = _text(
        "What matters most to you?",
        MAX_TEXT,
        what="what matters to you",
        required=False,
        help_text="For example what you would like to be different, or what has helped before",
        widget=forms.Textarea(_BOX),
    )
    urgency = forms.ChoiceField(
        label="How soon do you need support?",
        choices=[
            ("routine", "In the next few weeks"),
            ("soon", "Within a week"),
            ("urgent", "Within a day"),
        ],
        initial="routine",
        widget=forms.RadioSelect,
        help_text="If you need help now, call 999 or NHS 111 (option 2 for mental health)",
        error_messages={
            "required": "Choose how soon you need support",
            "invalid_choice": "Choose how soon you need support from the list",
        },
    )
    consent_to_share = forms.BooleanField(
        error_messages={"required": "Confirm you agree, so that the service can help you"},
    )
    website = forms.CharField(label="Leave this blank", required=False, max_length=200)

    def __init__(self, *args, service, questions, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = service.organisation.name
        self.fields["consent_to_share"].label = (
            f"I agree to {organisation} receiving this referral and keeping what I have "
            "written in my record, so that they can help me"
        )
        self.fields[HONEYPOT].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.questions = questions
        for q in questions:
            self.fields[f"q_{q.key}"] = _question_field(q)
        self.style_fields()

    # The sections of the page, in order (the template renders each with field.html).
    ABOUT_YOU = ("given_name", "family_name", "preferred_name", "date_of_birth", "nhs_number")
    CONTACT = ("phone", "email", "address_1", "city", "postcode", "communication_needs")
    REFERRAL = ("reason", "what_matters", "urgency")

    def section(self, names) -> list:
        return [self[name] for name in names]

    @property
    def about_you(self) -> list:
        return self.section(self.ABOUT_YOU)

    @property
    def contact(self) -> list:
        return self.section(self.CONTACT)

    @property
    def referral(self) -> list:
        return self.section(self.REFERRAL)

    @property
    def question_fields(self) -> list:
        return [self[f"q_{q.key}"] for q in self.questions]

    def question_names(self) -> dict[str, str]:
        """The service's names for its questions' errors, and this form's."""
        return {f"answers.{q.key}": f"q_{q.key}" for q in self.questions}

    def filled_honeypot(self) -> bool:
        return bool(str(self.data.get(HONEYPOT, "")).strip())

    def self_referral_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = (*self.ABOUT_YOU, "preferred_channel", *self.CONTACT, *self.REFERRAL)
        return {
            **{name: data[name] for name in names},
            "consent_to_share": data["consent_to_share"],
            "answers": {
                q.key: data[f"q_{q.key}"]
                for q in self.questions
                if data.get(f"q_{q.key}") not in (None, "")
            },
        }


class SelfReferralStatusForm(NhsFormMixin, forms.Form):
    """Checking a self-referral: its reference and the date of birth given with it."""

    reference = forms.CharField(
        label="Your referral reference",
        max_length=20,
        help_text="It starts with JU-, like JU-4KQ7MZ2P. It was on the page you saw when you "
        "sent your referral",
        error_messages={
            "required": "Enter your referral reference",
            "max_length": "Enter your referral reference, like JU-4KQ7MZ2P",
        },
        widget=forms.TextInput(
            {"class": "nhsuk-input--width-10", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    date_of_birth = DateOfBirthField(
        label="Date of birth",
        help_text="The one you gave with your referral. For example, 27 3 1985",
    )
