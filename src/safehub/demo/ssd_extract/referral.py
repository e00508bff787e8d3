"""One referral of a child, from contact to closure (see cin_cp.py for the pieces)."""

from typing import Any

from .calendar import add_working_days, iso
from .care import period_of_care
from .cin_cp import (
    ASSESSMENT_LATE,
    CP_LENGTHS,
    ICPC,
    ICPC_LATE,
    ICPC_TO_PLAN,
    REFERRAL_NFA,
    S47,
    YES_NO,
    YN,
    _end,
    _length,
    cin_plan,
    contact,
    cp_plan,
)  # fmt: skip
from .codes import FACTOR, PRIMARY_NEED, REFERRAL_SOURCE, REFERRAL_SOURCE_LABEL
from .context import Child, Context
from .sink import as_json

# How a referral closes after a period of care ended with this 903 reason.
CLOSE_AFTER_CARE = {"E11": "RC1", "E12": "RC1", "E45": "RC4", "E46": "RC4", "E47": "RC4", "E48": "RC4",
                    "E41": "RC3", "E3": "RC5", "E7": "RC6"}  # fmt: skip


def referral(ctx: Context, child: Child, day: int, people: Any) -> int | None:
    """Write one referral starting on `day`; return its closure date (None: open today)."""
    rng, sink, today = ctx.rng, ctx.sink, ctx.today
    referral_id = ctx.new_id("R")
    source = REFERRAL_SOURCE.draw(rng)
    contact(ctx, child, day, source, referral=True)
    ctx.stats["referrals"] += 1
    front = ctx.team("front_door")
    record: dict[str, Any] = {
        "cine_referral_id": referral_id,
        "cine_person_id": child.person_id,
        "cine_referral_date": iso(day),
        "cine_cin_primary_need_code": PRIMARY_NEED.draw(rng),
        "cine_referral_source_code": source,
        "cine_referral_source_desc": REFERRAL_SOURCE_LABEL[source],
        "cine_referral_team": front,
        "cine_referral_worker_id": ctx.worker(front),
    }
    if not child.wants_care and rng.random() < REFERRAL_NFA:
        # No further action at referral: closed the same day, no assessment (DfE CIN guide).
        record.update(cine_referral_nfa="Y", cine_close_reason="RC8", cine_close_date=iso(day))
        record["cine_referral_outcome_json"] = as_json({"NFA_FLAG": "Y"})
        sink.write("ssd_cin_episodes", record)
        ctx.stats["referrals_nfa"] += 1
        return day
    record["cine_referral_nfa"] = "N"
    assess_team = ctx.team("assessment")
    start = add_working_days(day, ctx.between(0, 3))
    close: int | None
    segments: list[tuple[str, int, int | None]]
    reason = ""
    if start > today:
        close, segments = None, [(assess_team, day, None)]
        record["cine_referral_outcome_json"] = as_json({"SINGLE_ASSESSMENT_FLAG": "Y"})
    else:
        close, reason, segments = _assessed(ctx, child, referral_id, day, start, assess_team, people)
    record["cine_close_reason"] = reason if close is not None else ""
    record["cine_close_date"] = iso(close)
    record.setdefault("cine_referral_outcome_json", as_json({"SINGLE_ASSESSMENT_FLAG": "Y"}))
    sink.write("ssd_cin_episodes", record)
    ctx.allocate(child, referral_id, segments)
    return close


