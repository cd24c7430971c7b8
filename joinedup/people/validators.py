import re

import nhs_number
from django.core.exceptions import ValidationError


def normalise_nhs_number(value: str) -> str:
    """'943 476 5919' or '943-476-5919' -> '9434765919'."""
    return re.sub(r"[\s-]", "", value or "")


def validate_nhs_number(value: str) -> None:
    """Ten digits whose modulus-11 check digit is right (NHS Data Dictionary)."""
    digits = normalise_nhs_number(value)
    if not re.fullmatch(r"\d{10}", digits):
        raise ValidationError(
            "Enter an NHS number of 10 digits, like 943 476 5919", code="nhs_format"
        )
    if not nhs_number.is_valid(digits):
        raise ValidationError(
            "This is not a valid NHS number: check the digits, the last one is a check digit",
            code="nhs_checksum",
        )
