"""The joint referral meeting's forms: a decision on an item, an action, closing the
meeting, inviting an organisation. They parse what was typed; whether a decision may be
made, and what it does, are services.py's to decide."""

from django import forms

from joinedup.directory.forms import NhsFormMixin
from joinedup.meetings import services as meeting_services
from joinedup.meetings.models import DecisionKind
from joinedup.people.forms import NhsDateField

_BOX = {"max_length": meeting_services.MAX_TEXT, "required": False}
_TOO_LONG = {"max_length": f"This must be {meeting_services.MAX_TEXT:,} characters or fewer"}


def _attendee_choices(attendees) -> list[tuple[str, str]]:
    return [("", "Choose who")] + [
        (
            str(a.public_id),
            f"{a.user.get_full_name() or a.user.username}, {a.organisation.name}",
        )
        for a in attendees
    ]


class _OwnerMixin:
    """The action's owner: one of the people at the meeting, for their organisation."""

    def _set_owners(self, field: str, attendees) -> None:
        self._attendees = {str(a.public_id): a for a in attendees}
        self.fields[field].choices = _attendee_choices(attendees)

    def _owner(self, field: str):
        attendee = self._attendees.get(self.cleaned_data.get(field) or "")
        return (attendee.user, attendee.organisation) if attendee else (None, None)


class DecisionForm(_OwnerMixin, NhsFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="What did the meeting decide?",
        choices=DecisionKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what the meeting decided",
            "invalid_choice": "Choose a decision from the list",
        },
    )
    services = forms.MultipleChoiceField(
        label="Allocate to",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Two or more organisations' services make one joint offer",
        error_messages={"invalid_choice": "Choose services from the list"},
    )
    reason = forms.CharField(
        label="The meeting's reasons",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For an allocation, no further action, or the information needed",
        error_messages=_TOO_LONG,
        **_BOX,
    )
    signposting = forms.CharField(
        label="Where the person is signposted",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages=_TOO_LONG,
        **_BOX,
    )
    action_description = forms.CharField(
        label="Action",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when more information is needed: who finds it out, by when",
        max_length=meeting_services.MAX_ACTION,
        required=False,
        error_messages={"max_length": "The action must be 2,000 characters or fewer"},
    )
    action_owner = forms.ChoiceField(
        label="Who will do it",
        required=False,
        error_messages={"invalid_choice": "Choose someone at the meeting"},
    )
    action_due_on = NhsDateField(
        label="Due date", required=False, help_text="For example, 31 3 2027"
    )

    def __init__(self, *args, services_offered, attendees, **kwargs):
        super().__init__(*args, **kwargs)
        self._services = {str(s.public_id): s for s in services_offered}
        self.fields["services"].choices = [
            (str(s.public_id), f"{s.name} ({s.organisation.name})") for s in services_offered
        ]
        self._set_owners("action_owner", attendees)
        self.style_fields()

    def decision_data(self) -> meeting_services.DecisionData:
        data = self.cleaned_data
        action = None
        if (data["action_description"] or "").strip() or data.get("action_owner"):
            owner, organisation = self._owner("action_owner")
            action = meeting_services.ActionData(
                description=data["action_description"],
                owner=owner,
                organisation=organisation,
                due_on=data.get("action_due_on"),
            )
        return meeting_services.DecisionData(
            kind=data["kind"],
            services=[self._services[s] for s in data["services"]],
            reason=data["reason"],
            signposting=data["signposting"],
            action=action,
        )

    # What the services call the fields this form names otherwise.
    RENAMED = {"action_organisation": "action_owner"}


class ActionForm(_OwnerMixin, NhsFormMixin, forms.Form):
    description = forms.CharField(
        label="What is to be done",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=meeting_services.MAX_ACTION,
        error_messages={
            "required": "Say what is to be done",
            "max_length": "The action must be 2,000 characters or fewer",
        },
    )
    owner = forms.ChoiceField(
        label="Who will do it",
        error_messages={
            "required": "Choose who will do it",
            "invalid_choice": "Choose someone at the meeting",
        },
    )
    due_on = NhsDateField(label="Due date", help_text="For example, 31 3 2027")

    def __init__(self, *args, attendees, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_owners("owner", attendees)
        self.style_fields()

    def action_data(self) -> meeting_services.ActionData:
        owner, organisation = self._owner("owner")
        return meeting_services.ActionData(
            description=self.cleaned_data["description"],
            owner=owner,
            organisation=organisation,
            due_on=self.cleaned_data["due_on"],
        )

    RENAMED = {"organisation": "owner"}


class CloseForm(NhsFormMixin, forms.Form):
    notes = forms.CharField(
        label="Notes for the minutes",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Anything said that is not about one person",
        error_messages=_TOO_LONG,
        **_BOX,
    )


class InviteForm(NhsFormMixin, forms.Form):
    organisation = forms.ChoiceField(
        label="Invite another organisation",
        error_messages={
            "required": "Choose the organisation to invite",
            "invalid_choice": "Choose an organisation from the list",
        },
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self._organisations = {o.slug: o for o in organisations}
        self.fields["organisation"].choices = [("", "Choose an organisation")] + [
            (o.slug, o.name) for o in organisations
        ]
        self.style_fields()

    def organisation_chosen(self):
        return self._organisations[self.cleaned_data["organisation"]]
