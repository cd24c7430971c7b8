from django import forms
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been disabled. Ask your organisation's administrator.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "nhsuk-input")


class SwitchMembershipForm(forms.Form):
    membership = forms.ChoiceField(
        label="Act as",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who you are acting as"},
    )

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].choices = [
            (str(m.pk), f"{m.get_role_display()}, {m.organisation.name}") for m in memberships
        ]
