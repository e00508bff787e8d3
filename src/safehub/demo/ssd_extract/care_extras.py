"""The parts of a period of care that hang off it: health checks, immunisations, SDQ, missing
episodes, substance misuse and convictions; permanence (adoption and SGO journeys); care-leaver
contacts around each birthday from 18 to 21 (903 OC3)."""

from typing import Any

from .calendar import age_on, birthday, iso
from .codes import CARE_LEAVER_ACCOMMODATION, CARE_LEAVER_ACTIVITY, IN_TOUCH
from .context import Child, Context

YN = ("N", "Y")


def health_and_wellbeing(ctx: Context, child: Child, start: int, last: int) -> None:
    rng, sink, pid = ctx.rng, ctx.sink, child.person_id
    # An initial health assessment within 28 days, then yearly (six-monthly under five), with a
    # dental check each year; an SDQ and the immunisation status at each anniversary.
    day = start + ctx.between(10, 28)
    while day <= last:
        for kind in ("Health Assessment", "Dental Check"):
            # A refused or missed check leaves no record (about one in ten): Safehub, like the 903,
            # holds only checks that happened, so a "Refused" row would be refused on import.
            if rng.random() >= 0.9:
                continue
            sink.write(
                "ssd_cla_health",
                {
                    "clah_health_check_id": ctx.new_id("HC"),
                    "clah_person_id": pid,
                    "clah_health_check_type": kind,
                    "clah_health_check_date": iso(day),
                    "clah_health_check_status": "Completed",
                },
            )
        day += 182 if age_on(child.dob, day) < 5 else 365
    anniversary = start + 365
    # ssd_cla_immunisations has no id of its own: one row per child, the latest date the
    # immunisations were found up to date (about 86% are at each anniversary). A child never found
    # up to date has no row, which is what the 903's IMMUNISATIONS = 0 says.
    up_to_date = None
    while anniversary <= last:
        if rng.random() < 0.86:
            up_to_date = anniversary
        age = age_on(child.dob, anniversary)
        if 4 <= age <= 16:
            scored = rng.random() < 0.8
            sink.write(
                "ssd_sdq_scores",
                {
                    "csdq_table_id": ctx.new_id("SQ"),
                    "csdq_person_id": pid,
                    "csdq_sdq_completed_date": iso(anniversary),
                    "csdq_sdq_reason": "" if scored else rng.choice(("SDQ2", "SDQ4", "SDQ5")),
                    "csdq_sdq_score": str(max(0, min(40, int(rng.gauss(14, 7))))) if scored else "",
                },
            )
        anniversary += 365
    if up_to_date is not None:
        sink.write(
            "ssd_cla_immunisations",
            {
                "clai_person_id": pid,
                "clai_immunisations_status": "Y",
                "clai_immunisations_status_date": iso(up_to_date),
            },
        )
    teen = age_on(child.dob, last) >= 11
    if teen and rng.random() < 0.35 and last - start > 20:
        day = start + ctx.between(1, 30)
        for _ in range(rng.randint(1, 6)):
            if day >= last:
                break
            back = min(day + ctx.between(0, 3), last)
            sink.write(
                "ssd_missing",
                {
                    "miss_table_id": ctx.new_id("MS"),
                    "miss_person_id": pid,
                    "miss_missing_episode_start_date": iso(day),
                    "miss_missing_episode_type": "M" if rng.random() < 0.7 else "A",
                    "miss_missing_episode_end_date": iso(back),
                    "miss_missing_rhi_offered": "Y",
                    "miss_missing_rhi_accepted": YN[rng.random() < 0.6],
                },
            )
            ctx.stats["missing"] += 1
            day = back + ctx.between(5, 120)
    if teen and rng.random() < 0.05:
        sink.write(
            "ssd_cla_substance_misuse",
            {
                "clas_substance_misuse_id": ctx.new_id("SM"),
                "clas_person_id": pid,
                "clas_substance_misuse_date": iso(rng.randint(start, last)),
                "clas_substance_misused": "Y",
                "clas_intervention_received": YN[rng.random() < 0.6],
            },
        )
    if teen and age_on(child.dob, last) >= 12 and rng.random() < 0.03:
        sink.write(
            "ssd_cla_convictions",
            {
                "clac_cla_conviction_id": ctx.new_id("CO"),
                "clac_person_id": pid,
                "clac_cla_conviction_date": iso(max(rng.randint(start, last), birthday(child.dob, 12))),
                "clac_cla_conviction_offence": "Theft",
            },
        )


