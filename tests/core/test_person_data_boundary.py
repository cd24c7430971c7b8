"""No module reaches person-level data except through the access policy (issue 3:
"an architecture test proves no other module queries those models directly").

Every `.py` file under `joinedup/` is parsed; importing a person-level model, using its
manager (`Person.objects`), or fetching it by name (`apps.get_model("people", ...)`) is
allowed only in the modules that own the data or the policy: people's and referrals'
models, selectors and services (each read filtered by `access.record`: referrals by
`referral_visibility`), and the policy itself. Everything else — views, APIs, forms —
calls into those selectors and services.

The apps of joint working (issue 5: care plans, activity, outcomes, meetings) own
person-level models of their own, read through `access.record.record_visibility`. Their
models, selectors, services and admin may reach their own app's models, and no other
app's: a meeting reads referrals through `referrals.selectors`, not `Referral.objects`.

An import under `if TYPE_CHECKING:` is let through: it exists only for annotations and
cannot query anything.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PERSON_LEVEL_MODELS = frozenset(
    {
        "Person",
        "RecordEntry",
        "Consent",
        "CareRelationship",
        "RelatedPerson",
        "BreakGlass",
        "Referral",
        "Transition",
        "Attachment",
        "MeetingQueueItem",
    }
)
# The person-level models of the apps of joint working, by app: each reaches only its own.
JOINT_WORKING_MODELS: dict[str, frozenset[str]] = {
    "careplans": frozenset(
        {
            "CarePlan",
            "CarePlanVersion",
            "CarePlanOffer",
            "CareTeamMember",
            "CarePlanAgreement",
            "CarePlanComment",
        }
    ),
    "activity": frozenset({"Contact"}),
    "outcomes": frozenset({"OutcomeRecord"}),
    "meetings": frozenset({"AgendaItem", "MeetingDecision", "MeetingAction"}),
}
PERSON_LEVEL_MODELS = PERSON_LEVEL_MODELS | frozenset().union(*JOINT_WORKING_MODELS.values())
OWNING_PACKAGES = (
    "joinedup.people",
    "joinedup.access",
    "joinedup.referrals",
    *(f"joinedup.{app}" for app in JOINT_WORKING_MODELS),
)
OWNING_APP_LABELS = frozenset({"people", "access", "referrals", *JOINT_WORKING_MODELS})
MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})
PEOPLE_MODULES_ALLOWED = frozenset({"models.py", "selectors.py", "services.py", "admin.py"})


def is_allowed(path: str) -> bool:
    """`path` is relative to the repository, with forward slashes."""
    parts = path.split("/")
    if parts[0] != "joinedup" or len(parts) < 3:
        return False
    app, rest = parts[1], parts[2:]
    if app in {"access", "audit"}:  # the policy itself; audit stores ids only
        return True
    if app in {"people", "referrals", *JOINT_WORKING_MODELS}:
        return rest[0] == "migrations" or (len(rest) == 1 and rest[0] in PEOPLE_MODULES_ALLOWED)
    return False


def _own_models(path: str) -> frozenset[str]:
    """The person-level models a joint-working app's module may reach: its own app's."""
    return JOINT_WORKING_MODELS.get(path.split("/")[1], frozenset())


def _reaches_another_apps_models(path: str, use: str) -> bool:
    """A use (as `person_data_uses` reports it) of a model that is not the app's own."""
    named = re.findall(r"\b([A-Z][A-Za-z]+)\b", use)
    return any(n in PERSON_LEVEL_MODELS and n not in _own_models(path) for n in named)


def _module_name(path: str) -> tuple[str, bool]:
    parts = path.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def _imported_from(node: ast.ImportFrom, path: str) -> str:
    if node.level == 0:
        return node.module or ""
    module, is_package = _module_name(path)
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _owned(module: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in OWNING_PACKAGES)


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return ""


