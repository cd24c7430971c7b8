"""The evaluation frameworks are kept in the admin: the partnership agrees its units and
an administrator records them. Contacts and group sessions are not registered: the
admin would bypass the access policy and the audit (as for the shared record)."""

from django import forms
from django.contrib import admin

from joinedup.activity.models import (
    Attendance,
    ContactKind,
    EvaluationFramework,
    UnitDefinition,
    UnitWeight,
)


class UnitDefinitionForm(forms.ModelForm):
    """The statuses and kinds as tick boxes, kept as JSON lists of their values."""

    statuses = forms.MultipleChoiceField(
        choices=Attendance.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="The attendance that counts (usually attended only)",
    )
    kinds = forms.MultipleChoiceField(
        choices=ContactKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="The kinds of contact that count; tick none to count every kind",
    )

    class Meta:
        model = UnitDefinition
        fields = ["framework", "code", "label", "measure", "statuses", "kinds", "order"]


class UnitWeightInline(admin.TabularInline):
    model = UnitWeight
    extra = 0


@admin.register(UnitDefinition)
class UnitDefinitionAdmin(admin.ModelAdmin):
    form = UnitDefinitionForm
    list_display = ["label", "code", "framework", "measure", "order"]
    list_filter = ["framework"]
    inlines = [UnitWeightInline]


class UnitDefinitionInline(admin.TabularInline):
    model = UnitDefinition
    form = UnitDefinitionForm
    extra = 0
    show_change_link = True


@admin.register(EvaluationFramework)
class EvaluationFrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "partnership", "in_force_from", "in_force_to"]
    list_filter = ["partnership"]
    inlines = [UnitDefinitionInline]