def _assessed(
    ctx: Context, child: Child, referral_id: str, day: int, start: int, team: str, people: Any
) -> tuple[int | None, str, list[tuple[str, int, int | None]]]:
    rng, today = ctx.rng, ctx.today
    late = rng.random() < ASSESSMENT_LATE
    auth = add_working_days(start, ctx.between(46, 75) if late else int(rng.triangular(1, 43, 30)))
    auth_open = auth > today
    care = child.wants_care and not child.cared_for and child.age18 - day > 240
    s47 = (care and rng.random() < 0.4) or (not care and rng.random() < S47)
    outcome = "strategy" if s47 else "care" if care else rng.choices(
        ("nfa", "early_help", "cin", "services"), (35, 20, 33, 12))[0]  # fmt: skip
    assessment_id = ctx.new_id("A")
    ctx.sink.write(
        "ssd_cin_assessments",
        {
            "cina_assessment_id": assessment_id,
            "cina_person_id": child.person_id,
            "cina_referral_id": referral_id,
            "cina_assessment_start_date": iso(start),
            "cina_assessment_child_seen": YES_NO[rng.random() < 0.97],
            "cina_assessment_auth_date": "" if auth_open else iso(auth),
            "cina_assessment_outcome_json": as_json(
                {
                    "NFA_FLAG": YN[outcome == "nfa"],
                    "STRATEGY_DISCUSSION_FLAG": YN[s47],
                    "PROV_OF_SERVICES_FLAG": YN[outcome in ("cin", "services")],
                    "CLA_REQUEST_FLAG": YN[care],
                }
            ),
            # No outcome until the assessment is authorised.
            "cina_assessment_outcome_nfa": "" if auth_open else YN[outcome == "nfa"],
            "cina_assessment_team": team,
            "cina_assessment_worker_id": ctx.worker(team),
        },
    )
    ctx.stats["assessments"] += 1
    if not auth_open:
        ctx.stats["assessments_completed"] += 1
        ctx.stats["assessments_late"] += late
        factors = sorted({FACTOR.draw(rng) for _ in range(rng.choice((1, 2, 2, 3, 4)))})
        if outcome == "nfa" and rng.random() < 0.3:
            factors = ["21"]
        ctx.sink.write(
            "ssd_assessment_factors",
            {
                "cinf_table_id": ctx.new_id("AF"),
                "cinf_assessment_id": assessment_id,
                "cinf_assessment_factors_json": as_json(factors),
            },
        )
    ends: list[int | None] = [None if auth_open else auth]
    long_team = ctx.team("safeguarding")
    segments: list[tuple[str, int, int | None]] = [(team, day, None)]
    care_start: int | None = None
    care_end: int | None = None
    rec = ""
    if s47:
        s47_start = min(start + ctx.between(0, 2), today)
        icpc = care or rng.random() < ICPC
        icpc_day = add_working_days(s47_start, ctx.between(16, 25) if rng.random() < ICPC_LATE else
                                    ctx.between(5, 15))  # fmt: skip
        s47_end = icpc_day if icpc else add_working_days(s47_start, ctx.between(5, 20))
        s47_id = ctx.new_id("S")
        done = s47_end <= today
        ctx.sink.write(
            "ssd_s47_enquiry",
            {
                "s47e_s47_enquiry_id": s47_id,
                "s47e_referral_id": referral_id,
                "s47e_person_id": child.person_id,
                "s47e_s47_start_date": iso(s47_start),
                "s47e_s47_end_date": iso(s47_end) if done else "",
                "s47e_s47_nfa": YN[done and not icpc],
                "s47e_s47_outcome_json": as_json({"CP_CONFERENCE_FLAG": YN[icpc], "NFA_FLAG": YN[not icpc]}),
                "s47e_s47_completed_by_worker_id": ctx.worker(team),
                "s47e_s47_completed_by_team": team,
            },
        )
        ctx.stats["s47"] += 1
        ends.append(s47_end if done else None)
        if icpc and done:
            plan = care or rng.random() < ICPC_TO_PLAN
            icpc_id = ctx.new_id("IC")
            # The conference's plan, when it made one (ssd_initial_cp_conference.icpc_cp_plan_id).
            plan_id = ctx.new_id("CP") if plan else ""
            ctx.sink.write(
                "ssd_initial_cp_conference",
                {
                    "icpc_icpc_id": icpc_id,
                    "icpc_icpc_meeting_id": ctx.new_id("M"),
                    "icpc_s47_enquiry_id": s47_id,
                    "icpc_person_id": child.person_id,
                    "icpc_cp_plan_id": plan_id,
                    "icpc_referral_id": referral_id,
                    "icpc_icpc_transfer_in": "N",
                    "icpc_icpc_target_date": iso(add_working_days(s47_start, 15)),
                    "icpc_icpc_date": iso(icpc_day),
                    "icpc_icpc_outcome_cp_flag": YN[plan],
                    "icpc_icpc_outcome_json": as_json({"CP_FLAG": YN[plan], "NFA_FLAG": YN[not plan]}),
                    "icpc_icpc_team": long_team,
                    "icpc_icpc_worker_id": ctx.worker(long_team),
                },
            )
            ctx.stats["icpc"] += 1
            if plan:
                segments = [(team, day, icpc_day), (long_team, icpc_day, None)]
                if care:
                    # The plan ends the day the child becomes looked after.
                    cp_end: int | None = icpc_day + ctx.between(60, 270)
                    care_start = cp_end
                else:
                    cp_end = icpc_day + _length(ctx, CP_LENGTHS)
                cp_end = _end(ctx, child, cp_end)  # type: ignore[arg-type]
                if care and cp_end is None:
                    care_start = None
                cp_plan(ctx, child, referral_id, icpc_id, plan_id, icpc_day, cp_end, by_review=not care)
                ends.append(cp_end)
                if cp_end is not None and not care and rng.random() < 0.6 and cp_end + 1 < child.age18 - 30:
                    ends.append(cin_plan(ctx, child, referral_id, cp_end + 1, long_team))
            elif not care and rng.random() < 0.5 and icpc_day + 1 < child.age18 - 30:
                segments = [(team, day, icpc_day), (long_team, icpc_day, None)]
                ends.append(cin_plan(ctx, child, referral_id, icpc_day + 1, long_team))
        elif care and done is False:
            care = False
    elif care:
        care_start = start + ctx.between(0, 40)
        if care_start > min(today, child.age18 - 120):
            care_start = None
    elif not auth_open:
        if outcome == "cin" and auth + 30 < child.age18:
            segments = [(team, day, auth), (long_team, auth, None)]
            ends.append(cin_plan(ctx, child, referral_id, auth, long_team))
        elif outcome == "services":
            ends.append(_end(ctx, child, auth + ctx.between(20, 120)))
    if care_start is not None and care_start <= today:
        care_team = ctx.team("in_care")
        segments = [
            *segments[:-1],
            (segments[-1][0], segments[-1][1], care_start),
            (care_team, care_start, None),
        ]
        care_end, rec = period_of_care(ctx, child, referral_id, care_start, people)
        ends.append(care_end)
        if care_end is not None and rec in ("E4A", "E4B", "E13") and rng.random() < 0.5 \
                and care_end + 60 < child.age18:  # fmt: skip
            ends.append(cin_plan(ctx, child, referral_id, care_end + 1, care_team))
    if any(end is None for end in ends):
        return None, "", segments
    close = max(end for end in ends if end is not None)
    if care_end is not None:
        reason = CLOSE_AFTER_CARE.get(rec, "RC7") if close == care_end else "RC7"
    elif outcome == "nfa":
        reason = "RC8"
    elif outcome == "early_help":
        reason = "RC9"
    else:
        reason = rng.choices(("RC7", "RC5", "RC6", "RC3"), (90, 5, 1, 4))[0]
    if reason == "RC6" and close < child.age18 - 400:
        reason = "RC7"
    segments[-1] = (segments[-1][0], segments[-1][1], close)
    return close, reason, segments
