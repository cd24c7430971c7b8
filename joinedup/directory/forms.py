"""The directory's forms: the search filters, and the service and organisation editors.

Forms only parse and check what a person typed; the rules of a valid service or
organisation live in the models and are applied by services.py, whose errors come
back here through `add_domain_errors` so they show beside the field they concern.
"""

import itertools
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from joinedup.directory import selectors_web
from joinedup.directory.models import Organisation, Service, Weekday
from joinedup.directory.selectors import SearchResults, ServiceSearch
from joinedup.directory.services import ORGANISATION_FIELDS, SERVICE_FIELDS

_WIDGET_CLASSES = {
    forms.Textarea: "nhsuk-textarea",
    forms.SelectMultiple: "nhsuk-select",
    forms.Select: "nhsuk-select",
    forms.CheckboxInput: "nhsuk-checkboxes__input",
    forms.CheckboxSelectMultiple: "nhsuk-checkboxes__input",
    forms.RadioSelect: "nhsuk-radios__input",
}
_ERROR_CLASSES = {
    "nhsuk-input": "nhsuk-input--error",
    "nhsuk-textarea": "nhsuk-textarea--error",
    "nhsuk-select": "nhsuk-select--error",
}


def _widget_class(widget: forms.Widget) -> str:
    # Most specific first: RadioSelect and CheckboxSelectMultiple are Selects too.
    for widget_type in type(widget).__mro__:
        if widget_type in _WIDGET_CLASSES:
            return _WIDGET_CLASSES[widget_type]
    return "nhsuk-input"


