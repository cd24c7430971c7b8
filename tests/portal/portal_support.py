"""A person with their own portal account, in the shared-record world of people_support."""

from joinedup.accounts.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory

ALEX_EMAIL = "alex.rivers@example.org"


def portal_account(person, *, email: str = ALEX_EMAIL) -> User:
    """`person`'s own account, password set (as after following the invitation link)."""
    user = UserFactory(
        username=email,
        email=email,
        first_name=person.given_name,
        last_name=person.family_name,
        is_person_account=True,
    )
    person.portal_user = user
    person.save(update_fields=["portal_user"])
    return user


def portal_login(client, user) -> None:
    """Log in through the portal's own login page, as the person would."""
    response = client.post(
        "/portal/login/", {"username": user.username, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302, response.content
