"""SSD contacts, CIN episodes and involvements (issue 7, items 1-2).

- `ssd_cin_episodes` -> `child_protection.Referral` and the casework `Involvement` it hangs on.
- `ssd_involvements` -> casework `Allocation` history (worker, team, dates, 903 SW_REASON).
- `ssd_contacts` -> a decided front-door `Contact` (see `ContactsTable` for what is filled in).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar
from uuid import UUID

from django.urls import NoReverseMatch, reverse

from safehub.casework.constants import SW_REASON_LIST, CaseLevel, CaseService
from safehub.casework.models import Allocation, Involvement
from safehub.child_protection.constants import CLOSURE_REASON_LIST, PRIMARY_NEED_LIST, REFERRAL_SOURCE_LIST
from safehub.child_protection.models import Referral
from safehub.child_protection.services._rules import Errors, _d, add, check_not_before
from safehub.people.models import Person
from safehub.platform import clock

from .base import ExportContext, LoadContext, Row, RowRefused, parse_date, parse_flag, parse_json
from .casework_common import (
    Adapter,
    Batch,
    check_code,
    flag_text,
    iso,
    known_of,
    person_ids,
    person_of,
    present,
    refuse_if,
    source_id_of,
)
from .tables import register


def _future(errors: Errors, name: str, day: date | None, label: str, today: date) -> None:
    """`today` is read once per batch (`clock.today()` converts time zones: costly per row)."""
    if day is not None and day > today:
        add(errors, name, f"The {label} cannot be in the future.")


# --- CIN episodes ---------------------------------------------------------------------------------


@dataclass
class _EpisodeState:
    persons: dict[UUID, Person]
    # Every referral of each child in the batch: those held, then those accepted in this batch.
    by_person: dict[UUID, list[Referral]]
    involvements: dict[UUID, Involvement]
    today: date
    case_url: Callable[[UUID], str]


def _case_urls() -> Callable[[UUID], str]:
    """A referral's case page address, as `reverse("child_protection:case", args=[id])` gives it.

    Reversed once per batch, for a stand-in id whose place is then filled with each referral's id
    (the `<uuid:id>` converter writes `str(id)`, which URL quoting leaves as it is): reversing per
    new referral was a tenth of the episodes' load time."""
    stand_in = UUID(int=0)
    try:
        sample = reverse("child_protection:case", args=[stand_in])
    except NoReverseMatch:
        return lambda _referral_id: ""
    head, marker, tail = sample.partition(str(stand_in))
    if not marker or str(stand_in) in tail:
        return lambda referral_id: reverse("child_protection:case", args=[referral_id])
    return lambda referral_id: f"{head}{referral_id}{tail}"


