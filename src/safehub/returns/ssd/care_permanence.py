"""SSD permanence and leaving care: ssd_permanence, ssd_cla_previous_permanence, ssd_care_leavers
(issue 7). ssd_cla_care_plan is not registered: Safehub holds no permanence plan (the runner
reports its rows as a table not supported, never skipped in silence).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, ClassVar
from uuid import UUID

from safehub.looked_after.constants import (
    ADOPTER_LEGAL_STATUS_LIST,
    ADOPTER_SEX_LIST,
    ADOPTION_CEASED_LIST,
    PREVIOUS_PERMANENCE_LIST,
    LeaverCategory,
    PermanenceOrderKind,
)
from safehub.looked_after.models import (
    AdoptionDecision,
    LookedAfterPeriod,
    PermanenceOrder,
)

from ..models import SsdRecord
from .base import ExportContext, LoadContext, Problem, Row, RowRefused, parse_date, parse_flag, row_hash
from .care_common import (
    CLA_TABLE,
    check_code,
    cla_ref,
    codes,
    create_with_history,
    editable_fields,
    field_check,
    flag,
    iso,
    label,
    not_before,
    periods_by_person,
    person_of,
    person_refs,
    required_text,
    resolve,
    update_with_history,
    within,
)
from .tables import register

ORDER_KINDS = {k.value: k.value for k in PermanenceOrderKind} | {k.label.lower(): k.value for k in PermanenceOrderKind} | {
    "adoption": "adoption", "special guardianship order": "sgo", "special guardianship": "sgo",
    "child arrangements order": "cao", "residence order": "cao",
}  # fmt: skip
LEAVER_KINDS = {k.value: k.value for k in LeaverCategory} | {
    "eligible": "eligible", "relevant": "relevant", "former relevant": "former_relevant",
    "former_relevant": "former_relevant", "qualifying": "qualifying",
}  # fmt: skip


def sources(ctx: ExportContext, table: str) -> None:
    """Make sure the export knows the SSD ids of `table` (the mapping table has them)."""
    for oid, sid in SsdRecord.objects.filter(table=table).values_list("object_id", "source_id"):
        ctx.source_ids.setdefault((table, oid), sid)


class _Base:
    name: ClassVar[str]
    id_field: ClassVar[str]
    fields: ClassVar[tuple[str, ...]]
    depends_on: ClassVar[tuple[str, ...]] = ("ssd_person", "ssd_cla_placement")
    references: ClassVar[dict[str, str]] = {}

    def run_rows(self, rows: Sequence[Row], ctx: LoadContext, each: Any) -> list[Problem]:
        problems: list[Problem] = []
        seen: set[str] = set()
        for row in rows:
            rid = (row.get(self.id_field) or "").strip()
            try:
                if not rid:
                    raise RowRefused(self.id_field, f"{self.id_field} is required")
                if rid in seen:
                    raise RowRefused(self.id_field, f"{self.id_field} {rid!r} appears twice in the extract")
                seen.add(rid)
                each(rid, row)
            except RowRefused as refused:
                problems.append(Problem(self.name, rid, refused.field, refused.problem))
        return problems


ORDER = "ssd_permanence#order"


class PermanenceTable(_Base):
    """A row is an adoption decision (ADM date) and/or a permanence order (order date and type)."""

    name = "ssd_permanence"
    id_field = "perm_table_id"
    # The order a row may also be, recorded under this name (read back by `_batch`).
    record_parts = (ORDER,)
    fields = (
        "perm_table_id", "perm_person_id", "perm_cla_id", "perm_adm_decision_date", "perm_ffa_cp_decision_date",
        "perm_placement_order_date", "perm_placed_for_adoption_date", "perm_matched_date",
        "perm_adopted_by_carer_flag", "perm_placed_ffa_cp_date", "perm_decision_reversed_date",
        "perm_placed_foster_carer_date", "perm_part_of_sibling_group", "perm_siblings_placed_together",
        "perm_siblings_placed_apart", "perm_placement_provider_urn", "perm_decision_reversed_reason",
        "perm_permanence_order_date", "perm_permanence_order_type", "perm_adoption_worker_id",
        "perm_adopter_sex", "perm_adopter_legal_status", "perm_number_of_adopters",
    )  # fmt: skip
    references = {"perm_person_id": "ssd_person", "perm_cla_id": CLA_TABLE}
    # The placement order and placement dates, siblings and the adoption worker have no place on
    # an adoption decision yet (the 903 does not ask for them).
    not_kept = (
        "perm_placement_order_date",
        "perm_placed_for_adoption_date",
        "perm_part_of_sibling_group",
        "perm_adoption_worker_id",
        "perm_ffa_cp_decision_date",
        "perm_placed_ffa_cp_date",
        "perm_placed_foster_carer_date",
        "perm_placement_provider_urn",
        "perm_siblings_placed_apart",
        "perm_siblings_placed_together",
    )

    def load(self, rows: Sequence[Row], ctx: LoadContext) -> list[Problem]:
        people = resolve(ctx, "ssd_person", (r.get("perm_person_id", "").strip() for r in rows))
        clas = resolve(ctx, CLA_TABLE, (r.get("perm_cla_id", "").strip() for r in rows))
        periods = LookedAfterPeriod.objects.in_bulk(list(clas.values()))
        lists = {k: codes(k) for k in (ADOPTION_CEASED_LIST, ADOPTER_SEX_LIST, ADOPTER_LEGAL_STATUS_LIST)}
        ids = [r.get(self.id_field, "").strip() for r in rows]
        decisions = AdoptionDecision.objects.in_bulk([x for i in ids if (x := ctx.known(self.name, i))])
        orders = PermanenceOrder.objects.in_bulk([x for i in ids if (x := ctx.known(ORDER, i))])
        live = dict(
            AdoptionDecision.objects.filter(
                person_id__in=[p.person_id for p in periods.values()], ceased_on__isnull=True
            ).values_list("person_id", "pk")
        )
        out: dict[str, list[Any]] = {"dc": [], "du": [], "oc": [], "ou": []}
        done: list[tuple[str, str, Any, str]] = []

        def each(rid: str, row: Row) -> None:
            cla = required_text(row, "perm_cla_id")
            period = periods.get(clas.get(cla))  # type: ignore[arg-type]
            if period is None:
                raise RowRefused(
                    "perm_cla_id", f"perm_cla_id {cla[:40]!r} is not a period of care that was loaded"
                )
            if (row.get("perm_person_id") or "").strip() and person_of(
                row, "perm_person_id", people
            ) != period.person_id:
                raise RowRefused("perm_person_id", f"perm_person_id is not the child of period {cla[:40]!r}")
            decided = parse_date(row, "perm_adm_decision_date")
            made = parse_date(row, "perm_permanence_order_date")
            kind_text = (row.get("perm_permanence_order_type") or "").strip()
            if decided is None and made is None:
                raise RowRefused(
                    "perm_adm_decision_date", "the row has neither an ADM decision date nor an order date"
                )
            todo: list[tuple[str, Any]] = []
            if decided is not None:
                within("perm_adm_decision_date", decided, period)
                obj = decisions.get(ctx.known(self.name, rid)) or AdoptionDecision(recorded_by=ctx.actor)  # type: ignore[arg-type]
                obj.period, obj.person_id, obj.decided_on = period, period.person_id, decided
                obj.matched_on = parse_date(row, "perm_matched_date")
                not_before("perm_matched_date", obj.matched_on, decided, "ADM decision date")
                obj.ceased_on = parse_date(row, "perm_decision_reversed_date")
                not_before("perm_decision_reversed_date", obj.ceased_on, decided, "ADM decision date")
                obj.ceased_reason = check_code(
                    row,
                    "perm_decision_reversed_reason",
                    lists[ADOPTION_CEASED_LIST],
                    what="reason no longer placed for adoption",
                )
                if (obj.ceased_on is None) != (not obj.ceased_reason):
                    raise RowRefused(
                        "perm_decision_reversed_reason",
                        "perm_decision_reversed_date and perm_decision_reversed_reason go together",
                    )
                obj.adopter_sex = check_code(
                    row, "perm_adopter_sex", lists[ADOPTER_SEX_LIST], what="sex of adopter"
                )
                obj.adopter_legal_status = check_code(
                    row,
                    "perm_adopter_legal_status",
                    lists[ADOPTER_LEGAL_STATUS_LIST],
                    what="legal status of adopter",
                )
                count = (row.get("perm_number_of_adopters") or "").strip()
                if count and count not in {"1", "2"}:
                    raise RowRefused(
                        "perm_number_of_adopters", f"perm_number_of_adopters must be 1 or 2: {count[:10]!r}"
                    )
                obj.adopter_count = int(count) if count else None
                obj.fostered_by_adopters = bool(parse_flag(row, "perm_adopted_by_carer_flag"))
                if obj.ceased_on is None:
                    other = live.get(period.person_id)
                    if other is not None and other != obj.pk:
                        raise RowRefused(
                            "perm_decision_reversed_date",
                            "the child already has a live decision to place for adoption",
                        )
                    live[period.person_id] = obj.pk
                field_check(obj)
                todo.append(("d", obj))
            if made is not None or kind_text:
                if made is None:
                    raise RowRefused(
                        "perm_permanence_order_date",
                        "perm_permanence_order_date is required with an order type",
                    )
                kind = ORDER_KINDS.get(kind_text.lower())
                if kind is None:
                    raise RowRefused(
                        "perm_permanence_order_type",
                        f"perm_permanence_order_type {kind_text[:30]!r} is not an adoption, special guardianship or child arrangements order",
                    )
                within("perm_permanence_order_date", made, period)
                order = orders.get(ctx.known(ORDER, rid)) or PermanenceOrder(recorded_by=ctx.actor)  # type: ignore[arg-type]
                order.period, order.person_id, order.kind, order.made_on = (
                    period,
                    period.person_id,
                    kind,
                    made,
                )
                todo.append(("o", order))
            for what, obj in todo:
                new = obj._state.adding
                obj.updated_by = ctx.actor
                if not new:
                    obj.version += 1
                out[what + ("c" if new else "u")].append(obj)
                done.append((ORDER if what == "o" else self.name, rid, obj, row_hash(row)))

        problems = self.run_rows(rows, ctx, each)
        create_with_history(AdoptionDecision, out["dc"], ctx.actor)
        create_with_history(PermanenceOrder, out["oc"], ctx.actor)
        update_with_history(AdoptionDecision, out["du"], editable_fields(AdoptionDecision), ctx.actor)
        update_with_history(PermanenceOrder, out["ou"], editable_fields(PermanenceOrder), ctx.actor)
        for table, rid, obj, digest in done:
            ctx.remember(table, rid, label(type(obj)), obj.pk, digest)
        return problems

    def export(self, ctx: ExportContext) -> Iterator[Row]:
        sources(ctx, self.name)
        sources(ctx, ORDER)
        decisions = list(AdoptionDecision.objects.order_by("pk"))
        orders = list(PermanenceOrder.objects.order_by("pk"))
        people = person_refs(ctx, [d.person_id for d in decisions] + [o.person_id for o in orders])
        rows: dict[str, Row] = {}
        for d in decisions:
            rid = ctx.ssd_id(self.name, d.pk, "PERM")
            rows[rid] = dict.fromkeys(self.fields, "") | {
                "perm_table_id": rid, "perm_person_id": people[d.person_id], "perm_cla_id": cla_ref(ctx, d.period_id),
                "perm_adm_decision_date": iso(d.decided_on), "perm_matched_date": iso(d.matched_on),
                "perm_adopted_by_carer_flag": flag(d.fostered_by_adopters),
                "perm_decision_reversed_date": iso(d.ceased_on), "perm_decision_reversed_reason": d.ceased_reason,
                "perm_adopter_sex": d.adopter_sex, "perm_adopter_legal_status": d.adopter_legal_status,
                "perm_number_of_adopters": "" if d.adopter_count is None else str(d.adopter_count),
            }  # fmt: skip
        for o in orders:
            rid = ctx.source_ids.get((ORDER, o.pk)) or ctx.ssd_id(self.name, o.pk, "PO")
            row = rows.setdefault(rid, dict.fromkeys(self.fields, ""))
            row |= {
                "perm_table_id": rid, "perm_person_id": people[o.person_id], "perm_cla_id": cla_ref(ctx, o.period_id),
                "perm_permanence_order_date": iso(o.made_on),
                "perm_permanence_order_type": PermanenceOrderKind(o.kind).label if o.kind in PermanenceOrderKind.values else o.kind,
            }  # fmt: skip
        yield from rows.values()


class PreviousPermanenceTable(_Base):
    """903 PrevPerm, held on the child's latest period of care (issue 6)."""

    name = "ssd_cla_previous_permanence"
    id_field = "lapp_table_id"
    fields = (
        "lapp_table_id", "lapp_person_id", "lapp_previous_permanence_order_date",
        "lapp_previous_permanence_option", "lapp_previous_permanence_la",
    )  # fmt: skip
    references = {"lapp_person_id": "ssd_person"}

    def load(self, rows: Sequence[Row], ctx: LoadContext) -> list[Problem]:
        people = resolve(ctx, "ssd_person", (r.get("lapp_person_id", "").strip() for r in rows))
        periods = periods_by_person(people.values())
        options = codes(PREVIOUS_PERMANENCE_LIST)
        changed: dict[UUID, LookedAfterPeriod] = {}
        done: list[tuple[str, LookedAfterPeriod, str]] = []

        def each(rid: str, row: Row) -> None:
            person_id = person_of(row, "lapp_person_id", people)
            if not periods.get(person_id):
                raise RowRefused(
                    "lapp_person_id", "the child has no period of care to hold a previous permanence"
                )
            period = changed.get(periods[person_id][-1].pk, periods[person_id][-1])
            option = check_code(
                row, "lapp_previous_permanence_option", options, what="previous permanence", required=True
            )
            day = parse_date(row, "lapp_previous_permanence_order_date")
            if day is not None and day > period.started_on:
                raise RowRefused(
                    "lapp_previous_permanence_order_date",
                    f"the previous permanence order is after the period of care began {period.started_on}",
                )
            la = (row.get("lapp_previous_permanence_la") or "").strip()
            if len(la) > 10:
                raise RowRefused(
                    "lapp_previous_permanence_la", "lapp_previous_permanence_la is longer than 10 characters"
                )
            period.previous_permanence, period.previous_permanence_on, period.previous_permanence_la = (
                option,
                day,
                la,
            )
            if period.pk not in changed:  # one new version per import, however many rows name it
                period.version += 1
                period.updated_by = ctx.actor
            changed[period.pk] = period
            done.append((rid, period, row_hash(row)))

        problems = self.run_rows(rows, ctx, each)
        update_with_history(
            LookedAfterPeriod,
            list(changed.values()),
            [
                "previous_permanence",
                "previous_permanence_on",
                "previous_permanence_la",
                "version",
                "updated_by",
            ],
            ctx.actor,
        )
        for rid, period, digest in done:
            ctx.remember(self.name, rid, label(LookedAfterPeriod), period.pk, digest)
        return problems

    def export(self, ctx: ExportContext) -> Iterator[Row]:
        sources(ctx, self.name)
        periods = list(LookedAfterPeriod.objects.exclude(previous_permanence="").order_by("pk"))
        people = person_refs(ctx, (p.person_id for p in periods))
        for p in periods:
            yield {
                "lapp_table_id": ctx.ssd_id(self.name, p.pk, "PP"),
                "lapp_person_id": people[p.person_id],
                "lapp_previous_permanence_order_date": iso(p.previous_permanence_on),
                "lapp_previous_permanence_option": p.previous_permanence,
                "lapp_previous_permanence_la": p.previous_permanence_la,
            }


register(PermanenceTable())
register(PreviousPermanenceTable())
