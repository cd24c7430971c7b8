"""`joinedup import-oruk FILE`: Open Referral UK files into the directory."""

import json
import uuid

import pytest

from joinedup.directory import models as d
from joinedup.directory.oruk import vocabulary as v
from joinedup.directory.oruk.importer import oruk_import
from joinedup.directory.selectors import ServiceSearch, service_search
from tests import factories as f
from tests.directory.oruk_support import (
    EXAMPLES,
    attribute,
    changed,
    directory_counts,
    import_file,
    record,
    write_json,
)

pytestmark = pytest.mark.django_db


def vocabulary(code: str, value: str | None = None) -> dict:
    term = v.TERMS_BY_CODE[code]
    found = {
        "id": str(uuid.uuid4()),
        "taxonomy_term": {"id": str(term.id), "name": term.name, "description": ""},
    }
    if value is not None:
        found["value"] = value
    return found


def imported(tmp_path, *records, args=()) -> d.Service:
    outcome = import_file(write_json(tmp_path, list(records)), *args)
    assert outcome.error is None, outcome.message
    return d.Service.objects.get(public_id=records[-1]["id"])


# What an import does ------------------------------------------------------------------


def test_a_file_of_services_is_imported_with_its_parts(tmp_path):
    data = record()
    outcome = import_file(write_json(tmp_path, [data]))
    service = d.Service.objects.get(public_id=data["id"])
    assert outcome.error is None
    assert "services: 1 created, 0 updated, 0 unchanged" in outcome.stdout
    identifier = data["organization"]["organization_identifiers"][0]["identifier"]
    assert (service.organisation.name, service.organisation.charity_number) == (
        "Riverside Mind",
        identifier,
    )
    assert service.locations.get().postcode == "LS1 4AP"
    assert [c.name for c in service.contacts.all()] == ["Sam Volunteer"]
    assert [s.weekday for s in service.schedules.all()] == ["MO"]


def test_a_list_page_of_services_is_imported(tmp_path):
    data = record()
    page = {"total_items": 1, "page_number": 1, "contents": [data]}
    assert import_file(write_json(tmp_path, page)).error is None
    assert d.Service.objects.filter(public_id=data["id"]).exists()


def test_a_single_service_object_is_imported_as_a_file_of_one(tmp_path):
    data = record()
    assert import_file(write_json(tmp_path, data)).error is None
    assert d.Service.objects.filter(public_id=data["id"]).exists()


def test_importing_the_same_file_again_changes_nothing(tmp_path):
    path = write_json(tmp_path, [record(), record()])
    import_file(path)
    before = list(d.Service.objects.values_list("public_id", "updated_at"))
    histories = d.Service.history.count()
    again = import_file(path)
    assert "services: 0 created, 0 updated, 2 unchanged" in again.stdout
    assert list(d.Service.objects.values_list("public_id", "updated_at")) == before
    assert d.Service.history.count() == histories


def test_a_changed_record_updates_the_service_in_place(tmp_path):
    data = record()
    imported(tmp_path, data)
    service = imported(tmp_path, {**data, "name": "Befriending by video"})
    assert service.name == "Befriending by video"
    assert d.Service.objects.count() == 1


def test_an_update_is_recorded_in_the_services_history(tmp_path):
    data = record()
    imported(tmp_path, data)
    service = imported(tmp_path, {**data, "name": "Befriending by video"})
    assert service.history.first().history_change_reason == "Imported from Open Referral UK"


def test_parts_no_longer_listed_are_removed(tmp_path):
    data = record()
    imported(tmp_path, data)
    service = imported(tmp_path, {**data, "contacts": []})
    assert service.contacts.count() == 0


def test_a_record_without_a_list_keeps_what_joinedup_has(tmp_path):
    data = record()
    imported(tmp_path, data)
    service = imported(tmp_path, changed(data, "schedules", ...))
    assert service.schedules.count() == 1


def test_joinedup_attributes_set_capacity_and_referral_routes(tmp_path):
    data = record()
    data["attributes"] += [
        vocabulary("capacity-status/waitlist"),
        vocabulary("accepts-self-referrals/yes"),
        vocabulary("waiting-time-days", "14"),
        vocabulary("eligibility-criteria", "Adults in Leeds."),
    ]
    service = imported(tmp_path, data)
    assert (service.capacity_status, service.accepts_self_referrals) == ("waitlist", True)
    assert (service.waiting_time_days, service.eligibility_criteria) == (14, "Adults in Leeds.")