def _overlap(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    """Two episodes overlap unless one closed on or before the day the other opened."""
    if a_end is not None and b_start >= a_end:
        return False
    return not (b_end is not None and a_start >= b_end)


class CinEpisodesTable(Adapter):
    """A CIN episode is a referral. The checks are the ones `referral_create`/`referral_close`
    apply at entry: dates not in the future nor before birth, closure date and reason together and
    in order (8565), one episode at a time per child (8815). `cine_referral_team`/`_worker_id` set
    the involvement's team and worker (an open allocation from `ssd_involvements` replaces them).
    Not kept: the outcome JSON; the source description is written back from the code list.
    """

    name = "ssd_cin_episodes"
    id_field = "cine_referral_id"
    fields: ClassVar[tuple[str, ...]] = (
        "cine_referral_id",
        "cine_person_id",
        "cine_referral_date",
        "cine_cin_primary_need_code",
        "cine_referral_source_code",
        "cine_referral_source_desc",
        "cine_referral_outcome_json",
        "cine_referral_nfa",
        "cine_close_reason",
        "cine_close_date",
        "cine_referral_team",
        "cine_referral_worker_id",
    )
    depends_on: ClassVar[tuple[str, ...]] = ("ssd_person", "ssd_department", "ssd_professionals")
    references: ClassVar[dict[str, str]] = {
        "cine_person_id": "ssd_person",
        "cine_referral_team": "ssd_department",
        "cine_referral_worker_id": "ssd_professionals",
    }
    model_label = "child_protection.referral"
    not_kept = ("cine_referral_outcome_json", "cine_referral_source_desc")

    def prepare(self, rows: Sequence[Row], ctx: LoadContext) -> _EpisodeState:
        person_ids = present(ctx.person((r.get("cine_person_id") or "").strip()) for r in rows)
        by_person: dict[UUID, list[Referral]] = defaultdict(list)
        for referral in Referral.objects.filter(person_id__in=person_ids):
            by_person[referral.person_id].append(referral)
        involvements = {
            i.pk: i
            for i in Involvement.objects.filter(
                pk__in=[r.involvement_id for refs in by_person.values() for r in refs]
            )
        }
        return _EpisodeState(
            persons=Person.objects.in_bulk(person_ids),
            by_person=by_person,
            involvements=involvements,
            today=clock.today(),
            case_url=_case_urls(),
        )

    def load_row(
        self, row: Row, source_id: str, ctx: LoadContext, state: _EpisodeState, batch: Batch
    ) -> Referral:
        person_id = person_of(row, "cine_person_id", ctx)
        person = state.persons[person_id]
        referral_date = parse_date(row, "cine_referral_date", required=True)
        assert referral_date is not None
        source = check_code(
            row, "cine_referral_source_code", REFERRAL_SOURCE_LIST, required=True, what="referral source"
        )
        need = check_code(row, "cine_cin_primary_need_code", PRIMARY_NEED_LIST, what="primary need code")
        nfa = bool(parse_flag(row, "cine_referral_nfa"))
        closed_on = parse_date(row, "cine_close_date")
        reason = check_code(row, "cine_close_reason", CLOSURE_REASON_LIST, what="reason for closure")
        team_id = known_of(row, "cine_referral_team", "ssd_department", ctx)
        worker_id = known_of(row, "cine_referral_worker_id", "ssd_professionals", ctx)
        parse_json(row, "cine_referral_outcome_json")  # refused if broken, even though not kept
        errors: Errors = {}
        _future(errors, "cine_referral_date", referral_date, "date of the referral", state.today)
        _future(errors, "cine_close_date", closed_on, "closure date", state.today)
        if person.date_of_birth is not None and referral_date < person.date_of_birth:
            add(
                errors,
                "cine_referral_date",
                f"The referral cannot be before the child's date of birth, {_d(person.date_of_birth)}.",
            )
        if closed_on is not None and not reason:
            add(errors, "cine_close_reason", "Choose the reason for closure: the episode has a closure date.")
        if reason and closed_on is None:
            add(
                errors,
                "cine_close_date",
                "Enter the date the case closed: the episode has a reason for closure.",
            )
        if closed_on is not None and closed_on < referral_date:
            add(
                errors,
                "cine_close_date",
                f"The case cannot close before the referral on {_d(referral_date)}.",
            )
        existing_id = ctx.known(self.name, source_id)
        others = [r for r in state.by_person[person_id] if r.pk != existing_id]
        for other in others:
            if _overlap(referral_date, closed_on, other.referral_date, other.closed_on):
                if other.closed_on is None:
                    add(
                        errors,
                        "cine_referral_date",
                        f"The child already has an open referral, from {_d(other.referral_date)}: "
                        "a child has one CIN episode at a time.",
                    )
                else:
                    add(
                        errors,
                        "cine_referral_date",
                        f"The child's referral from {_d(other.referral_date)} to {_d(other.closed_on)} "
                        "overlaps this one: a child has one CIN episode at a time.",
                    )
                break
        refuse_if(errors)
        values: dict[str, Any] = {
            "referral_date": referral_date,
            "source": source,
            "primary_need": need,
            "nfa": nfa,
            "closed_on": closed_on,
            "closure_reason": reason,
        }
        inv_values = {
            "opened_on": referral_date,
            "closed_on": closed_on,
            "team_id": team_id,
            "worker_id": worker_id,
            "title": f"Referral {referral_date:%-d %B %Y}",
        }
        referral = next((r for r in state.by_person[person_id] if r.pk == existing_id), None)
        if referral is None and existing_id is not None:
            referral = Referral.objects.select_related("involvement").filter(pk=existing_id).first()
            if referral is not None and referral.person_id != person_id:
                raise RowRefused(
                    "cine_person_id", "cine_person_id differs from the person this episode was loaded for"
                )
        if referral is None:
            involvement = Involvement(
                person_id=person_id,
                service=CaseService.CHILD_IN_NEED,
                level=CaseLevel.REFERRAL,
                updated_by=ctx.actor,
                **inv_values,
            )
            referral = Referral(
                person_id=person_id,
                involvement=involvement,
                recorded_by=ctx.actor,
                updated_by=ctx.actor,
                **values,
            )
            involvement.url = state.case_url(referral.pk)
            batch.create(involvement)
            batch.create(referral)
            state.by_person[person_id].append(referral)
        else:
            involvement = state.involvements.get(referral.involvement_id) or referral.involvement
            for name, value in values.items():
                setattr(referral, name, value)
            for name, value in inv_values.items():
                setattr(involvement, name, value)
            batch.update(referral, values)
            batch.update(involvement, inv_values.keys() - {"team_id", "worker_id"} | {"team", "worker"})
        batch.referrals.add(referral.pk)
        return referral

    def write(self, batch: Batch) -> None:
        batch.flush([Involvement, Referral])

    def export(self, ctx: ExportContext) -> Iterator[Row]:
        from safehub.reference_data.selectors import code_choices

        labels = dict(code_choices(REFERRAL_SOURCE_LIST))
        pid = person_ids(Referral.objects.values_list("person_id", flat=True))
        for r in (
            Referral.objects.select_related("involvement")
            .order_by("referral_date", "pk")
            .iterator(chunk_size=2000)
        ):
            inv = r.involvement
            yield {
                "cine_referral_id": ctx.ssd_id(self.name, r.pk, "R"),
                "cine_person_id": pid[r.person_id],
                "cine_referral_date": iso(r.referral_date),
                "cine_cin_primary_need_code": r.primary_need,
                "cine_referral_source_code": r.source,
                "cine_referral_source_desc": labels.get(r.source, ""),
                "cine_referral_outcome_json": "",
                "cine_referral_nfa": flag_text(r.nfa),
                "cine_close_reason": r.closure_reason,
                "cine_close_date": iso(r.closed_on),
                "cine_referral_team": source_id_of(ctx, "ssd_department", inv.team_id, "T"),
                "cine_referral_worker_id": source_id_of(ctx, "ssd_professionals", inv.worker_id, "W"),
            }


register(CinEpisodesTable())


# --- Involvements (allocations) -------------------------------------------------------------------


@dataclass
class _AllocationState:
    referral_involvements: dict[UUID, UUID]  # referral id -> involvement id
    involvements: dict[UUID, Involvement]
    today: date
    by_person: dict[UUID, list[Involvement]] = field(default_factory=dict)
    allocations: dict[UUID, list[Allocation]] = field(default_factory=dict)


class InvolvementsTable(Adapter):
    """A worker's spell on a child's case -> an `Allocation` of that case's involvement: the one of
    `invo_referral_id`, else the child's involvement (any service) open on the start date.
    The rules of `allocation_change`: a team holds every allocation, dates in order, one current
    allocation per case and no two at once, a SW_REASON from the 903 list. The involvement's
    team and worker follow its current allocation. Not kept: the worker's role.
    """

    name = "ssd_involvements"
    id_field = "invo_involvements_id"
    fields: ClassVar[tuple[str, ...]] = (
        "invo_involvements_id",
        "invo_professional_id",
        "invo_professional_role_id",
        "invo_professional_team",
        "invo_involvement_start_date",
        "invo_involvement_end_date",
        "invo_worker_change_reason",
        "invo_person_id",
        "invo_referral_id",
    )
    depends_on: ClassVar[tuple[str, ...]] = (
        "ssd_person",
        "ssd_department",
        "ssd_professionals",
        "ssd_cin_episodes",
        "ssd_cla_episodes",
    )
    references: ClassVar[dict[str, str]] = {
        "invo_professional_id": "ssd_professionals",
        "invo_professional_team": "ssd_department",
        "invo_person_id": "ssd_person",
        "invo_referral_id": "ssd_cin_episodes",
    }
    model_label = "casework.allocation"
    not_kept = ("invo_professional_role_id",)

    def prepare(self, rows: Sequence[Row], ctx: LoadContext) -> _AllocationState:
        referral_ids = present(
            ctx.known("ssd_cin_episodes", (r.get("invo_referral_id") or "").strip()) for r in rows
        )
        person_ids = present(ctx.person((r.get("invo_person_id") or "").strip()) for r in rows)
        ref_inv = dict(Referral.objects.filter(pk__in=referral_ids).values_list("pk", "involvement_id"))
        involvements = Involvement.objects.filter(pk__in=ref_inv.values()) | Involvement.objects.filter(
            person_id__in=person_ids
        )
        state = _AllocationState(
            referral_involvements=ref_inv,
            involvements={i.pk: i for i in involvements},
            today=clock.today(),
        )
        for inv in state.involvements.values():
            state.by_person.setdefault(inv.person_id, []).append(inv)
            state.allocations[inv.pk] = []
        for allocation in Allocation.objects.filter(involvement_id__in=state.involvements.keys()):
            state.allocations[allocation.involvement_id].append(allocation)
        return state

    def load_row(
        self, row: Row, source_id: str, ctx: LoadContext, state: _AllocationState, batch: Batch
    ) -> Allocation:
        person_id = person_of(row, "invo_person_id", ctx)
        referral_id = known_of(row, "invo_referral_id", "ssd_cin_episodes", ctx)
        team_id = known_of(row, "invo_professional_team", "ssd_department", ctx, required=True)
        worker_id = known_of(row, "invo_professional_id", "ssd_professionals", ctx)
        started_on = parse_date(row, "invo_involvement_start_date", required=True)
        assert started_on is not None
        ended_on = parse_date(row, "invo_involvement_end_date")
        reason = check_code(row, "invo_worker_change_reason", SW_REASON_LIST, what="SW_REASON code")
        if referral_id is not None:
            involvement = state.involvements[state.referral_involvements[referral_id]]
            if involvement.person_id != person_id:
                raise RowRefused("invo_referral_id", "invo_referral_id is another child's referral")
        else:
            covering = [
                i
                for i in state.by_person.get(person_id, [])
                if i.opened_on <= started_on and (i.closed_on is None or started_on <= i.closed_on)
            ]
            if not covering:
                raise RowRefused(
                    "invo_involvement_start_date",
                    "No case of the child is open on the start date: give invo_referral_id, or load the case first.",
                )
            involvement = max(covering, key=lambda i: i.opened_on)
        errors: Errors = {}
        _future(errors, "invo_involvement_start_date", started_on, "allocation start date", state.today)
        check_not_before(
            errors,
            "invo_involvement_end_date",
            ended_on,
            started_on,
            label="end date",
            what="allocation start",
        )
        check_not_before(
            errors,
            "invo_involvement_start_date",
            started_on,
            involvement.opened_on,
            label="allocation start date",
            what="opening of the case",
        )
        if involvement.closed_on is not None and (ended_on is None or ended_on > involvement.closed_on):
            add(
                errors,
                "invo_involvement_end_date",
                f"The case closed on {_d(involvement.closed_on)}: the allocation must end by then.",
            )
        existing_id = ctx.known(self.name, source_id)
        for other in state.allocations[involvement.pk]:
            if other.pk != existing_id and _overlap(started_on, ended_on, other.started_on, other.ended_on):
                until = f"to {_d(other.ended_on)}" if other.ended_on else "and is still current"
                add(
                    errors,
                    "invo_involvement_start_date",
                    f"Another allocation of this case runs from {_d(other.started_on)} {until}: "
                    "a case has one allocation at a time.",
                )
                break
        refuse_if(errors)
        values: dict[str, Any] = {
            "team_id": team_id,
            "worker_id": worker_id,
            "started_on": started_on,
            "ended_on": ended_on,
            "change_reason": reason,
        }
        allocation = next((a for a in state.allocations[involvement.pk] if a.pk == existing_id), None)
        if existing_id is not None and allocation is None:
            raise RowRefused(
                "invo_referral_id", "This involvement was loaded onto another case; it cannot move."
            )
        if allocation is None:
            allocation = Allocation(involvement=involvement, allocated_by=ctx.actor, **values)
            batch.create(allocation)
            state.allocations[involvement.pk].append(allocation)
        else:
            for name, value in values.items():
                setattr(allocation, name, value)
            batch.update(allocation, ["team", "worker", "started_on", "ended_on", "change_reason"])
        current = next((a for a in state.allocations[involvement.pk] if a.ended_on is None), None)
        if current is not None and (involvement.team_id, involvement.worker_id) != (
            current.team_id,
            current.worker_id,
        ):
            involvement.team_id, involvement.worker_id = current.team_id, current.worker_id
            batch.update(involvement, ["team", "worker"])
        return allocation

    def write(self, batch: Batch) -> None:
        batch.flush([Involvement, Allocation])

    def export(self, ctx: ExportContext) -> Iterator[Row]:
        referral_of = dict(Referral.objects.values_list("involvement_id", "pk"))
        pid = person_ids(Allocation.objects.values_list("involvement__person_id", flat=True))
        rows = Allocation.objects.select_related("involvement").order_by("started_on", "pk")
        for a in rows.iterator(chunk_size=2000):
            referral_id = referral_of.get(a.involvement_id)
            yield {
                "invo_involvements_id": ctx.ssd_id(self.name, a.pk, "A"),
                "invo_professional_id": source_id_of(ctx, "ssd_professionals", a.worker_id, "W"),
                "invo_professional_role_id": "",
                "invo_professional_team": source_id_of(ctx, "ssd_department", a.team_id, "T"),
                "invo_involvement_start_date": iso(a.started_on),
                "invo_involvement_end_date": iso(a.ended_on),
                "invo_worker_change_reason": a.change_reason,
                "invo_person_id": pid[a.involvement.person_id],
                "invo_referral_id": source_id_of(ctx, "ssd_cin_episodes", referral_id, "R"),
            }


register(InvolvementsTable())
