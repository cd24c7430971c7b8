"""axe-core on the directory's main pages: no serious or critical violation."""

import pytest
from django.urls import reverse

from tests.browser import directory_data
from tests.browser.axe_support import blocking_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node['target']}: {node['html'][:160]}" for node in violation["nodes"])
    return "\n".join(lines)


def check(page, url: str) -> None:
    page.goto(url)
    violations = blocking_violations(page)
    assert violations == [], f"axe-core on {url}:\n{describe(violations)}"


@pytest.fixture
def directory(day_centre, trust):
    return directory_data.build(day_centre, trust)


def test_search_page_with_results_and_facets_has_no_serious_violation(page, directory):
    check(
        page, reverse("directory:search") + "?q=befriending&locality=north&need=social-connection"
    )


def test_search_page_with_errors_has_no_serious_violation(page, directory):
    check(page, reverse("directory:search") + "?age=abc&locality=atlantis")


def test_service_page_has_no_serious_violation(page, directory):
    check(page, reverse("directory:service_detail", args=[directory["befriending"].public_id]))


def test_locality_page_has_no_serious_violation(page, directory):
    check(page, reverse("directory:locality_detail", args=["north"]))