def test_a_feed_without_joinedup_attributes_keeps_the_capacity_staff_set(tmp_path):
    data = record()
    service = imported(tmp_path, data)
    d.Service.objects.filter(pk=service.pk).update(capacity_status="no-capacity")
    assert imported(tmp_path, data).capacity_status == "no-capacity"


def test_needs_are_linked_by_their_shipped_ids(tmp_path):
    service = imported(tmp_path, record())
    assert [t.code for t in service.taxonomy_terms.all()] == ["befriending"]


def test_a_new_term_of_a_taxonomy_in_the_database_is_created(tmp_path):
    local = f.TaxonomyFactory(name="Leeds local offers", slug="leeds-local")
    term_id = str(uuid.uuid4())
    data = record()
    data["attributes"].append(
        {
            "id": str(uuid.uuid4()),
            "taxonomy_term": {
                "id": term_id,
                "name": "Allotments",
                "description": "Growing food together.",
                "taxonomy_id": str(local.public_id),
                "term": "allotments",
            },
        }
    )
    service = imported(tmp_path, data)
    assert service.taxonomy_terms.filter(public_id=term_id, taxonomy=local).exists()


def test_service_areas_are_matched_to_localities_by_name(tmp_path):
    north = f.LocalityFactory(name="North", slug="north")
    service = imported(tmp_path, record())
    assert list(service.localities.all()) == [north]


def test_a_new_service_area_becomes_a_locality(tmp_path):
    data = record(service_areas=[{"id": str(uuid.uuid4()), "name": "Seacroft"}])
    service = imported(tmp_path, data)
    assert [loc.name for loc in service.localities.all()] == ["Seacroft"]


def test_an_imported_service_can_be_found_by_search(tmp_path):
    imported(tmp_path, record(name="Allotment befriending"))
    results = service_search(params=ServiceSearch(text="allotment"))
    assert [s.name for s in results.page] == ["Allotment befriending"]


@pytest.mark.parametrize(
    ("identifier", "kind"),
    [
        (
            {"identifier_scheme": "GB-NHS", "identifier_type": "ODS code", "identifier": "RX4"},
            "nhs_trust",
        ),
        (
            {"identifier_scheme": "GB-NHS", "identifier_type": "ODS code", "identifier": "B86001"},
            "gp_practice",
        ),
        (
            {"identifier_scheme": "GB-CHC", "identifier_type": "Charity", "identifier": "1123456"},
            "vcse",
        ),
    ],
)
def test_an_organisations_kind_is_inferred_from_its_identifier(tmp_path, identifier, kind):
    data = changed(
        record(), "organization.organization_identifiers", [{"id": str(uuid.uuid4()), **identifier}]
    )
    assert imported(tmp_path, data).organisation.kind == kind


def test_an_organisations_kind_attribute_wins_over_inference(tmp_path):
    data = record()
    data["organization"]["attributes"] = [vocabulary("organisation-kind/local_authority")]
    assert imported(tmp_path, data).organisation.kind == "local_authority"


def test_a_schedule_on_several_days_gives_one_row_a_day(tmp_path):
    data = changed(record(), "schedules[0].byday", "TU,TH")
    service = imported(tmp_path, data)
    assert sorted(s.weekday for s in service.schedules.all()) == ["TH", "TU"]


def test_a_monthly_schedule_is_left_out_with_a_note(tmp_path):
    data = changed(record(), "schedules[0].freq", "MONTHLY")
    outcome = import_file(write_json(tmp_path, [data]))
    assert "only weekly opening hours" in outcome.stdout
    assert d.Schedule.objects.count() == 0


def test_progress_is_reported_as_the_file_is_read(tmp_path):
    path = write_json(tmp_path, [record(), record(), record()])
    seen = []
    oruk_import(path=path, on_progress=lambda position, count: seen.append(count))
    assert seen == [1, 2, 3]


def test_a_dry_run_writes_nothing(tmp_path):
    before = directory_counts()
    outcome = import_file(write_json(tmp_path, [record()]), "--dry-run")
    assert "Dry run: nothing was written" in outcome.stdout
    assert directory_counts() == before


