"""Audit events are appended only by `joinedup.audit.services`, so every one is chained."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "joinedup"
AUDIT = PACKAGE / "audit"


def as_whole_word(word: str) -> str:
    before = r"(?<!\w)" if word[0].isalnum() else ""
    after = r"(?!\w)" if word[-1].isalnum() else ""
    return before + re.escape(word) + after


def lines_matching(paths, words) -> list[str]:
    pattern = re.compile("|".join(as_whole_word(word) for word in words))
    found = []
    for path in paths:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if line.strip().startswith("#"):
                continue
            if pattern.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_no_module_outside_the_audit_app_touches_its_models_or_tables():
    outside = [p for p in PACKAGE.rglob("*.py") if AUDIT not in p.parents]
    # Importing `Basis` to say why access was allowed is fine; reaching the rows is not.
    offenders = lines_matching(
        outside, ("AuditEvent", "AuditCheckpoint", "audit_auditevent", "audit_auditcheckpoint")
    )
    assert not offenders, "\n".join(offenders)


def test_within_the_audit_app_only_services_create_events():
    inside = [
        p for p in AUDIT.rglob("*.py") if p.name != "services.py" and "migrations" not in p.parts
    ]
    offenders = lines_matching(inside, ("AuditEvent(", ".create(", ".bulk_create(", ".save("))
    # The model and its QuerySet define these methods (to refuse changes); they create nothing.
    offenders = [o for o in offenders if not any(w in o for w in ("def ", "class ", "super()."))]
    assert not offenders, "\n".join(offenders)
