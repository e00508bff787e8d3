"""The batch loader: what one batch writes, what a re-import changes, what a failure leaves."""

import io
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from safehub.audit.models import AuditEvent
from safehub.people.constants import AddressKind, IdentifierKind, NameKind, Sex
from safehub.people.imports import HEADER, ImportRow, people_import_batch, run_import
from safehub.people.imports import services as import_services
from safehub.people.models import (
    Address,
    Person,
    PersonAddress,
    PersonIdentifier,
    PersonMatchKey,
    PersonMatchProfile,
    PersonName,
)
from safehub.people.normalise import ProfileValues
from safehub.people.services import person_create, person_refresh_match_keys
from safehub.platform.errors import PermissionRefused

from .conftest import NHS, UPNS, row

pytestmark = pytest.mark.django_db


def _csv(rows: list[dict[str, str]]) -> io.StringIO:
    return io.StringIO("\n".join([",".join(HEADER)] + [",".join(r[c] for c in HEADER) for r in rows]) + "\n")


def _import(rows: list[dict[str, str]], *, actor: Any, agency: Any, batch_size: int = 2000) -> Any:
    rejections: list[Any] = []
    summary = run_import(
        _csv(rows), actor=actor, agency=agency, batch_size=batch_size, on_rejection=rejections.append
    )
    summary.rejections = rejections  # type: ignore[attr-defined]
    return summary


def _by_source(agency: Any, source_id: str) -> Person:
    return Person.objects.get(
        identifiers__kind=IdentifierKind.AGENCY_ID,
        identifiers__issuing_agency=agency,
        identifiers__value=source_id,
    )


def _keys(person: Person) -> set[tuple[str, str]]:
    return set(PersonMatchKey.objects.filter(person=person).values_list("kind", "value"))


def _profile(person: Person) -> ProfileValues:
    return PersonMatchProfile.objects.get(person=person).values()


def test_new_rows_become_people_with_names_identifiers_address_and_history(
    importer: Any, agency: Any
) -> None:
    summary = _import(
        [
            row("A1", nhs_number=NHS[0], upn=UPNS[0]),
            row("A2", given_name="Tobi", sex="M", postcode="", address_line=""),
        ],
        actor=importer,
        agency=agency,
    )
    assert (summary.rows, summary.created, summary.updated, summary.rejected) == (2, 2, 0, 0)

    amara = _by_source(agency, "A1")
    assert (amara.given_name, amara.family_name, amara.date_of_birth, amara.sex, amara.nhs_number) == (
        "Amara",
        "Okafor",
        date(2015, 3, 4),
        Sex.FEMALE,
        NHS[0],
    )
    assert amara.updated_by == importer
    assert list(amara.names.values_list("kind", "given_name", "family_name")) == [
        (NameKind.CURRENT, "Amara", "Okafor")
    ]
    assert set(amara.identifiers.values_list("kind", "value")) == {
        (IdentifierKind.AGENCY_ID, "A1"),
        (IdentifierKind.NHS_NUMBER, NHS[0]),
        (IdentifierKind.UPN, UPNS[0]),
    }
    [home] = amara.addresses.select_related("address")
    assert (home.address.line_1, home.address.postcode, home.kind, home.source_agency) == (
        "1 Test Street",
        "SW1A 1AA",
        AddressKind.HOME,
        agency,
    )
    assert not _by_source(agency, "A2").addresses.exists()
    # The history that `person_create` would have left, attributed to the importer.
    for model in (Person, PersonName, PersonIdentifier, PersonAddress, Address):
        assert model.history.filter(history_user=importer, history_type="+").exists(), model
    assert Person.history.filter(id=amara.pk).count() == 1


def test_the_loaded_people_pass_the_models_own_validation(importer: Any, agency: Any) -> None:
    _import([row("A1", nhs_number=NHS[0], upn=UPNS[0])], actor=importer, agency=agency)
    person = _by_source(agency, "A1")
    for instance in (person, *person.names.all(), *person.identifiers.all(), *person.addresses.all()):
        instance.full_clean()


