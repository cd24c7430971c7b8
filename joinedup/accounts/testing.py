"""Helpers for tests that log in as staff whose role needs a second factor.

Here rather than under tests/ so any app's tests (and browser journeys) can log a
clinician in the way the real middleware expects, without knowing django-otp.
"""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.accounts import session_keys


def totp_device_for(user) -> TOTPDevice:
    """The user's confirmed authenticator app, made if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True)


def totp_code(device_or_key) -> str:
    """The code an authenticator app would show now, for a device or a hex key."""
    if isinstance(device_or_key, TOTPDevice):
        device = device_or_key
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    else:
        totp = TOTP(bytes.fromhex(device_or_key))
    return f"{totp.token():06d}"


def force_login_verified(client, user) -> TOTPDevice:
    """`client.force_login(user)`, with the second factor proved for the session."""
    client.force_login(user)
    device = totp_device_for(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[session_keys.TWO_FACTOR_ENROLLED] = True
    session.save()
    return device
