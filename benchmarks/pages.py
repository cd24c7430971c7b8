"""What the page scenarios share (`benchmarks.referral_load`, `benchmarks.joint_load`):
the personas they act as, and one logged-in client each."""

from django.test import Client

from benchmarks.generator import acting_user


def persona(username: str):
    """The demo account named, acting as its membership; the bench database must hold it."""
    user = acting_user(username)
    if user is None:
        raise RuntimeError(f"{username} is not in this database: it lacks the demo's accounts")
    return user


class Sessions:
    """One logged-in, two-factor-verified client per persona; `get` insists on a 200."""

    def __init__(self, host: str, usernames):
        from joinedup.accounts.testing import force_login_verified

        self.clients: dict[str, Client] = {}
        for username in dict.fromkeys(usernames):
            client = Client(HTTP_HOST=host)
            force_login_verified(client, persona(username))
            self.clients[username] = client

    def get(self, case):
        """GET `case.path` as `case.persona`."""
        response = self.clients[case.persona].get(case.path)
        if response.status_code != 200:
            raise RuntimeError(f"{case.persona} GET {case.path} answered {response.status_code}")
        return response