class NhsFormMixin:
    """Gives every widget its NHS.UK class, and the error style to fields with errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()

    def style_fields(self) -> None:
        """Give each widget its NHS.UK class (call again after adding fields)."""
        for form_field in self.fields.values():
            widget = form_field.widget
            classes = [_widget_class(widget), *widget.attrs.get("class", "").split()]
            widget.attrs["class"] = " ".join(dict.fromkeys(classes))

    def full_clean(self):
        super().full_clean()
        self._mark_errors()

    def add_error(self, field, error):
        super().add_error(field, error)
        self._mark_errors()

    def _mark_errors(self):
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            classes = widget.attrs.get("class", "").split()
            extra = [_ERROR_CLASSES[c] for c in classes if c in _ERROR_CLASSES]
            widget.attrs["class"] = " ".join(dict.fromkeys(classes + extra))

    def add_domain_errors(self, error: ValidationError, *, renamed: dict[str, str] | None = None):
        """Show a service's ValidationError beside the fields it names.

        Errors about fields this form does not have (say, an opening time checked by
        the service) are shown at the top rather than lost.
        """
        renamed = renamed or {}
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.message_dict.items():
            name = renamed.get(name, name)
            self.add_error(name if name in self.fields else None, messages)


class FlagInput(forms.CheckboxInput):
    """A checkbox sent as `name=1`. Only 1, true, on or yes mean ticked, so that a
    hand-made `self_referral=0` does not switch the filter on."""

    TRUE_VALUES = frozenset({"1", "true", "on", "yes"})

    def __init__(self, attrs=None):
        super().__init__({"value": "1", **(attrs or {})})

    def value_from_datadict(self, data, files, name):
        return str(data.get(name, "")).strip().lower() in self.TRUE_VALUES


def _numeric(width: int) -> forms.TextInput:
    # The NHS.UK design system asks for text inputs with a numeric keyboard rather
    # than type=number, which mangles input (scroll wheels, "e", silent rounding).
    return forms.TextInput(
        attrs={"inputmode": "numeric", "class": f"nhsuk-input nhsuk-input--width-{width}"}
    )


WAITING_TIME_CHOICES = [
    ("", "Any waiting time"),
    (7, "1 week or less"),
    (14, "2 weeks or less"),
    (28, "4 weeks or less"),
    (56, "8 weeks or less"),
    (84, "12 weeks or less"),
    (126, "18 weeks or less"),
]


@dataclass
class FacetOption:
    """One tick box of a search filter, with how many results it would match."""

    id: str
    value: str
    label: str
    count: int | None
    checked: bool


@dataclass
class NeedFacet:
    id: str
    label: str
    options: list[FacetOption]
    open: bool


class ServiceSearchForm(NhsFormMixin, forms.Form):
    """The search page's filters. Every one is optional; one that is not valid is
    reported and left out of the search, so a bad link still finds services."""

    q = forms.CharField(
        label="Search for a service",
        required=False,
        max_length=200,
        help_text="For example, befriending, counselling or a service's name",
        error_messages={"max_length": "Search text must be 200 characters or fewer"},
    )
    locality = forms.MultipleChoiceField(
        label="Locality",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose localities from the list"},
    )
    need = forms.MultipleChoiceField(
        label="Need",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose needs from the list"},
    )
    self_referral = forms.BooleanField(
        label="Accepts self-referral", required=False, widget=FlagInput
    )
    accepting = forms.BooleanField(
        label="Accepting referrals now", required=False, widget=FlagInput
    )
    age = forms.IntegerField(
        label="Age of the person",
        required=False,
        min_value=0,
        max_value=130,
        widget=_numeric(3),
        help_text="In years. Leave blank for any age",
        error_messages={
            "invalid": "Enter the age as a whole number of years, like 25",
            "min_value": "Enter an age between 0 and 130",
            "max_value": "Enter an age between 0 and 130",
        },
    )
    max_wait = forms.IntegerField(
        label="Maximum waiting time",
        required=False,
        min_value=0,
        max_value=3650,
        widget=forms.Select(choices=WAITING_TIME_CHOICES),
        error_messages={
            "invalid": "Choose a maximum waiting time from the list",
            "min_value": "Choose a maximum waiting time from the list",
            "max_value": "Choose a maximum waiting time from the list",
        },
    )

    def __init__(self, *args, localities, need_groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.localities = localities
        self.need_groups = need_groups
        self.fields["locality"].choices = [(loc.slug, loc.name) for loc in localities]
        self.fields["need"].choices = [
            (term.code, term.name)
            for group in need_groups
            for term in (group.term, *group.children)
        ]
        self._offer_linked_waiting_time()

    def _offer_linked_waiting_time(self):
        """A link may ask for a waiting time the list does not offer (max_wait=10):
        add it, or the select would silently show "Any" and drop it on the next search."""
        raw = str(self.data.get("max_wait", "")).strip()
        offered = {str(value) for value, _ in WAITING_TIME_CHOICES}
        if raw.isdigit() and raw not in offered and int(raw) <= 3650:
            days = int(raw)
            label = f"{days} day{'s' if days != 1 else ''} or less"
            self.fields["max_wait"].widget.choices = [*WAITING_TIME_CHOICES, (days, label)]

    def _valid(self, name: str, default=None):
        # An invalid field is absent from cleaned_data: its filter is left out.
        return self.cleaned_data.get(name) or default

    def search_params(self) -> ServiceSearch:
        return ServiceSearch(
            text=self._valid("q", ""),
            localities=tuple(self._valid("locality", ())),
            taxonomy_terms=tuple(self._valid("need", ())),
            self_referral=True if self._valid("self_referral") else None,
            accepting_referrals=True if self._valid("accepting") else None,
            age=self.cleaned_data.get("age"),
            max_waiting_days=self.cleaned_data.get("max_wait"),
        )

    def _selected(self, name: str) -> set[str]:
        return set(self.data.getlist(name)) if hasattr(self.data, "getlist") else set()

    def locality_facet(self, results: SearchResults) -> list[FacetOption]:
        selected = self._selected("locality")
        return [
            FacetOption(
                id=f"id_locality_{index}",
                value=loc.slug,
                label=loc.name,
                count=results.locality_counts.get(loc.pk, 0),
                checked=loc.slug in selected,
            )
            for index, loc in enumerate(self.localities)
        ]

    def need_facets(self, results: SearchResults) -> list[NeedFacet]:
        """One group per top-level need: an "any of these" box, then its children."""
        selected = self._selected("need")
        ids = (f"id_need_{n}" for n in itertools.count())
        facets = []
        for group in self.need_groups:
            # The top-level box has no count: adding its children's counts would count
            # a service filed under two of them twice.
            options = [
                FacetOption(
                    next(ids),
                    group.term.code,
                    f"Any {group.term.name.lower()}",
                    None,
                    group.term.code in selected,
                ),
                *(
                    FacetOption(
                        next(ids),
                        child.code,
                        child.name,
                        results.term_counts.get(child.pk, 0),
                        child.code in selected,
                    )
                    for child in group.children
                ),
            ]
            opened = any(option.checked for option in options)
            facets.append(NeedFacet(f"need-{group.term.code}", group.term.name, options, opened))
        return facets


def parse_page_number(raw: str | None) -> int:
    """The page asked for, or 1 for anything that is not a positive whole number."""
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and 0 < int(raw) < 10**6 else 1


class ServiceForm(NhsFormMixin, forms.ModelForm):
    """What a service's own staff keep up to date. Needs and Five Ways tags are one
    many-to-many field in the model, shown here as two lists of tick boxes."""

    # Tick boxes carry public ids and slugs, never the internal integer keys.
    needs = forms.ModelMultipleChoiceField(
        label="Needs this service meets",
        queryset=selectors_web.need_term_list(),
        to_field_name="public_id",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    wellbeing_tags = forms.ModelMultipleChoiceField(
        label="Five Ways to Wellbeing",
        queryset=selectors_web.tag_term_list(),
        to_field_name="public_id",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Which of the Five Ways to Wellbeing the service supports",
    )
    url = forms.URLField(label="Website", required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = Service
        fields = [*SERVICE_FIELDS, "localities", "joint_partners"]
        labels = {
            "name": "Service name",
            "url": "Website",
            "phone": "Telephone",
            "status": "Status",
            "minimum_age": "Minimum age",
            "maximum_age": "Maximum age",
            "accepts_professional_referrals": "Professionals can refer",
            "accepts_self_referrals": "People can refer themselves",
            "accepting_referrals": "Accepting referrals now",
            "capacity_status": "Capacity",
            "waiting_time_days": "Current waiting time in days",
            "is_joint_offer": "This is a joint offer, delivered with other partners",
            "localities": "Localities served",
            "joint_partners": "Partner organisations in the joint offer",
        }
        help_texts = {
            "minimum_age": "In years. Leave blank if there is no minimum",
            "maximum_age": "In years. Leave blank if there is no maximum",
            "waiting_time_days": "From referral to first contact. Leave blank if not known",
            "phone": "For example, 0113 496 0000",
            "referral_instructions": "How to refer, and what to include in a referral",
            "joint_partners": "Hold Ctrl (or Cmd on a Mac) to choose more than one",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "fees": forms.Textarea(attrs={"rows": 2}),
            "eligibility_criteria": forms.Textarea(attrs={"rows": 3}),
            "referral_instructions": forms.Textarea(attrs={"rows": 3}),
            "status": forms.RadioSelect,
            "capacity_status": forms.RadioSelect,
            "minimum_age": _numeric(3),
            "maximum_age": _numeric(3),
            "waiting_time_days": _numeric(4),
            "localities": forms.CheckboxSelectMultiple,
            "joint_partners": forms.SelectMultiple(attrs={"size": 8}),
            "phone": forms.TextInput(
                attrs={"class": "nhsuk-input nhsuk-input--width-20", "type": "tel"}
            ),
        }
        error_messages = {
            "name": {"required": "Enter the service's name"},
            "description": {"required": "Enter a description of the service"},
            "minimum_age": {"invalid": "Enter the minimum age as a whole number"},
            "maximum_age": {"invalid": "Enter the maximum age as a whole number"},
            "waiting_time_days": {"invalid": "Enter the waiting time as a whole number of days"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["localities"].queryset = selectors_web.locality_option_list()
        self.fields["localities"].to_field_name = "slug"
        self.fields["joint_partners"].queryset = selectors_web.organisation_option_list()
        self.fields["joint_partners"].to_field_name = "slug"
        for name in ("status", "capacity_status"):
            # The model's blank choice ("---------") means nothing on a radio list.
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]
        if self.instance.pk and not self.is_bound:
            terms = list(self.instance.taxonomy_terms.all())
            self.initial["needs"] = [t for t in terms if not t.taxonomy.is_tag_set]
            self.initial["wellbeing_tags"] = [t for t in terms if t.taxonomy.is_tag_set]

    def service_data(self) -> dict[str, Any]:
        """What services.service_create/service_update take."""
        data = {name: self.cleaned_data[name] for name in SERVICE_FIELDS}
        data["localities"] = list(self.cleaned_data["localities"])
        data["joint_partners"] = list(self.cleaned_data["joint_partners"])
        data["taxonomy_terms"] = [
            *self.cleaned_data["needs"],
            *self.cleaned_data["wellbeing_tags"],
        ]
        return data

    def add_domain_errors(self, error, *, renamed=None):
        super().add_domain_errors(error, renamed={"taxonomy_terms": "needs", **(renamed or {})})


class OpeningTimeForm(NhsFormMixin, forms.Form):
    """One row of opening hours: a day, and the times the service opens and closes.

    The day and times are required, but an untouched blank row is skipped (the formset
    lets extra rows be empty), and a row ticked for removal is not checked at all.
    """

    weekday = forms.ChoiceField(
        label="Day",
        choices=[("", "Choose a day"), *Weekday.choices],
        error_messages={"required": "Choose the day"},
    )
    opens_at = forms.TimeField(
        label="Opens",
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "nhsuk-input--width-5"}),
        error_messages={
            "required": "Enter the opening time",
            "invalid": "Enter the opening time like 09:00",
        },
    )
    closes_at = forms.TimeField(
        label="Closes",
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "nhsuk-input--width-5"}),
        error_messages={
            "required": "Enter the closing time",
            "invalid": "Enter the closing time like 17:30",
        },
    )
    description = forms.CharField(
        label="Note", required=False, max_length=250, widget=forms.TextInput
    )

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and opens >= closes:
            self.add_error("closes_at", "The closing time must be after the opening time")
        return data

    def slot(self) -> dict[str, Any] | None:
        """The row as services.py takes it, or None for a blank or removed row."""
        data = getattr(self, "cleaned_data", {})
        if not data.get("weekday") or data.get("DELETE"):
            return None
        return {
            "weekday": data["weekday"],
            "opens_at": data["opens_at"],
            "closes_at": data["closes_at"],
            "description": data.get("description", ""),
        }


class BaseOpeningTimesFormSet(forms.BaseFormSet):
    def schedules(self) -> list[dict[str, Any]]:
        return [slot for form in self.forms if (slot := form.slot())]


OpeningTimesFormSet = forms.formset_factory(
    OpeningTimeForm, formset=BaseOpeningTimesFormSet, extra=2, can_delete=True, max_num=50
)


def opening_times_initial(schedules) -> list[dict[str, Any]]:
    return [
        {
            "weekday": s.weekday,
            "opens_at": s.opens_at,
            "closes_at": s.closes_at,
            "description": s.description,
        }
        for s in schedules
    ]


class OrganisationForm(NhsFormMixin, forms.ModelForm):
    website = forms.URLField(label="Website", required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = list(ORGANISATION_FIELDS)
        labels = {
            "name": "Organisation name",
            "kind": "Kind of organisation",
            "reach": "Reach",
            "charity_number": "Charity number",
            "phone": "Telephone",
        }
        help_texts = {
            "ods_code": "NHS organisations only, like RX4 or A81001",
            "charity_number": "Registered charities only, like 1123456 or SC012345",
            "phone": "For example, 0113 496 0000",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "reach": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 5}),
            "ods_code": forms.TextInput(attrs={"class": "nhsuk-input nhsuk-input--width-10"}),
            "charity_number": forms.TextInput(attrs={"class": "nhsuk-input nhsuk-input--width-10"}),
            "phone": forms.TextInput(
                attrs={"class": "nhsuk-input nhsuk-input--width-20", "type": "tel"}
            ),
        }
        error_messages = {
            "name": {"required": "Enter the organisation's name"},
            "description": {"required": "Enter a description of the organisation"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("kind", "reach"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]

    def organisation_data(self) -> dict[str, Any]:
        """What services.organisation_update takes."""
        return {name: self.cleaned_data[name] for name in ORGANISATION_FIELDS}


class OrganisationKindForm(NhsFormMixin, forms.Form):
    """The organisation list's filter."""

    kind = forms.ChoiceField(
        label="Kind of organisation",
        required=False,
        error_messages={"invalid_choice": "Choose a kind of organisation from the list"},
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "All kinds"), *kinds]

    def chosen_kind(self) -> str | None:
        return self.cleaned_data.get("kind") or None
