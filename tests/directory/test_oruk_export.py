"""`joinedup export-oruk`: the directory as an Open Referral UK file, round-tripping with
`import-oruk`."""

import io
import json

import pytest

from joinedup.directory import models as d
from joinedup.directory.oruk.exporter import export_services
from tests import factories as f
from tests.directory.oruk_support import (
    ContactFactory,
    bare_service,
    import_file,
    record,
    rich_service,
    run_command,
    schema_errors,
    write_json,
)

pytestmark = pytest.mark.django_db


def exported() -> str:
    outcome = run_command("export_oruk")
    assert outcome.error is None, outcome.message
    return outcome.stdout


def empty_the_directory() -> None:
    """What a fresh installation holds: the shipped taxonomies and nothing else."""
    d.Service.objects.all().delete()
    d.Location.objects.all().delete()
    d.Organisation.objects.all().delete()
    d.Locality.objects.all().delete()


def test_the_export_is_an_array_of_full_services_valid_against_the_schema():
    rich_service()
    bare_service()
    services = json.loads(exported())
    assert len(services) == 2
    assert all(schema_errors("service", s) == [] for s in services)


def test_an_empty_directory_exports_an_empty_array():
    assert json.loads(exported()) == []


def test_defunct_services_are_exported_too():
    f.ServiceFactory(status=d.ServiceStatus.DEFUNCT)
    assert [s["status"] for s in json.loads(exported())] == ["defunct"]


def test_export_then_import_into_an_empty_directory_then_export_gives_the_same_json(tmp_path):
    rich_service()
    bare_service()
    first = exported()
    empty_the_directory()
    outcome = import_file(write_json(tmp_path, json.loads(first)))
    assert outcome.error is None, outcome.message
    assert exported() == first


def test_import_export_import_changes_nothing_the_second_time(tmp_path):
    import_file(write_json(tmp_path, [record(), record()], "in.json"))
    again = tmp_path / "again.json"
    again.write_text(exported())
    outcome = import_file(again)
    counts = [line for line in outcome.stdout.splitlines() if line.startswith("  ")]
    assert "  services: 0 created, 0 updated, 2 unchanged" in counts
    assert all("0 created, 0 updated" in line for line in counts)


def test_an_export_reimported_over_itself_changes_nothing(tmp_path):
    rich_service()
    path = tmp_path / "export.json"
    path.write_text(exported())
    outcome = import_file(path)
    counts = [line for line in outcome.stdout.splitlines() if line.startswith("  ")]
    assert "  contacts: 0 created, 0 updated, 2 unchanged" in counts
    assert all("0 created, 0 updated" in line for line in counts)


def test_output_goes_to_a_file_when_asked(tmp_path):
    f.ServiceFactory(name="Walking group")
    path = tmp_path / "directory.json"
    outcome = run_command("export_oruk", "--output", str(path))
    assert [s["name"] for s in json.loads(path.read_text())] == ["Walking group"]
    assert outcome.stdout == ""
    assert "Exported 1 services" in outcome.stderr


def test_an_unwritable_output_is_refused_clearly(tmp_path):
    outcome = run_command("export_oruk", "--output", str(tmp_path / "missing" / "out.json"))
    assert "cannot write" in str(outcome.error)


def test_services_are_read_a_chunk_at_a_time(django_assert_num_queries):
    for n in range(5):
        ContactFactory(service=f.ServiceFactory(name=f"Service {n}"))
    out = io.StringIO()
    # Three chunks of at most two services, six queries each, and one that finds none.
    with django_assert_num_queries(3 * 6 + 1):
        assert export_services(out=out, chunk_size=2) == 5
    assert len(json.loads(out.getvalue())) == 5


def test_each_service_is_one_line_so_the_file_diffs_well():
    f.ServiceFactory.create_batch(3)
    lines = exported().splitlines()
    assert (lines[0], lines[-1], len(lines)) == ("[", "]", 5)
