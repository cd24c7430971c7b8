"""Identifiers the directory checks: UK postcodes, ODS codes, charity numbers, phones."""

import re

import phonenumbers
from django.core.exceptions import ValidationError

# The GOV.UK/ONS postcode shape: outward code (area, district) + inward code (sector, unit).
# GIR 0AA is the one historic exception still in use.
_POSTCODE = re.compile(
    r"^(GIR ?0AA|[A-PR-UWYZ][0-9][0-9]? ?[0-9][ABD-HJLNP-UW-Z]{2}"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][0-9]? ?[0-9][ABD-HJLNP-UW-Z]{2}"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW] ?[0-9][ABD-HJLNP-UW-Z]{2}"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY] ?[0-9][ABD-HJLNP-UW-Z]{2})$"
)
# ODS organisation codes: 3 to 6 letters and digits (trusts "RX4", sites "RX4AB",
# GP practices a letter and five digits "A81001").
_ODS_CODE = re.compile(r"^[A-Z0-9]{3,6}$")
_GP_PRACTICE_ODS_CODE = re.compile(r"^[A-Z][0-9]{5}$")
# Charity Commission for England and Wales (6-7 digits), OSCR Scotland (SC + 6),
# Charity Commission for Northern Ireland (NIC + 6, or the 6-digit form).
_CHARITY_NUMBER = re.compile(r"^([0-9]{6,7}|SC[0-9]{6}|NIC[0-9]{6})$")


def normalise_postcode(value: str) -> str:
    """'ls1 4ap' -> 'LS1 4AP': upper case, one space before the inward code."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def validate_postcode(value: str) -> None:
    if not _POSTCODE.match(normalise_postcode(value)):
        raise ValidationError(
            "Enter a real UK postcode, like LS1 4AP",
            code="invalid_postcode",
            params={"value": value},
        )


def normalise_ods_code(value: str) -> str:
    return (value or "").strip().upper()


def validate_ods_code(value: str) -> None:
    if not _ODS_CODE.match(normalise_ods_code(value)):
        raise ValidationError(
            "Enter an ODS code of 3 to 6 letters and numbers, like RX4 or A81001",
            code="invalid_ods_code",
        )


def validate_gp_practice_ods_code(value: str) -> None:
    if not _GP_PRACTICE_ODS_CODE.match(normalise_ods_code(value)):
        raise ValidationError(
            "A GP practice's ODS code is a letter then 5 numbers, like A81001",
            code="invalid_gp_ods_code",
        )


def normalise_charity_number(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def validate_charity_number(value: str) -> None:
    if not _CHARITY_NUMBER.match(normalise_charity_number(value)):
        raise ValidationError(
            "Enter a registered charity number: 6 or 7 numbers (England and Wales), "
            "SC and 6 numbers (Scotland) or NIC and 6 numbers (Northern Ireland)",
            code="invalid_charity_number",
        )


def normalise_phone(value: str) -> str:
    """A UK or international number in international format, or '' if empty."""
    if not (value or "").strip():
        return ""
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            "Enter a telephone number, like 0113 496 0000", code="invalid_phone"
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError("Enter a telephone number, like 0113 496 0000", code="invalid_phone")
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)


def validate_phone(value: str) -> None:
    normalise_phone(value)
