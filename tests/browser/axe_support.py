"""axe-core's verdict on a page, as every browser journey asks it."""

from axe_playwright_python.sync_playwright import Axe

# The impacts that fail a page; moderate and minor ones are for review, not for CI.
BLOCKING = {"serious", "critical"}


def blocking_violations(page) -> list[dict]:
    return [v for v in Axe().run(page).response["violations"] if v["impact"] in BLOCKING]


def no_blocking_violations(page) -> None:
    violations = blocking_violations(page)
    assert violations == [], [(v["id"], v["help"], v["nodes"][0]["target"]) for v in violations]