def test_people_at_the_same_address_share_it_and_an_address_already_known_is_reused(
    importer: Any, agency: Any
) -> None:
    known = Address.objects.create(line_1="2 Known Road", postcode="SW1A 1AA")
    _import(
        [
            row("A1"),
            row("A2", given_name="Tobi", address_line="1  test street"),
            row("A3", given_name="Ada", address_line="2 Known Road"),
            row("A4", given_name="Ife", postcode="", address_line="Flat 1"),
            row("A5", given_name="Oba", postcode="", address_line="Flat 1"),
        ],
        actor=importer,
        agency=agency,
    )
    assert (
        _by_source(agency, "A1").addresses.get().address == _by_source(agency, "A2").addresses.get().address
    )
    assert _by_source(agency, "A3").addresses.get().address == known
    # Without a postcode "Flat 1" could be anywhere: never shared.
    assert (
        _by_source(agency, "A4").addresses.get().address != _by_source(agency, "A5").addresses.get().address
    )


def test_match_keys_are_exactly_those_the_row_level_services_store(importer: Any, agency: Any) -> None:
    rows = [
        row("A1", given_name="William", family_name="Smith-Jones", nhs_number=NHS[0], upn=UPNS[0]),
        row("A2", given_name="Zoë", family_name="O'Neil", date_of_birth="2012-11-30", sex="U", postcode=""),
        row(
            "A3",
            given_name="Mary Ann",
            family_name="de la Cruz",
            date_of_birth="",
            sex="U",
            postcode="",
            address_line="",
        ),
    ]
    _import(rows, actor=importer, agency=agency)
    for source_id in ("A1", "A2", "A3"):
        person = _by_source(agency, source_id)
        imported, profile = _keys(person), _profile(person)
        assert imported, source_id
        person_refresh_match_keys(person)
        assert _keys(person) == imported, source_id
        assert _profile(person) == profile, source_id

    # And the same as a person recorded through `person_create` with the same details.
    twin = person_create(
        actor=importer,
        given_name="William",
        family_name="Smith-Jones",
        date_of_birth=date(2015, 3, 4),
        sex=Sex.FEMALE,
    )
    without_identifiers = {
        key for key in _keys(_by_source(agency, "A1")) if key[0] not in {"nhs", "upn", "pc"}
    }
    assert _keys(twin) == without_identifiers


def test_one_audit_event_per_batch_names_every_person_it_created(importer: Any, agency: Any) -> None:
    before = AuditEvent.objects.count()
    _import(
        [row(f"A{n}", given_name=f"Name{'x' * n}") for n in range(1, 6)],
        actor=importer,
        agency=agency,
        batch_size=2,
    )
    events = list(AuditEvent.objects.order_by("seq")[before:])
    assert [(e.verb, e.object_type, e.actor_id) for e in events] == [
        ("create", "people.person", importer.pk)
    ] * 3
    assert [e.detail["result_count"] for e in events] == [2, 2, 1]
    created = {str(pk) for pk in Person.objects.values_list("pk", flat=True)}
    assert {pk for e in events for pk in e.detail["result_ids"]} == created


def test_re_importing_a_source_id_updates_that_person_and_never_duplicates(
    importer: Any, agency: Any
) -> None:
    _import([row("A1", nhs_number=NHS[0]), row("A2", given_name="Tobi")], actor=importer, agency=agency)
    amara = _by_source(agency, "A1")
    summary = _import(
        [
            row(
                "A1",
                family_name="Okafor-Bello",
                date_of_birth="2015-04-03",
                nhs_number=NHS[1],
                upn=UPNS[2],
                postcode="SW1A 2AA",
                address_line="10 New Road",
            ),
            row("A2", given_name="Tobi"),
            row("A3", given_name="Ada"),
        ],
        actor=importer,
        agency=agency,
    )
    assert (summary.created, summary.updated, summary.unchanged, summary.rejected) == (1, 1, 1, 0)
    assert Person.objects.count() == 3
    amara.refresh_from_db()
    assert (amara.family_name, amara.date_of_birth, amara.nhs_number) == (
        "Okafor-Bello",
        date(2015, 4, 3),
        NHS[1],
    )
    assert set(amara.names.values_list("kind", "family_name")) == {
        (NameKind.CURRENT, "Okafor-Bello"),
        (NameKind.PREVIOUS, "Okafor"),
    }
    active = set(amara.identifiers.filter(removed_at__isnull=True).values_list("kind", "value"))
    assert active == {
        (IdentifierKind.AGENCY_ID, "A1"),
        (IdentifierKind.NHS_NUMBER, NHS[1]),
        (IdentifierKind.UPN, UPNS[2]),
    }
    homes = amara.addresses.select_related("address")
    assert {(h.address.line_1, h.valid_to is None) for h in homes} == {
        ("1 Test Street", False),
        ("10 New Road", True),
    }
    # The keys follow the new details, as the services keep them.
    assert ("dob", "2015-04-03") in _keys(amara)
    assert ("pc", "SW1A2AA") in _keys(amara)
    # The old home still finds her (searches give where a person used to live), after the new one.
    assert ("pc", "SW1A1AA") in _keys(amara)
    assert PersonMatchProfile.objects.get(person=amara).postcodes == "SW1A2AA|SW1A1AA"