def test_the_standards_example_imports_once_its_problems_are_fixed(tmp_path):
    data = json.loads((EXAMPLES / "service_full.json").read_text())
    data = changed(data, "service_at_locations[0].location.latitude", 53.8)
    # Not UK data: a US postal code, and a placeholder taxonomy called "taxonomy".
    data = changed(data, "service_at_locations[0].location.addresses[0].postal_code", "LS1 4AP")
    data = changed(data, "attributes", [attribute("talking-therapies")])
    outcome = import_file(write_json(tmp_path, data))
    assert outcome.error is None, outcome.message
    assert d.Service.objects.get(public_id=data["id"]).name == "Community Counselling"


# Bad input: a clear message naming record and field, and nothing written --------------


def refused(tmp_path, content, *, raw: bytes | None = None):
    before = directory_counts()
    path = tmp_path / "bad.json"
    if raw is not None:
        path.write_bytes(raw)
    else:
        path.write_text(json.dumps(content), encoding="utf-8")
    outcome = import_file(path)
    assert outcome.error is not None
    assert directory_counts() == before
    return outcome


def test_invalid_json_is_refused_naming_the_line_and_column(tmp_path):
    outcome = refused(tmp_path, None, raw=b'[{"id": "x",\n  "name": nope}]')
    assert "not valid JSON: unexpected 'nope' at line 2, column 11" in outcome.message
    assert "Traceback" not in outcome.message


