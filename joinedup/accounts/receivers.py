"""Django's login and logout signals, the only way to hear of every login (the login
page, the admin's, the test client's): each notes the session for the services."""

from joinedup.accounts import services


def on_user_logged_in(sender, request, user, **kwargs):
    services.user_session_start(request=request, user=user)


def on_user_logged_out(sender, request, user, **kwargs):
    services.user_session_end(request=request)