def _type_checking_only(tree: ast.AST) -> set[int]:
    """Ids of the nodes inside `if TYPE_CHECKING:` blocks."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _dotted(node.test).split(".")[-1] == "TYPE_CHECKING":
            for statement in node.body:
                inside.update(id(n) for n in ast.walk(statement))
    return inside


def _get_model_target(node: ast.Call) -> tuple[str, str] | None:
    if _dotted(node.func).split(".")[-1] != "get_model":
        return None
    args = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    if len(args) == 1 and "." in args[0]:
        label, name = args[0].split(".", 1)
        return label, name
    return (args[0], args[1]) if len(args) == 2 else None


def person_data_uses(source: str, path: str) -> list[str]:
    """Each place in `source` (the file at `path`) that reaches a person-level model."""
    tree = ast.parse(source)
    type_only = _type_checking_only(tree)
    model_modules = {f"{p}.models" for p in OWNING_PACKAGES}
    found = []
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.ImportFrom):
            source_module = _imported_from(node, path)
            if _owned(source_module):
                for alias in node.names:
                    if alias.name in PERSON_LEVEL_MODELS or alias.name == "*":
                        found.append(f"{line}: imports {alias.name} from {source_module}")
                    elif alias.name == "models" and source_module in OWNING_PACKAGES:
                        model_modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in model_modules and alias.asname:
                    model_modules.add(alias.asname)
        elif isinstance(node, ast.Attribute):
            owner = _dotted(node.value)
            manager_of_model = node.attr in MANAGERS and owner.split(".")[-1] in PERSON_LEVEL_MODELS
            model_of_module = node.attr in PERSON_LEVEL_MODELS and owner in model_modules
            if manager_of_model or model_of_module:
                found.append(f"{line}: uses {owner}.{node.attr}")
        elif isinstance(node, ast.Call):
            target = _get_model_target(node)
            if target and target[0] in OWNING_APP_LABELS and target[1] in PERSON_LEVEL_MODELS:
                found.append(f"{line}: fetches {target[0]}.{target[1]} with get_model")
    return sorted(set(found), key=lambda use: (int(use.split(":")[0]), use))


def _python_files() -> list[str]:
    return sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "joinedup").rglob("*.py"))


def test_no_module_outside_people_and_access_reaches_person_level_models():
    offenders = [
        f"{path}:{use}"
        for path in _python_files()
        if not is_allowed(path)
        for use in person_data_uses((ROOT / path).read_text(), path)
    ]
    offenders += [
        f"{path}:{use}"
        for path in _python_files()
        if is_allowed(path)
        and path.split("/")[1] in JOINT_WORKING_MODELS
        and "/migrations/" not in path
        for use in person_data_uses((ROOT / path).read_text(), path)
        if _reaches_another_apps_models(path, use)
    ]
    assert not offenders, (
        "Reach person-level data through joinedup.people.selectors/services (which ask "
        "joinedup.access.record), not directly:\n" + "\n".join(offenders)
    )


def test_the_checker_sees_the_policys_own_queries():
    # Guards against a checker that passes because it reads nothing: the policy module
    # itself, which is allowed, would be reported if it were not.
    path = "joinedup/access/record.py"
    uses = person_data_uses((ROOT / path).read_text(), path)
    assert any("imports CareRelationship from joinedup.people.models" in u for u in uses)
    assert len(_python_files()) > 50


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("joinedup/people/models.py", True),
        ("joinedup/people/selectors.py", True),
        ("joinedup/people/services.py", True),
        ("joinedup/people/admin.py", True),
        ("joinedup/people/migrations/0001_initial.py", True),
        ("joinedup/access/record.py", True),
        ("joinedup/access/migrations/0001_initial.py", True),
        ("joinedup/audit/chain.py", True),
        ("joinedup/people/views.py", False),
        ("joinedup/people/api.py", False),
        ("joinedup/people/forms.py", False),
        ("joinedup/people/selectors_api.py", False),
        ("joinedup/people/management/commands/export.py", False),
        ("joinedup/referrals/selectors.py", True),
        ("joinedup/referrals/services.py", True),
        ("joinedup/referrals/views.py", False),
        ("joinedup/referrals/api.py", False),
        ("joinedup/meetings/models.py", True),
        ("joinedup/meetings/selectors.py", True),
        ("joinedup/meetings/views.py", False),
        ("joinedup/careplans/api.py", False),
        ("joinedup/directory/views.py", False),
        ("joinedup/peoples/models.py", False),
        ("joinedup/api.py", False),
    ],
)
def test_only_the_agreed_modules_may_reach_person_level_models(path, allowed):
    assert is_allowed(path) is allowed


@pytest.mark.parametrize(
    ("path", "source", "expected"),
    [
        (
            "joinedup/referrals/views.py",
            "from joinedup.people.models import Person",
            "1: imports Person from joinedup.people.models",
        ),
        (
            "joinedup/referrals/views.py",
            "from joinedup.access.models import BreakGlass",
            "1: imports BreakGlass from joinedup.access.models",
        ),
        (
            "joinedup/referrals/views.py",
            "from joinedup.people.models import *",
            "1: imports * from joinedup.people.models",
        ),
        (
            "joinedup/people/views.py",
            "from .models import RecordEntry",
            "1: imports RecordEntry from joinedup.people.models",
        ),
        (
            "joinedup/referrals/selectors.py",
            "from ..people.models import Consent",
            "1: imports Consent from joinedup.people.models",
        ),
        (
            "joinedup/referrals/selectors.py",
            "from joinedup.people.selectors import Person",
            "1: imports Person from joinedup.people.selectors",
        ),
        (
            "joinedup/referrals/selectors.py",
            "import joinedup.people.models\njoinedup.people.models.CareRelationship.objects.all()",
            "2: uses joinedup.people.models.CareRelationship",
        ),
        (
            "joinedup/referrals/selectors.py",
            "from joinedup.people import models as pm\npm.RelatedPerson",
            "2: uses pm.RelatedPerson",
        ),
        (
            "joinedup/meetings/services.py",
            "def f(Person):\n    return Person.objects.filter(pk=1)",
            "2: uses Person.objects",
        ),
        (
            "joinedup/meetings/services.py",
            "selectors.Person._default_manager.all()",
            "1: uses selectors.Person._default_manager",
        ),
        (
            "joinedup/meetings/migrations/0002_data.py",
            "def forwards(apps, schema_editor):\n    apps.get_model('people', 'Person')",
            "2: fetches people.Person with get_model",
        ),
        (
            "joinedup/meetings/services.py",
            "apps.get_model('access.BreakGlass')",
            "1: fetches access.BreakGlass with get_model",
        ),
    ],
)
def test_the_checker_reports_each_way_of_reaching_the_models(path, source, expected):
    assert expected in person_data_uses(source, path)


@pytest.mark.parametrize(
    "source",
    [
        "from joinedup.people.models import ConsentState, RelationshipKind",
        "from joinedup.people import selectors\nselectors.person_list(user=None)",
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from joinedup.people.models import Person",
        "person = models.ForeignKey('people.Person', on_delete=models.PROTECT)",
        "apps.get_model('directory', 'Organisation')",
        "Organisation.objects.all()",
        "from joinedup.access import record\nrecord.entry_visibility(None, qs)",
    ],
)
def test_the_checker_lets_through_what_does_not_reach_the_models(source):
    assert person_data_uses(source, "joinedup/referrals/views.py") == []


def test_a_joint_working_app_may_not_reach_another_apps_person_level_models():
    path = "joinedup/meetings/selectors.py"
    uses = person_data_uses("from joinedup.referrals.models import Referral\n", path)
    assert uses and all(_reaches_another_apps_models(path, u) for u in uses)
