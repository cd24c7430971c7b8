"""Reading an ORUK file fast: the standard library's decoder, a second process, and a
re-import that writes nothing (DESIGN.md §9), without losing any check (§10)."""

import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from joinedup.directory import models as d
from joinedup.directory.oruk import reader
from joinedup.directory.oruk.importer import ImportRefused, oruk_import
from joinedup.directory.oruk.reader import OrukFileError
from tests import factories as f
from tests.directory.oruk_support import changed, directory_counts, record, write_json

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE", "COPY")


def snapshot() -> dict:
    histories = {
        "services": d.Service.history.count(),
        "organisations": d.Organisation.history.count(),
        "locations": d.Location.history.count(),
    }
    stamps = sorted(d.Service.objects.values_list("public_id", "updated_at"))
    return {**directory_counts(), **histories, "stamps": stamps}


def test_a_file_read_in_a_second_process_is_imported_as_one_read_here(tmp_path):
    records = [record() for _ in range(3)]
    path = write_json(tmp_path, records)
    report = oruk_import(path=path, read_in_process=False, batch_size=2)
    assert report.counts["services"].created == 3
    assert sorted(str(s) for s in d.Service.objects.values_list("public_id", flat=True)) == sorted(
        r["id"] for r in records
    )
    again = oruk_import(path=path, read_in_process=True)
    assert again.counts["services"].unchanged == 3


def test_a_bad_record_read_in_a_second_process_is_refused_naming_record_and_field(tmp_path):
    bad = changed(record(), "service_at_locations[0].location.addresses[0].postal_code", "XX1")
    before = directory_counts()
    with pytest.raises(ImportRefused) as refused:
        oruk_import(path=write_json(tmp_path, [record(), bad]), read_in_process=False)
    problems = [str(p) for p in refused.value.report.problems]
    assert problems == [
        f"record 2 (id {bad['id']}): service_at_locations[0].location.addresses[0]"
        '.postal_code: "XX1" is not a UK postcode'
    ]
    assert directory_counts() == before


def test_invalid_json_found_by_the_second_process_is_refused_naming_where(tmp_path):
    path = tmp_path / "bad.json"
    path.write_bytes(b'[{"id": "x",\n  "name": nope}]')
    with pytest.raises(OrukFileError, match="unexpected 'nope' at line 2, column 11"):
        oruk_import(path=path, read_in_process=False)


def test_a_re_import_writes_no_row_when_nothing_changed(tmp_path):
    path = write_json(tmp_path, [record(), record(), record()])
    oruk_import(path=path, batch_size=2)
    before = snapshot()
    with CaptureQueriesContext(connection) as queries:
        report = oruk_import(path=path, batch_size=2)
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().startswith(WRITES)]
    assert writes == []
    assert report.counts["services"].unchanged == 3
    assert snapshot() == before


def test_a_changed_part_is_the_only_row_a_re_import_writes(tmp_path):
    first, second = record(), record()
    oruk_import(path=write_json(tmp_path, [first, second]))
    edited = changed(second, "contacts[0].name", "Alex Volunteer")
    report = oruk_import(path=write_json(tmp_path, [first, edited]))
    assert (report.counts["contacts"].updated, report.counts["contacts"].unchanged) == (1, 1)
    assert report.counts["services"].unchanged == 2
    assert d.Contact.objects.get(public_id=second["contacts"][0]["id"]).name == "Alex Volunteer"


def test_a_record_longer_than_a_read_is_decoded_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "READ_SIZE", 64)
    records = [record(description="A long description. " * 50) for _ in range(3)]
    report = oruk_import(path=write_json(tmp_path, records))
    assert report.counts["services"].created == 3


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_a_number_json_does_not_have_is_refused(tmp_path, constant):
    text = json.dumps([record()]).replace('"minimum_age": 18', f'"minimum_age": {constant}')
    path = tmp_path / "services.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(OrukFileError, match="not valid JSON"):
        oruk_import(path=path)


def test_text_after_the_array_is_refused(tmp_path):
    path = tmp_path / "services.json"
    path.write_text(json.dumps([record()]) + "\n[]", encoding="utf-8")
    with pytest.raises(OrukFileError, match="more after the end of the JSON value"):
        oruk_import(path=path)


def new_term_attribute(taxonomy: d.Taxonomy, term_id: str, *, whole: bool) -> dict:
    found = {"id": str(uuid.uuid4()), "taxonomy_term_id": term_id}
    if whole:
        found["taxonomy_term"] = {
            "id": term_id,
            "name": "Allotments",
            "description": "Growing food together.",
            "taxonomy_id": str(taxonomy.public_id),
            "term": "allotments",
        }
    return found


@pytest.mark.parametrize("in_process", [True, False])
def test_a_term_an_earlier_record_defines_may_be_named_by_its_id_alone(tmp_path, in_process):
    local = f.TaxonomyFactory(name="Leeds local offers", slug="leeds-local")
    term_id = str(uuid.uuid4())
    first, second = record(), record()
    first["attributes"].append(new_term_attribute(local, term_id, whole=True))
    second["attributes"].append(new_term_attribute(local, term_id, whole=False))
    path = write_json(tmp_path, [first, second])
    report = oruk_import(path=path, batch_size=1, read_in_process=in_process, per_record=True)
    assert [str(p) for p in report.problems] == []
    service = d.Service.objects.get(public_id=second["id"])
    assert service.taxonomy_terms.filter(public_id=term_id).exists()


def test_a_term_named_by_id_is_refused_when_the_record_defining_it_was(tmp_path):
    local = f.TaxonomyFactory(name="Leeds local offers", slug="leeds-local")
    f.TaxonomyTermFactory(taxonomy=local, code="allotments")  # the code is taken
    term_id = str(uuid.uuid4())
    first, second = record(), record()
    first["attributes"].append(new_term_attribute(local, term_id, whole=True))
    second["attributes"].append(new_term_attribute(local, term_id, whole=False))
    report = oruk_import(path=write_json(tmp_path, [first, second]), per_record=True)
    problems = [str(p) for p in report.problems]
    assert any(p.startswith("record 1") and "is the code of term" in p for p in problems)
    assert f"record 2 (id {second['id']}): attributes: {term_id} is not a taxonomy term" in (
        "\n".join(problems)
    )
    assert d.Service.objects.count() == 0


def test_the_bench_scenario_imports_its_file_twice_changing_nothing_the_second_time(tmp_path):
    from benchmarks import oruk as scenario

    figures = scenario.run(services=25, seed=3, workdir=tmp_path)
    assert figures["import"]["created"] == 25
    assert (figures["reimport"]["unchanged"], figures["reimport"]["updated"]) == (25, 0)
    assert figures["reimport"]["peak_rss_mib"] >= figures["reimport"]["writer_peak_rss_mib"]


def test_a_write_the_database_refuses_ends_the_reading_process(tmp_path, monkeypatch):
    import multiprocessing

    from django.db import DatabaseError

    from joinedup.directory.oruk import importer

    def refused(batch):
        raise DatabaseError("disk full")

    monkeypatch.setattr(importer._Batch, "write", refused)
    path = write_json(tmp_path, [record() for _ in range(40)])
    with pytest.raises(importer.ImportFailed, match="disk full"):
        oruk_import(path=path, batch_size=1, read_in_process=False)
    assert multiprocessing.active_children() == []
