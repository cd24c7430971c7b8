from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from joinedup.accounts.forms import LoginForm, SwitchMembershipForm
from joinedup.accounts.middleware import SESSION_KEY


class LoginView(auth_views.LoginView):
    # Django's LoginView cycles the session key at login (no session fixation).
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@login_required
def switch(request):
    memberships = request.user.memberships_available
    form = SwitchMembershipForm(request.POST or None, memberships=memberships)
    if request.method == "POST" and form.is_valid():
        request.session[SESSION_KEY] = int(form.cleaned_data["membership"])
        chosen = next(m for m in memberships if str(m.pk) == form.cleaned_data["membership"])
        messages.success(
            request,
            f"You are now acting as {chosen.get_role_display()}, {chosen.organisation.name}",
        )
        next_url = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            return redirect(next_url)
        return redirect("core:home")
    acting = request.user.acting_membership
    if acting and not form.is_bound:
        form.initial["membership"] = str(acting.pk)
    return render(request, "accounts/switch.html", {"form": form})
