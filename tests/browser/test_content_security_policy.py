"""The pages work under the strict Content Security Policy: the browser refuses
nothing, and the one inline script (with its nonce) runs, so the NHS.UK frontend's
JavaScript enhancements switch on."""

import pytest
from django.urls import reverse

from tests.browser import directory_data

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_directory_pages_run_without_content_security_policy_violations(page, day_centre, trust):
    service = directory_data.build(day_centre, trust)["befriending"]
    for url in (
        reverse("directory:search") + "?q=befriending&age=abc",
        reverse("directory:service_detail", args=[service.public_id]),
        reverse("directory:locality_detail", args=["north"]),
        reverse("directory:organisation_detail", args=[day_centre.slug]),
    ):
        page.goto(url)
        assert "js-enabled" in page.evaluate("document.body.className"), url
    assert page.csp_violations == []
