"""What the people and organisation adapters share: the council's agency, code lists, per-row safety."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from safehub.accounts.constants import AgencyKind, Capability
from safehub.accounts.models import Agency
from safehub.platform.errors import ConflictError, PermissionRefused
from safehub.reference_data.models import Code, CodeList

from .base import LoadContext, Problem, Row, RowRefused

# Errors that refuse one row; a DatabaseError is left to the runner, which redoes the batch row by row.
ROW_ERRORS = (RowRefused, ValidationError, ConflictError, PermissionRefused, Http404)
COUNCIL_NAME = "Local authority children's services"


def council_agency(actor: Any) -> Agency:
    """The council's children's services: by SAFEHUB_LA_CODE, else the only one, else registered now.

    SSD extracts come from the council's own case system, so identifiers and teams in them are the
    council's. Registering it here is recorded by the run's audit events.
    """
    code = getattr(settings, "SAFEHUB_LA_CODE", "") or ""
    agencies = Agency.objects.filter(kind=AgencyKind.CHILDRENS_SERVICES, is_active=True)
    if code:
        found = agencies.filter(ods_code=code).first()
        if found is not None:
            return found
    elif agencies.count() == 1:
        return agencies.get()
    existing = Agency.objects.filter(name=COUNCIL_NAME).first()
    if existing is not None:
        return existing
    agency = Agency(name=COUNCIL_NAME, kind=AgencyKind.CHILDRENS_SERVICES, ods_code=code, updated_by=actor)
    agency.full_clean()
    agency.save()
    return agency


def codes(key: str) -> set[str]:
    """Every code list `key` has held (legacy rows may use a code since withdrawn)."""
    if not CodeList.objects.filter(key=key).exists():
        raise RowRefused("row", f"the code list {key} is not loaded: run `safehub sync_reference_data` first")
    return set(Code.objects.filter(code_list__key=key).values_list("code", flat=True))


def check_code(row: Row, name: str, allowed: set[str], list_name: str) -> str:
    value = (row.get(name) or "").strip()
    if value and value not in allowed:
        raise RowRefused(name, f"{name} {value!r} is not a code of the list {list_name}")
    return value


def person_of(ctx: LoadContext, ssd_person_id: str, field: str) -> Any:
    """The Person an SSD person id was loaded into (the runner refused rows whose id was not loaded)."""
    from safehub.people.models import Person

    person_id = ctx.person(ssd_person_id)
    if person_id is None:
        raise RowRefused(field, f"{field} {ssd_person_id} is not in ssd_person")
    return Person.objects.get(pk=person_id)


def may_edit_people(actor: Any) -> bool:
    return bool(actor.has_capability(Capability.EDIT_PEOPLE))


def refuse_all(table: str, id_field: str, rows: Sequence[Row], field: str, problem: str) -> list[Problem]:
    return [Problem(table, row.get(id_field, ""), field, problem) for row in rows]


def each_row(
    table: str,
    id_field: str,
    rows: Sequence[Row],
    ctx: LoadContext,
    load_one: Callable[[Row, LoadContext], None],
) -> list[Problem]:
    """Load rows one at a time, each in a savepoint: a refused row leaves nothing half written."""
    problems: list[Problem] = []
    for row in rows:
        row_id = row.get(id_field, "")
        try:
            with transaction.atomic():
                load_one(row, ctx)
        except ROW_ERRORS as error:
            problems.extend(row_problems(table, row_id, error))
    return problems


def row_problems(
    table: str, row_id: str, error: Exception, fields: dict[str, str] | None = None
) -> list[Problem]:
    """A row's error as problems, each at the SSD field it concerns (`fields` maps model -> SSD)."""
    fields = fields or {}
    if isinstance(error, RowRefused):
        return [Problem(table, row_id, error.field, error.problem)]
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return [
                Problem(
                    table, row_id, fields.get(name, "row" if name == "__all__" else name), "; ".join(messages)
                )
                for name, messages in error.message_dict.items()
            ]
        return [Problem(table, row_id, "row", "; ".join(error.messages))]
    if isinstance(error, ConflictError):
        return [Problem(table, row_id, "row", "someone changed this record during the import; run it again")]
    return [Problem(table, row_id, "row", "the importing user may not change this record")]
