"""The record's templates keep to the strict Content Security Policy by construction."""

import re
from pathlib import Path

import joinedup.people

TEMPLATES = Path(joinedup.people.__file__).parent / "templates" / "people"


def test_no_record_template_has_inline_script_or_style():
    offenders = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        text = template.read_text()
        if re.search(r"<script|<style|\sstyle=|\son[a-z]+=", text, re.IGNORECASE):
            offenders.append(template.name)
    assert offenders == []