def test_a_file_cut_short_is_refused(tmp_path):
    text = json.dumps([record(), record()])
    outcome = refused(tmp_path, None, raw=text[: len(text) // 2].encode())
    assert "it ends before the JSON does" in outcome.message


@pytest.mark.parametrize("field", ["name", "status", "id"])
def test_a_record_missing_a_required_field_is_refused_naming_it(tmp_path, field):
    outcome = refused(tmp_path, [record(), changed(record(), field, ...)])
    assert "record 2" in outcome.message
    assert f"{field}: is required" in outcome.message


def test_duplicate_service_ids_are_refused(tmp_path):
    first = record()
    second = record(id=first["id"])
    outcome = refused(tmp_path, [first, second])
    assert f"record 2 (id {first['id']}): id: record 1 has the same id" in outcome.message


def test_a_contact_id_used_by_two_services_is_refused(tmp_path):
    first, second = record(), record()
    second["contacts"][0]["id"] = first["contacts"][0]["id"]
    outcome = refused(tmp_path, [first, second])
    assert "record 2" in outcome.message and "contacts[0].id" in outcome.message


def test_a_bad_postcode_is_refused_naming_the_field(tmp_path):
    data = record()
    bad = changed(data, "service_at_locations[0].location.addresses[0].postal_code", "XX1")
    outcome = refused(tmp_path, [bad])
    assert (
        f"record 1 (id {data['id']}): service_at_locations[0].location.addresses[0]"
        '.postal_code: "XX1" is not a UK postcode'
    ) in outcome.message


def test_an_unknown_taxonomy_is_refused(tmp_path):
    data = record()
    data["attributes"] = [
        {
            "id": str(uuid.uuid4()),
            "taxonomy_term": {
                "id": str(uuid.uuid4()),
                "name": "Counselling",
                "description": "",
                "taxonomy": "Some other vocabulary",
            },
        }
    ]
    outcome = refused(tmp_path, [data])
    assert 'attributes[0].taxonomy_term.taxonomy: unknown taxonomy "Some other vocabulary"' in (
        outcome.message
    )


def test_an_unknown_term_of_a_shipped_taxonomy_is_refused(tmp_path):
    data = record(
        attributes=[
            {
                "id": str(uuid.uuid4()),
                "taxonomy_term": {
                    "id": str(uuid.uuid4()),
                    "name": "Knitting",
                    "description": "",
                    "taxonomy": "Mental health and wellbeing needs",
                    "term": "knitting",
                },
            }
        ]
    )
    outcome = refused(tmp_path, [data])
    assert '"knitting" is not a term of Mental health and wellbeing needs' in outcome.message


def test_a_wrong_type_is_refused_naming_the_field(tmp_path):
    outcome = refused(tmp_path, [record(minimum_age="ten")])
    assert 'minimum_age: "ten" is not a number' in outcome.message


def test_ages_out_of_order_are_refused(tmp_path):
    outcome = refused(tmp_path, [record(minimum_age=65, maximum_age=18)])
    assert "maximum_age: 18 is less than the minimum age, 65" in outcome.message


def test_text_in_latin_1_is_refused_naming_the_byte(tmp_path):
    text = json.dumps([record(name="Café club")], ensure_ascii=False)
    outcome = refused(tmp_path, None, raw=text.encode("latin-1"))
    position = text.encode("latin-1").index(b"\xe9") + 1
    assert f"not UTF-8: byte {position:,}" in outcome.message
    assert "0xE9" in outcome.message


def test_the_standards_example_is_refused_for_its_latitude_of_100(tmp_path):
    before = directory_counts()
    outcome = import_file(EXAMPLES / "service_full.json")
    assert (
        "service_at_locations[0].location.latitude: 100 is out of range: it must be from -90 to 90"
    ) in outcome.message
    assert directory_counts() == before


def test_an_empty_file_is_refused(tmp_path):
    outcome = refused(tmp_path, None, raw=b"")
    assert "the file is empty" in outcome.message


def test_an_object_that_is_neither_an_array_nor_a_page_is_refused(tmp_path):
    outcome = refused(tmp_path, {"services": [record()]})
    assert "a JSON object with no contents" in outcome.message


def test_a_record_that_is_not_an_object_is_refused(tmp_path):
    outcome = refused(tmp_path, [record(), "a service"])
    assert 'record 2: "a service" is not an object' in outcome.message


def test_an_ods_code_of_another_organisation_is_refused(tmp_path, trust):
    data = changed(
        record(),
        "organization.organization_identifiers",
        [
            {
                "id": str(uuid.uuid4()),
                "identifier_scheme": "GB-NHS",
                "identifier_type": "ODS code",
                "identifier": trust.ods_code,
            }
        ],
    )
    outcome = refused(tmp_path, [data])
    assert f"ODS code {trust.ods_code} belongs to City NHS Trust" in outcome.message


def test_an_invalid_record_late_in_the_file_leaves_earlier_batches_unwritten(tmp_path):
    records = [record() for _ in range(5)] + [record(minimum_age="ten")]
    before = directory_counts()
    outcome = import_file(write_json(tmp_path, records), "--batch-size", "2")
    assert "record 6" in outcome.message
    assert directory_counts() == before


def test_every_invalid_record_is_reported_at_once(tmp_path):
    outcome = refused(tmp_path, [record(minimum_age="ten"), record(), record(status="open")])
    assert "record 1" in outcome.message and "record 3" in outcome.message
    assert "2 of 3 records are not valid" in outcome.message


def test_per_record_imports_the_valid_records_and_reports_the_others(tmp_path):
    good = record()
    outcome = import_file(write_json(tmp_path, [good, record(minimum_age="ten")]), "--per-record")
    assert "record 2" in outcome.message
    assert outcome.error is not None
    assert list(d.Service.objects.values_list("public_id", flat=True)) == [uuid.UUID(good["id"])]


def test_a_missing_file_is_refused(tmp_path):
    outcome = import_file(tmp_path / "nowhere.json")
    assert "there is no such file" in outcome.message


def test_per_record_leaves_out_a_record_the_database_refuses(tmp_path, trust):
    taken = changed(
        record(),
        "organization.organization_identifiers",
        [
            {
                "id": str(uuid.uuid4()),
                "identifier_scheme": "GB-NHS",
                "identifier_type": "ODS code",
                "identifier": trust.ods_code,
            }
        ],
    )
    good = record()
    outcome = import_file(write_json(tmp_path, [taken, good]), "--per-record")
    assert f"record 1 (id {taken['id']}): organization.organization_identifiers" in outcome.message
    assert list(d.Service.objects.values_list("public_id", flat=True)) == [uuid.UUID(good["id"])]


def test_cost_options_become_the_fees_text_when_there_are_no_fees(tmp_path):
    options = [
        {
            "id": str(uuid.uuid4()),
            "option": "Adults",
            "amount": 5,
            "amount_description": "a session",
        }
    ]
    service = imported(tmp_path, record(cost_options=options))
    assert service.fees == "Adults £5 a session"


def test_a_location_without_an_address_is_left_out_with_a_note(tmp_path):
    data = changed(record(), "service_at_locations[0].location.addresses", [])
    outcome = import_file(write_json(tmp_path, [data]))
    assert "has no postal address" in outcome.stdout
    assert d.Location.objects.count() == 0


def test_a_contact_listed_by_a_new_service_moves_to_it(tmp_path):
    first = record()
    imported(tmp_path, first)
    second = record(contacts=first["contacts"])
    service = imported(tmp_path, second)
    assert [str(c.public_id) for c in service.contacts.all()] == [first["contacts"][0]["id"]]
    assert d.Contact.objects.count() == 1
