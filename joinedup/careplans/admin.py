"""Only the coordinator rules are kept in the admin: the care plans are person-level
data, and the admin would bypass the access policy and the audit."""

from django import forms
from django.contrib import admin

from joinedup.careplans.models import CoordinatorRule, CoordinatorRuleKind
from joinedup.directory.models import OrganisationKind


class CoordinatorRuleForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        choices=OrganisationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For 'the kinds of organisation named' only",
    )

    class Meta:
        model = CoordinatorRule
        fields = ["partnership", "rule", "kinds", "agreed_on", "note"]

    def clean(self):
        data = super().clean()
        if data.get("rule") == CoordinatorRuleKind.NAMED_KINDS and not data.get("kinds"):
            self.add_error("kinds", "Name at least one kind of organisation")
        return data


@admin.register(CoordinatorRule)
class CoordinatorRuleAdmin(admin.ModelAdmin):
    """Who may be a care coordinator, partnership by partnership (the default, with no
    row, is staff of statutory organisations only)."""

    form = CoordinatorRuleForm
    list_display = ["partnership", "rule", "agreed_on"]
    list_filter = ["rule"]