def permanence_rows(
    ctx: Context,
    child: Child,
    cla_id: str,
    start: int,
    end: int | None,
    rec: str,
    events: list[tuple[int, str, Any]],
) -> None:
    """ssd_permanence for an adoption (ADM decision, placement order, match, placed, order) or an SGO."""
    rng = ctx.rng
    row: dict[str, Any] = {"perm_table_id": ctx.new_id("PM"), "perm_person_id": child.person_id,
                           "perm_cla_id": cla_id}  # fmt: skip
    placement_order = next((day for day, kind, value in events if kind == "ls" and value == "E1"), None)
    if placement_order is not None and placement_order <= ctx.today:
        placed = next(day for day, kind, _ in events if kind == "move" and day > placement_order)
        decision = placement_order - ctx.between(60, 120)
        row.update(
            perm_adm_decision_date=iso(decision),
            perm_placement_order_date=iso(placement_order),
            perm_adoption_worker_id=ctx.worker(ctx.team("adoption")),
            perm_part_of_sibling_group="N",
        )
        if placed <= ctx.today:
            matched = placed - ctx.between(7, 30)
            row.update(
                perm_matched_date=iso(matched),
                perm_placed_for_adoption_date=iso(placed),
                perm_adopted_by_carer_flag="N",
                perm_number_of_adopters=(adopters := rng.choice(("2", "2", "2", "1"))),
                perm_adopter_sex=rng.choice(("MF", "MF", "MF", "FF", "MM")) if adopters == "2" else "F1",
                perm_adopter_legal_status="L11" if adopters == "2" else "L2",
            )
        if end is not None and rec in ("E11", "E12"):
            row.update(perm_permanence_order_date=iso(end), perm_permanence_order_type="Adoption order")
            ctx.stats["adoptions"] += 1
        ctx.sink.write("ssd_permanence", row)
    elif end is not None and rec in ("E45", "E46", "E47", "E48"):
        row.update(
            perm_permanence_order_date=iso(end), perm_permanence_order_type="Special guardianship order"
        )
        ctx.sink.write("ssd_permanence", row)
        ctx.stats["sgos"] += 1


def care_leaver_contacts(ctx: Context, child: Child, left: int) -> None:
    """A former relevant care leaver's latest contact: in the weeks after their latest birthday
    from 18 to 21 that is past. ssd_care_leavers holds one row per care leaver (its fields are the
    "latest contact"), so earlier birthdays' contacts are not written."""
    rng = ctx.rng
    team = ctx.team("leaving_care")
    adviser = ctx.worker(team)
    ctx.stats["care_leavers"] += 1
    contacts = [birthday(child.dob, age) + ctx.between(1, 30) for age in range(18, 22)]
    past = [day for day in contacts if left < day <= ctx.today]
    for contact in past[-1:]:
        in_touch = IN_TOUCH.draw(rng)
        touch = in_touch == "YES"
        accom = CARE_LEAVER_ACCOMMODATION.draw(rng) if touch else "0"
        ctx.sink.write(
            "ssd_care_leavers",
            {
                "clea_table_id": ctx.new_id("CL"),
                "clea_person_id": child.person_id,
                "clea_care_leaver_eligibility": "Former relevant",
                "clea_care_leaver_in_touch": in_touch,
                "clea_care_leaver_latest_contact": iso(contact),
                "clea_care_leaver_accommodation": accom,
                # 903 ACCOM codes carry the suitability: B1 suitable, B2 not.
                "clea_care_leaver_accom_suitable": ""
                if not touch
                else ("Suitable" if accom[1:] == "1" else "Unsuitable"),
                "clea_care_leaver_activity": CARE_LEAVER_ACTIVITY.draw(rng) if touch else "0",
                "clea_pathway_plan_review_date": iso(contact - ctx.between(0, 150)) if touch else "",
                "clea_care_leaver_personal_advisor": adviser,
                "clea_care_leaver_allocated_team": team,
                "clea_care_leaver_worker_id": adviser,
            },
        )
