"""A child's referrals: contacts, the referral (ssd_cin_episodes), the assessment and its factors,
s47 enquiries, initial conferences, CP plans with reviews and visits, CIN plans with visits, and
the allocated workers. Everything happens in date order inside the referral, nothing after its
closure, and a child has at most one open referral (the next one starts after this one closed)."""

from .calendar import iso
from .codes import CP_CATEGORY, REFERRAL_SOURCE_LABEL
from .context import Child, Context
from .sink import as_json

# Share of referrals with no further action, of those assessed whose assessment takes more than
# 45 working days, and of assessments that lead to a s47 enquiry / of s47s to an ICPC / of ICPCs
# to a CP plan (DfE 2025: ~10% of referrals end in a CP plan).
REFERRAL_NFA = 0.07
ASSESSMENT_LATE = 0.14
S47 = 0.30
ICPC = 0.42
ICPC_TO_PLAN = 0.87
ICPC_LATE = 0.2
# CP plan lengths in days (weights): 4.4% of plans ending last two years or more (DfE 2025).
CP_LENGTHS = ((60, 180, 25), (181, 365, 40), (366, 729, 30), (730, 1000, 5))
YN = ("N", "Y")
# The SSD code lists (ssd_codes/child_seen.csv, cp_plan_continue.csv, category_of_abuse.csv) use
# words, not the census codes: "Yes"/"No", "Neglect".
YES_NO = ("No", "Yes")
CP_CATEGORY_WORD = {
    "NEG": "Neglect",
    "PHY": "Physical Abuse",
    "EMO": "Emotional Abuse",
    "SAB": "Sexual Abuse",
    "MUL": "Multiple",
}


def contact(ctx: Context, child: Child, day: int, source: str, *, referral: bool) -> None:
    ctx.sink.write(
        "ssd_contacts",
        {
            "cont_contact_id": ctx.new_id("K"),
            "cont_person_id": child.person_id,
            "cont_contact_date": iso(day),
            "cont_contact_source_code": source,
            "cont_contact_source_desc": REFERRAL_SOURCE_LABEL[source],
            "cont_contact_outcome_json": as_json(
                {"NEW_REFERRAL_FLAG": "Y"} if referral else {"ADVICE_FLAG": "Y"}
            ),
        },
    )
    ctx.stats["contacts"] += 1


def _length(ctx: Context, bands: tuple[tuple[int, int, int], ...]) -> int:
    low, high, _ = ctx.rng.choices(bands, [w for _, _, w in bands])[0]
    return ctx.between(low, high)


def _end(ctx: Context, child: Child, end: int) -> int | None:
    """An end date kept before the 18th birthday; None (still open) when it is after today."""
    end = min(end, child.age18 - 1)
    return None if end > ctx.today else end


def cp_plan(
    ctx: Context,
    child: Child,
    referral_id: str,
    icpc_id: str,
    plan_id: str,
    start: int,
    end: int | None,
    *,
    by_review: bool = True,
) -> None:
    """A CP plan with its review conferences and visits. A plan that ends `by_review` ends at a
    review conference held that day (outcome: do not continue); one ended by the child becoming
    looked after or turning 18 has no such review (every review before it continued the plan)."""
    sink, rng = ctx.sink, ctx.rng
    category = CP_CATEGORY.draw(rng)
    latest = category if rng.random() < 0.9 else CP_CATEGORY.draw(rng)
    sink.write(
        "ssd_cp_plans",
        {
            "cppl_cp_plan_id": plan_id,
            "cppl_referral_id": referral_id,
            "cppl_icpc_id": icpc_id,
            "cppl_person_id": child.person_id,
            "cppl_cp_plan_start_date": iso(start),
            "cppl_cp_plan_end_date": iso(end),
            "cppl_cp_plan_initial_category": CP_CATEGORY_WORD[category],
            "cppl_cp_plan_ola": "N",
            "cppl_cp_plan_latest_category": CP_CATEGORY_WORD[latest],
        },
    )
    ctx.stats["cp_plans"] += 1
    ctx.stats["cp_" + category] += 1
    child.cp_plans += 1
    last = ctx.today if end is None else end
    # Review conferences: the first within three months of the plan, then every six months.
    due = start + 90
    reviews: list[tuple[int, int, bool]] = []  # (due, held, continue the plan)
    while due < last:
        held = due - ctx.between(0, 10)
        if end is not None and held >= end:
            break
        reviews.append((due, held, True))
        due = held + 180
    if end is not None and by_review and end < child.age18 - 1:
        # The review conference that ends the plan is the plan's last day (its end date).
        reviews.append((max(due, end), end, False))
    for due, held, carry_on in reviews:
        sink.write(
            "ssd_cp_reviews",
            {
                "cppr_cp_review_id": ctx.new_id("CR"),
                "cppr_person_id": child.person_id,
                "cppr_cp_plan_id": plan_id,
                "cppr_cp_review_due": iso(due),
                "cppr_cp_review_date": iso(held),
                "cppr_cp_review_meeting_id": ctx.new_id("M"),
                "cppr_cp_review_outcome_continue_cp": YES_NO[carry_on],
                "cppr_cp_review_quorate": "Y" if rng.random() < 0.97 else "N",
                "cppr_cp_review_participation": YN[rng.random() < 0.7],
            },
        )
    day = start + ctx.between(3, 10)
    while day <= last:
        seen = rng.random() < 0.95
        sink.write(
            "ssd_cp_visits",
            {
                "cppv_cp_visit_id": ctx.new_id("CV"),
                "cppv_person_id": child.person_id,
                "cppv_cp_plan_id": plan_id,
                "cppv_cp_visit_date": iso(day),
                "cppv_cp_visit_seen": YES_NO[seen],
                # Seen alone, bedroom seen: not asked when the child was not seen.
                "cppv_cp_visit_seen_alone": YES_NO[rng.random() < 0.6] if seen else "",
                "cppv_cp_visit_bedroom": YES_NO[rng.random() < 0.5] if seen else "",
            },
        )
        day += ctx.between(7, 14)


def cin_plan(ctx: Context, child: Child, referral_id: str, start: int, team: str) -> int | None:
    """A CIN plan from `start` for three to eighteen months; returns its end (None: still open).
    A plan that would start after today is not written (the day before is returned)."""
    if start > ctx.today:
        return start - 1
    end = _end(ctx, child, start + ctx.between(90, 540))
    ctx.sink.write(
        "ssd_cin_plans",
        {
            "cinp_cin_plan_id": ctx.new_id("CN"),
            "cinp_referral_id": referral_id,
            "cinp_person_id": child.person_id,
            "cinp_cin_plan_start_date": iso(start),
            "cinp_cin_plan_end_date": iso(end),
            "cinp_cin_plan_team": team,
            "cinp_cin_plan_worker_id": ctx.worker(team),
        },
    )
    ctx.stats["cin_plans"] += 1
    last = ctx.today if end is None else end
    day = start + ctx.between(5, 20)
    while day <= last:
        seen = ctx.rng.random() < 0.93
        ctx.sink.write(
            "ssd_cin_visits",
            {
                "cinv_cin_visit_id": ctx.new_id("NV"),
                "cinv_person_id": child.person_id,
                "cinv_cin_visit_date": iso(day),
                "cinv_cin_visit_seen": YES_NO[seen],
                "cinv_cin_visit_seen_alone": YES_NO[ctx.rng.random() < 0.5] if seen else "",
                "cinv_cin_visit_bedroom": YES_NO[ctx.rng.random() < 0.3] if seen else "",
            },
        )
        day += ctx.between(20, 42)
    return end
