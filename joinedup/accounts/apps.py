from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "joinedup.accounts"
    label = "accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from joinedup.accounts import receivers

        user_logged_in.connect(receivers.on_user_logged_in, dispatch_uid="joinedup-session-start")
        user_logged_out.connect(receivers.on_user_logged_out, dispatch_uid="joinedup-session-end")
