"""The layers of DESIGN.md §4, checked by import-linter as part of the suite."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_linter_contracts_are_kept():
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_view_or_api_module_imports_a_model_class_to_query_it():
    """Views and APIs reach data through selectors and services, never the ORM directly."""
    offenders = []
    for path in (ROOT / "joinedup").rglob("*.py"):
        if path.name not in {"views.py", "api.py", "oruk_api.py"}:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if ".objects." in line:
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)
