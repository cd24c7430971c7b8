import re

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm


def _nhs_inputs(form: forms.Form) -> None:
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", "nhsuk-input")


class LoginForm(AuthenticationForm):
    """Staff log in here; a person's own portal account logs in at /portal/login/."""

    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been disabled. Ask your organisation's administrator.",
        "wrong_door": "This is your own account for your record: log in on the "
        "“Your record” login page instead.",
    }
    for_person_accounts = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _nhs_inputs(self)

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.is_person_account != self.for_person_accounts:
            raise forms.ValidationError(self.error_messages["wrong_door"], code="wrong_door")


class PortalLoginForm(LoginForm):
    """A person logs in to their own record; staff accounts are refused here."""

    error_messages = {
        **LoginForm.error_messages,
        "inactive": "This account has been closed. Ask the team that looks after you.",
        "wrong_door": "This is a staff account: staff log in on the staff login page.",
    }
    for_person_accounts = True


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


class SecurityCodeForm(forms.Form):
    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code your authenticator app shows for joinedup now",
        max_length=20,
        error_messages={"required": "Enter the 6-digit security code"},
        widget=forms.TextInput(
            attrs={
                "class": "nhsuk-input nhsuk-input--width-10",
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(r"[0-9]{6}", code):
            raise forms.ValidationError("Enter the security code as 6 digits, like 123456")
        return code


class NhsPasswordChangeForm(PasswordChangeForm):
    """Django's form, whose new password must pass AUTH_PASSWORD_VALIDATORS."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": "Your current password is not right. Enter it again.",
        "password_mismatch": "The new passwords do not match. Enter the same one twice.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _nhs_inputs(self)
        self.fields["old_password"].label = "Current password"
        self.fields["new_password2"].label = "New password again"
        self.fields["new_password2"].help_text = ""
