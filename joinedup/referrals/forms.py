"""The referral forms: the common form and the lifecycle actions. They parse what was
typed; what a valid referral is, and who may do what, are services.py's to decide."""

from typing import Any

from django import forms

from joinedup.directory.forms import NhsFormMixin
from joinedup.referrals.models import ServiceQuestion, Urgency

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".txt": "text/plain",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
_TEXT = {"max_length": 10_000}
_BOX = forms.Textarea(attrs={"rows": 4})


def _question_field(q: ServiceQuestion) -> forms.Field:
    common = {"label": q.label, "help_text": q.hint, "required": q.required}
    required = {"required": f"Answer “{q.label}”"}
    if q.kind == ServiceQuestion.Kind.YES_NO:
        return forms.ChoiceField(
            choices=[("yes", "Yes"), ("no", "No")],
            widget=forms.RadioSelect,
            error_messages={**required, "invalid_choice": "Choose yes or no"},
            **common,
        )
    if q.kind == ServiceQuestion.Kind.CHOICE:
        return forms.ChoiceField(
            choices=[("", "Choose one")] + [(c, c) for c in q.choices],
            error_messages={**required, "invalid_choice": "Choose an answer from the list"},
            **common,
        )
    if q.kind == ServiceQuestion.Kind.NUMBER:
        return forms.IntegerField(
            min_value=0,
            error_messages={**required, "invalid": "Enter a whole number"},
            **common,
        )
    widget = _BOX if q.kind == ServiceQuestion.Kind.LONG_TEXT else forms.TextInput
    return forms.CharField(
        max_length=q.max_length,
        widget=widget,
        error_messages={
            **required,
            "max_length": f"The answer must be {q.max_length} characters or fewer",
        },
        **common,
    )


class ReferralForm(NhsFormMixin, forms.Form):
    """The common referral form: the person, why, what matters to them, urgency, risk,
    their agreement, the service's own questions and an optional attachment."""

    person = forms.ChoiceField(
        label="Who are you referring?",
        help_text="The people your team has a care relationship with",
        error_messages={
            "required": "Choose the person you are referring",
            "invalid_choice": "Choose a person from the list",
        },
    )
    reason = forms.CharField(
        label="Why are you referring them?",
        widget=_BOX,
        error_messages={
            "required": "Say why you are referring them",
            "max_length": "The reason must be 10,000 characters or fewer",
        },
        **_TEXT,
    )
    needs = forms.MultipleChoiceField(
        label="Which needs should the service help with?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose needs from the list"},
    )
    what_matters = forms.CharField(
        label="What matters to them, in their own words",
        required=False,
        widget=_BOX,
        help_text="So they do not have to tell their story again",
        error_messages={"max_length": "This must be 10,000 characters or fewer"},
        **_TEXT,
    )
    urgency = forms.ChoiceField(
        label="How urgent is it?",
        choices=Urgency.choices,
        initial=Urgency.ROUTINE,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how urgent it is",
            "invalid_choice": "Choose routine, soon or urgent",
        },
    )
    risk_summary = forms.CharField(
        label="Risk summary",
        required=False,
        widget=_BOX,
        help_text="Anything the service must know to keep the person and its staff safe",
        error_messages={"max_length": "The risk summary must be 10,000 characters or fewer"},
        **_TEXT,
    )
    attachment = forms.FileField(
        label="Attach a document (optional)",
        required=False,
        help_text="PDF, Word, OpenDocument, text, PNG or JPEG, up to 5 MB",
    )
    consent_to_share = forms.BooleanField(
        label="The person agrees to this referral and to the service seeing what it says",
        error_messages={"required": "Confirm the person agrees to the referral"},
    )

    def __init__(self, *args, people, service, needs, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service
        self._people = {str(p.public_id): p for p in people}
        self.fields["person"].choices = [("", "Choose a person")] + [
            (str(p.public_id), f"{p.family_name.upper()}, {p.given_name}") for p in people
        ]
        self._needs = {t.code: t for t in needs}
        self.fields["needs"].choices = [(t.code, t.name) for t in needs]
        self.questions = questions
        for q in questions:
            self.fields[f"q_{q.key}"] = _question_field(q)
        self.style_fields()
        # The questions come last on the page, before the agreement.
        order = [n for n in self.fields if n not in ("attachment", "consent_to_share")]
        self.order_fields([*order, "attachment", "consent_to_share"])

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload is None:
            return None
        name = upload.name.lower()
        extension = name[name.rfind(".") :] if "." in name else ""
        if extension not in ATTACHMENT_TYPES:
            raise forms.ValidationError(
                "The attachment must be a PDF, Word, OpenDocument, text, PNG or JPEG file"
            )
        if upload.size > MAX_ATTACHMENT_BYTES:
            raise forms.ValidationError("The attachment must be 5 MB or smaller")
        return upload

    @property
    def question_fields(self):
        return [self[f"q_{q.key}"] for q in self.questions]

    def person_chosen(self):
        return self._people[self.cleaned_data["person"]]

    def needs_chosen(self) -> list:
        return [self._needs[code] for code in self.cleaned_data["needs"]]

    def referral_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "reason": data["reason"],
            "what_matters": data["what_matters"],
            "urgency": data["urgency"],
            "risk_summary": data["risk_summary"],
            "consent_to_share": data["consent_to_share"],
            "answers": {
                q.key: data[f"q_{q.key}"]
                for q in self.questions
                if data.get(f"q_{q.key}") not in (None, "")
            },
        }


class ActionForm(NhsFormMixin, forms.Form):
    """One lifecycle action on the referral's page. `version` is the version the page
    showed: if someone else has acted since, the action is refused, not applied twice."""

    action = forms.CharField(max_length=30)
    version = forms.IntegerField(min_value=1)
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "This must be 10,000 characters or fewer"},
        **_TEXT,
    )
    signposting = forms.CharField(
        label="Where you signposted them",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "This must be 10,000 characters or fewer"},
        **_TEXT,
    )
    to_meeting = forms.BooleanField(
        label="Route it to the locality's joint referral meeting instead", required=False
    )
    service = forms.UUIDField(
        label="The service it goes to",
        required=False,
        error_messages={"invalid": "Choose a service from the directory"},
    )
