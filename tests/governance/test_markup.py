"""The IG lead's templates keep to the strict Content Security Policy by construction,
and the pages say who they are for in their headings."""

import re
from pathlib import Path

from django.urls import reverse

import joinedup.access
from tests.people import people_support as ps

TEMPLATES = Path(joinedup.access.__file__).parent / "templates" / "access"


def test_no_governance_template_has_inline_script_or_style():
    offenders = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        text = template.read_text()
        if re.search(r"<script|<style|\sstyle=|\son[a-z]+=", text, re.IGNORECASE):
            offenders.append(template.name)
    assert offenders == []


def test_every_filter_field_has_a_label(client, ig_lead):
    ps.login(client, ig_lead)
    text = client.get(reverse("governance:access_review")).text
    for name in ("username", "person", "basis", "action", "date_from", "date_to"):
        assert f'for="id_{name}"' in text


def test_the_error_summary_links_to_the_bad_field(client, ig_lead):
    ps.login(client, ig_lead)
    response = client.get(reverse("governance:access_review"), {"date_to": "tomorrow"})
    assert 'href="#id_date_to"' in response.text
    assert response.text.count("<title>Error: ") == 1