def test_an_update_the_services_refuse_rejects_that_row_only(importer: Any, agency: Any) -> None:
    _import([row("A1"), row("A2", given_name="Tobi", nhs_number=NHS[0])], actor=importer, agency=agency)
    summary = _import(
        [row("A1", nhs_number=NHS[0]), row("A3", given_name="Ada")], actor=importer, agency=agency
    )
    assert (summary.created, summary.updated, summary.rejected) == (1, 0, 1)
    [rejection] = summary.rejections
    assert (rejection.line, rejection.source_id, rejection.field) == (2, "A1", "nhs_number")
    assert "already holds" in rejection.reason
    assert _by_source(agency, "A1").nhs_number == ""


def test_a_new_row_with_a_national_number_someone_holds_is_refused(importer: Any, agency: Any) -> None:
    person_create(
        actor=importer,
        given_name="Held",
        family_name="Already",
        date_of_birth=date(2010, 1, 1),
        nhs_number=NHS[0],
    )
    summary = _import(
        [row("A1", nhs_number=NHS[0]), row("A2", given_name="Tobi")], actor=importer, agency=agency
    )
    assert (summary.created, summary.rejected) == (1, 1)
    assert [(r.line, r.source_id, r.field) for r in summary.rejections] == [(2, "A1", "nhs_number")]


def test_a_failing_batch_is_rolled_back_whole_and_its_rows_reported_while_other_batches_stand(
    importer: Any, agency: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_derive = import_services.derive

    def failing_derive(r: ImportRow) -> Any:
        if r.source_id == "A3":
            raise RuntimeError("disk full")
        return real_derive(r)

    monkeypatch.setattr(import_services, "derive", failing_derive)
    before = AuditEvent.objects.count()
    summary = _import(
        [row(f"A{n}", given_name=f"N{'x' * n}") for n in range(1, 6)],
        actor=importer,
        agency=agency,
        batch_size=2,
    )
    assert (summary.created, summary.rejected) == (3, 2)
    assert [(r.line, r.source_id, r.field) for r in summary.rejections] == [
        (4, "A3", "batch"),
        (5, "A4", "batch"),
    ]
    assert all("disk full" in r.reason and "lines 4-5" in r.reason for r in summary.rejections)
    assert set(
        PersonIdentifier.objects.filter(kind=IdentifierKind.AGENCY_ID).values_list("value", flat=True)
    ) == {
        "A1",
        "A2",
        "A5",
    }
    assert not PersonName.objects.filter(given_name__in=["Nxxx", "Nxxxx"]).exists()
    assert not Address.objects.exclude(residents__isnull=False).exists()
    assert AuditEvent.objects.count() - before == 2


def test_the_loader_refuses_an_actor_who_may_not_record_people(
    make_user: Callable[..., Any], agency: Any
) -> None:
    reader = make_user("performance_analyst", mfa=False)
    with pytest.raises(PermissionRefused):
        people_import_batch(actor=reader, agency=agency, rows=[])


def test_history_rows_hold_the_values_written_as_simple_history_would(importer: Any, agency: Any) -> None:
    _import([row("A1", nhs_number=NHS[0])], actor=importer, agency=agency)
    person = _by_source(agency, "A1")
    [record] = Person.history.filter(id=person.pk)
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        importer,
        "people import-csv",
    )
    assert record.instance == person
    assert (record.given_name, record.date_of_birth, record.nhs_number, record.version) == (
        "Amara",
        date(2015, 3, 4),
        NHS[0],
        1,
    )
    assert record.history_date == person.created_at
