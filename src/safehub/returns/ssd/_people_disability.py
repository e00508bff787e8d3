"""ssd_disability: a child's disabilities, as CIN census codes (DfE list 8540), into `PersonDisability`.

New rows go in a batch at a time through the person index's batch service
(`people_disabilities_add`: about one row per child, so per-row services would cost minutes at
50,000 children); a row loaded before whose code changed goes through the disability services one
at a time. Either way the census's own rules hold for imported rows: a code once per child (8794)
and "No disability" never beside another code (8790). A refused row names the field.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import ClassVar

from django.core.exceptions import ValidationError

from safehub.people.constants import DisabilityCode
from safehub.people.imports.links import NewDisability, people_disabilities_add
from safehub.people.models import PersonDisability
from safehub.people.services import person_disability_add, person_disability_remove

from ._people_common import each_row, person_of, row_problems
from ._people_person import return_ids
from .base import ExportContext, LoadContext, Problem, Row, RowRefused, required, row_hash

CODE = "disa_disability_code"
_LIST = "cin.disabilitytype"
# Where the disability service's errors belong in the SSD row.
_FIELDS = {"code": CODE, "person": "disa_person_id", "recorded_on": CODE}


class DisabilityTable:
    name: ClassVar[str] = "ssd_disability"
    id_field: ClassVar[str] = "disa_table_id"
    # ssd_fields.csv order (the person first, as the SSD lists it).
    fields: ClassVar[tuple[str, ...]] = ("disa_person_id", "disa_table_id", "disa_disability_code")
    depends_on: ClassVar[tuple[str, ...]] = ("ssd_person",)
    references: ClassVar[dict[str, str]] = {"disa_person_id": "ssd_person"}

    def load(self, rows: Sequence[Row], ctx: LoadContext) -> list[Problem]:
        problems: list[Problem] = []
        fresh: list[tuple[Row, NewDisability]] = []
        again: list[Row] = []
        for row in rows:
            if ctx.known(self.name, row.get(self.id_field, "")) is not None:
                again.append(row)
                continue
            try:
                code = self._code(row)
                person_id = ctx.person(required(row, "disa_person_id"))
                if person_id is None:
                    raise RowRefused(
                        "disa_person_id", f"disa_person_id {row['disa_person_id']} is not in ssd_person"
                    )
            except RowRefused as refused:
                problems.append(
                    Problem(self.name, row.get(self.id_field, ""), refused.field, refused.problem)
                )
                continue
            fresh.append((row, NewDisability(person_id=person_id, code=code)))
        problems.extend(each_row(self.name, self.id_field, again, ctx, self._load_one))
        if not fresh:
            return problems
        outcomes = people_disabilities_add(
            actor=ctx.actor, items=[item for _, item in fresh], reason=f"import-ssd run {ctx.run.pk}"
        )
        for (row, _), outcome in zip(fresh, outcomes, strict=True):
            if isinstance(outcome, Exception):
                problems.extend(row_problems(self.name, row[self.id_field], outcome, _FIELDS))
            else:
                ctx.remember(self.name, row[self.id_field], "people.persondisability", outcome, row_hash(row))
        return problems

    def _code(self, row: Row) -> str:
        code = required(row, CODE).upper()
        if code not in DisabilityCode.values:
            raise RowRefused(CODE, f"{CODE} {row[CODE].strip()!r} is not a code of the list {_LIST}")
        return code

    def _load_one(self, row: Row, ctx: LoadContext) -> None:
        try:
            self._record(row, ctx)
        except ValidationError as error:
            raise _refusal(error) from None

    def _record(self, row: Row, ctx: LoadContext) -> None:
        code = self._code(row)
        person = person_of(ctx, required(row, "disa_person_id"), "disa_person_id")
        known = ctx.known(self.name, row[self.id_field])
        before = PersonDisability.objects.filter(pk=known, removed_at__isnull=True).first() if known else None
        if before is not None and before.person_id == person.pk and before.code == code:
            disability = before
        else:
            if before is not None:
                # The extract's row now says something else: the old code is withdrawn, not edited,
                # so the record keeps what was believed before. In the row's savepoint: if the new
                # code is refused, the old one stands.
                person_disability_remove(
                    actor=ctx.actor,
                    disability=before,
                    reason=f"Changed in the SSD extract (import-ssd run {ctx.run.pk})",
                )
            disability = person_disability_add(actor=ctx.actor, person=person, code=code)
        ctx.remember(self.name, row[self.id_field], "people.persondisability", disability.pk, row_hash(row))

    def export(self, ctx: ExportContext) -> Iterator[Row]:
        current = list(PersonDisability.objects.filter(removed_at__isnull=True))
        ids = return_ids(sorted({d.person_id for d in current}))
        rows = [
            {
                "disa_table_id": ctx.ssd_id(self.name, d.pk, "DISA"),
                "disa_person_id": ids[d.person_id],
                "disa_disability_code": d.code,
            }
            for d in current
        ]
        yield from sorted(rows, key=lambda row: row["disa_table_id"])


def _refusal(error: ValidationError) -> RowRefused:
    """The service's error at the SSD column it concerns (`row_problems` would name the model field)."""
    if hasattr(error, "error_dict"):
        name, messages = next(iter(error.message_dict.items()))
        return RowRefused(_FIELDS.get(name, "row"), "; ".join(messages))
    return RowRefused("row", "; ".join(error.messages))
