"""The authenticator-app secret as a person sees it: text to type, a link, a QR code.

Pure functions, no database: the secret stays in the session until its first code
confirms it (services.totp_device_confirm).
"""

import base64
from binascii import unhexlify

import qrcode
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key
from qrcode.image.svg import SvgPathFillImage


def new_key() -> str:
    """A random 20-byte secret, hex-encoded as django-otp stores it."""
    return default_key()


def secret_text(key: str) -> str:
    """The base32 secret that authenticator apps accept, in groups of four to copy easily."""
    text = base64.b32encode(unhexlify(key)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def otpauth_uri(*, key: str, user) -> str:
    return TOTPDevice(user=user, key=key).config_url


def qr_svg_data_uri(uri: str) -> str:
    """The QR code as an SVG image in a data: URL.

    Drawn here rather than by a script or another site, so the strict Content Security
    Policy holds (img-src allows data:) and the secret never leaves the server.
    """
    svg = qrcode.make(uri, image_factory=SvgPathFillImage, box_size=8, border=4).to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def code_matches(*, key: str, code: str, tolerance: int = 1) -> int | None:
    """The time step `code` belongs to, if it is a current code for `key`; else None."""
    totp = TOTP(unhexlify(key))
    if totp.verify(int(code), tolerance):
        return totp.t()
    return None
