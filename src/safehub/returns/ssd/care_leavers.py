"""SSD ssd_care_leavers -> CareLeaver, its latest contact and latest pathway plan review (issue 7).

SSD gives no date the leaving-care duty began, so the record starts on the day the child's last
period of care ended (relevant, former relevant, qualifying) or, for an eligible child still in
care, on their 16th birthday or the day care began if later. The personal adviser, team and
worker are names and ids of the professionals tables, not held on this record.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any
from uuid import UUID

from safehub.casework.constants import CaseLevel, CaseService
from safehub.casework.models import Involvement
from safehub.looked_after.constants import ACCOMMODATION_LIST, ACTIVITY_LIST, IN_TOUCH_LIST, LeaverCategory
from safehub.looked_after.models import CareLeaver, CareLeaverContact, PathwayPlanReview
from safehub.people.models import Person

from .base import ExportContext, LoadContext, Problem, Row, RowRefused, parse_date, row_hash
from .care_common import (
    check_code,
    codes,
    create_with_history,
    editable_fields,
    iso,
    label,
    periods_by_person,
    person_of,
    person_refs,
    resolve,
    update_with_history,
)
from .care_permanence import LEAVER_KINDS, _Base, sources
from .tables import register

CONTACT = "ssd_care_leavers#contact"
REVIEW = "ssd_care_leavers#review"
# Export words: as SSD extracts (and the Annex A lists) write them, each read back by the import.
ELIGIBILITY_WORDS = {
    "eligible": "Eligible",
    "relevant": "Relevant",
    "former_relevant": "Former relevant",
    "qualifying": "Qualifying",
}
SUITABILITY_WORDS = {"1": "Suitable", "2": "Unsuitable"}
SUITABLE = {"1": "1", "y": "1", "yes": "1", "suitable": "1", "2": "2", "n": "2", "no": "2", "unsuitable": "2"}


def _sixteenth(born: date) -> date:
    try:
        return born.replace(year=born.year + 16)
    except ValueError:  # born on 29 February
        return date(born.year + 16, 3, 1)


def accommodation(row: Row, allowed: set[str]) -> str:
    """903 ACCOM is the kind and its suitability in one code ("B1"); SSD may split them."""
    text = (row.get("clea_care_leaver_accommodation") or "").strip().upper()
    suit_text = (row.get("clea_care_leaver_accom_suitable") or "").strip().lower()
    suitable = SUITABLE.get(suit_text)
    if suit_text and suitable is None:
        raise RowRefused(
            "clea_care_leaver_accom_suitable",
            f"clea_care_leaver_accom_suitable must be 1 (suitable) or 2: {suit_text[:20]!r}",
        )
    if not text:
        if suitable:
            raise RowRefused(
                "clea_care_leaver_accommodation",
                "clea_care_leaver_accommodation is required with its suitability",
            )
        return ""
    code = text if len(text) == 2 or text == "0" else text + (suitable or "")
    if code not in allowed:
        raise RowRefused(
            "clea_care_leaver_accommodation",
            f"clea_care_leaver_accommodation {text[:10]!r} is not an accommodation code in the DfE lists",
        )
    if suitable and len(code) == 2 and code[1] != suitable:
        raise RowRefused(
            "clea_care_leaver_accom_suitable",
            f"the accommodation {code} and its suitability {suit_text!r} disagree",
        )
    return code


class CareLeaversTable(_Base):
    name = "ssd_care_leavers"
    id_field = "clea_table_id"
    # The other domain rows a row becomes, recorded under these names (read back by `_batch`).
    record_parts = (CONTACT, REVIEW)
    fields = (
        "clea_table_id", "clea_person_id", "clea_care_leaver_eligibility", "clea_care_leaver_in_touch",
        "clea_care_leaver_latest_contact", "clea_care_leaver_accommodation", "clea_care_leaver_accom_suitable",
        "clea_care_leaver_activity", "clea_pathway_plan_review_date", "clea_care_leaver_personal_advisor",
        "clea_care_leaver_allocated_team", "clea_care_leaver_worker_id",
    )  # fmt: skip
    references = {"clea_person_id": "ssd_person"}
    # Who the adviser, team and worker are belongs to allocations (ssd_involvements), not here.
    not_kept = (
        "clea_care_leaver_personal_advisor",
        "clea_care_leaver_allocated_team",
        "clea_care_leaver_worker_id",
    )

    def load(self, rows: Sequence[Row], ctx: LoadContext) -> list[Problem]:
        people = resolve(ctx, "ssd_person", (r.get("clea_person_id", "").strip() for r in rows))
        periods = periods_by_person(people.values())
        born = dict(Person.objects.filter(pk__in=people.values()).values_list("pk", "date_of_birth"))
        lists = {
            "touch": codes(IN_TOUCH_LIST),
            "activ": codes(ACTIVITY_LIST),
            "accom": codes(ACCOMMODATION_LIST),
        }
        ids = [r.get(self.id_field, "").strip() for r in rows]
        leavers = CareLeaver.objects.in_bulk([x for i in ids if (x := ctx.known(self.name, i))])
        contacts = CareLeaverContact.objects.in_bulk([x for i in ids if (x := ctx.known(CONTACT, i))])
        reviews = PathwayPlanReview.objects.in_bulk([x for i in ids if (x := ctx.known(REVIEW, i))])
        open_by_person = dict(
            CareLeaver.objects.filter(person_id__in=people.values(), ended_on__isnull=True).values_list(
                "person_id", "pk"
            )
        )
        made: list[tuple[str, str, Any, str]] = []

        def each(rid: str, row: Row) -> None:
            person_id = person_of(row, "clea_person_id", people)
            text = (row.get("clea_care_leaver_eligibility") or "").strip()
            category = LEAVER_KINDS.get(text.lower())
            if category is None:
                raise RowRefused(
                    "clea_care_leaver_eligibility",
                    f"clea_care_leaver_eligibility {text[:30]!r} is not a care leaver category (eligible, relevant, former relevant, qualifying)",
                )
            leaver = leavers.get(ctx.known(self.name, rid)) or CareLeaver(
                person_id=person_id, recorded_by=ctx.actor
            )  # type: ignore[arg-type]
            if leaver.person_id != person_id:
                raise RowRefused("clea_person_id", "this care leaver record was loaded for another child")
            started = self._start(category, periods.get(person_id, []), born.get(person_id))
            if started is None:
                raise RowRefused(
                    "clea_care_leaver_eligibility",
                    "the child has no period of care (or date of birth) to date the leaving-care record from",
                )
            other = open_by_person.get(person_id)
            if other is not None and other != leaver.pk:
                raise RowRefused("clea_person_id", "the child already has an open care leaver record")
            open_by_person[person_id] = leaver.pk
            in_touch = check_code(row, "clea_care_leaver_in_touch", lists["touch"], what="in touch")
            activity = check_code(row, "clea_care_leaver_activity", lists["activ"], what="activity")
            accom = accommodation(row, lists["accom"])
            contact_on = parse_date(row, "clea_care_leaver_latest_contact")
            if (in_touch or activity or accom) and contact_on is None:
                raise RowRefused(
                    "clea_care_leaver_latest_contact",
                    "clea_care_leaver_latest_contact is required with in touch, activity or accommodation",
                )
            if contact_on is not None and not in_touch:
                raise RowRefused(
                    "clea_care_leaver_in_touch",
                    "clea_care_leaver_in_touch is required with a latest contact date",
                )
            reviewed_on = parse_date(row, "clea_pathway_plan_review_date")
            leaver.category, leaver.started_on, leaver.updated_by = category, started, ctx.actor
            if leaver._state.adding:
                leaver.involvement = Involvement(
                    person_id=person_id, service=CaseService.LEAVING_CARE, level=CaseLevel.CARE_LEAVER,
                    title="Leaving care", opened_on=started, updated_by=ctx.actor,
                )  # fmt: skip
            else:
                leaver.version += 1
            digest = row_hash(row)
            made.append((self.name, rid, leaver, digest))
            if contact_on is not None:
                contact = contacts.get(ctx.known(CONTACT, rid)) or CareLeaverContact(recorded_by=ctx.actor)  # type: ignore[arg-type]
                contact.care_leaver, contact.contact_on, contact.in_touch = leaver, contact_on, in_touch
                contact.activity, contact.accommodation, contact.updated_by = activity, accom, ctx.actor
                contact.version += 0 if contact._state.adding else 1
                made.append((CONTACT, rid, contact, digest))
            if reviewed_on is not None:
                review = reviews.get(ctx.known(REVIEW, rid)) or PathwayPlanReview(recorded_by=ctx.actor)  # type: ignore[arg-type]
                review.care_leaver, review.reviewed_on, review.updated_by = leaver, reviewed_on, ctx.actor
                review.version += 0 if review._state.adding else 1
                made.append((REVIEW, rid, review, digest))

        problems = self.run_rows(rows, ctx, each)
        new_leavers = [o for t, _r, o, _d in made if t == self.name and o._state.adding]
        create_with_history(Involvement, [o.involvement for o in new_leavers], ctx.actor)
        for o in new_leavers:
            o.involvement_id = o.involvement.pk
        for model in (CareLeaver, CareLeaverContact, PathwayPlanReview):
            objs = [o for _t, _r, o, _d in made if isinstance(o, model)]
            for o in objs:
                if isinstance(o, (CareLeaverContact, PathwayPlanReview)):
                    o.care_leaver_id = o.care_leaver.pk
            fresh = [o for o in objs if o._state.adding]
            old = [o for o in objs if not o._state.adding]
            create_with_history(model, fresh, ctx.actor)
            update_with_history(model, old, editable_fields(model), ctx.actor)
        for table, rid, obj, digest in made:
            ctx.remember(table, rid, label(type(obj)), obj.pk, digest)
        return problems

    @staticmethod
    def _start(category: str, periods: list[Any], born: date | None) -> date | None:
        if not periods:
            return None
        last = periods[-1]
        if category == LeaverCategory.ELIGIBLE or last.ended_on is None:
            start = last.started_on if born is None else max(last.started_on, _sixteenth(born))
            return start
        return last.ended_on

    def export(self, ctx: ExportContext) -> Iterator[Row]:
        sources(ctx, self.name)
        leavers = list(CareLeaver.objects.order_by("pk"))
        latest_contact: dict[UUID, CareLeaverContact] = {}
        for c in CareLeaverContact.objects.order_by("contact_on", "created_at"):
            latest_contact[c.care_leaver_id] = c
        latest_review: dict[UUID, date] = {}
        for leaver_id, day in PathwayPlanReview.objects.order_by("reviewed_on").values_list(
            "care_leaver_id", "reviewed_on"
        ):
            latest_review[leaver_id] = day
        people = person_refs(ctx, (c.person_id for c in leavers))
        for leaver in leavers:
            contact = latest_contact.get(leaver.pk)
            accom = contact.accommodation if contact else ""
            yield dict.fromkeys(self.fields, "") | {
                "clea_table_id": ctx.ssd_id(self.name, leaver.pk, "CL"),
                "clea_person_id": people[leaver.person_id],
                "clea_care_leaver_eligibility": ELIGIBILITY_WORDS.get(leaver.category, leaver.category),
                "clea_care_leaver_in_touch": contact.in_touch if contact else "",
                "clea_care_leaver_latest_contact": iso(contact.contact_on) if contact else "",
                "clea_care_leaver_accommodation": accom,
                "clea_care_leaver_accom_suitable": SUITABILITY_WORDS.get(accom[1:], "")
                if len(accom) == 2
                else "",
                "clea_care_leaver_activity": contact.activity if contact else "",
                "clea_pathway_plan_review_date": iso(latest_review.get(leaver.pk)),
            }


register(CareLeaversTable())
