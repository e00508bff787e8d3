"""A period of care (SSDA903): legal statuses and placements over time, cut into episodes (a new
episode at every change: RNE S first, then L, P, T or B, each previous one ceasing X1 on the same
day), with reviews, visits, health, SDQ, missing episodes, permanence (adoption, SGO), the care
plan, previous permanence and, for those who leave at 18, care-leaver contacts around each
birthday. Legal status and placement histories have no gaps inside the period."""

from typing import Any

from .calendar import age_on, birthday, iso
from .care_extras import care_leaver_contacts, health_and_wellbeing, permanence_rows
from .codes import PREVIOUS_PERMANENCE, PRIMARY_NEED, REASON_PLACE_CHANGE, REVIEW_PARTICIPATION
from .context import Child, Context
from .sink import as_json

YN = ("N", "Y")


def _placement(ctx: Context, age: int) -> tuple[str, str]:
    rng = ctx.rng
    if age >= 16 and rng.random() < 0.35:
        # Supported accommodation for 16 and 17 year olds (903 H5; there is no K3).
        return "H5", "PR4"
    if age >= 11 and rng.random() < 0.2:
        return "K2", rng.choice(("PR4", "PR4", "PR1"))
    if rng.random() < 0.18:
        return rng.choice(("U3", "U3", "U1")), "PR1"
    return rng.choice(("U6", "U6", "U4")), rng.choice(("PR1", "PR1", "PR4"))


def _plan(ctx: Context, child: Child, start: int) -> tuple[str, list[tuple[int, str, Any]], int, str]:
    """The legal route, its changes [(day, "ls"|"move", value)], the planned end and its reason."""
    rng, age = ctx.rng, age_on(child.dob, start)
    events: list[tuple[int, str, Any]] = []
    if child.uasc:
        return "V2", events, child.age18, rng.choice(("E6", "E5", "E5"))
    if age < 4 and rng.random() < 0.45:
        final = start + ctx.between(240, 330)
        events.append((final, "ls", "E1"))
        placed = final + ctx.between(70, 200)
        events.append((placed, "move", rng.choice((("A6", "PR1"), ("A6", "PR2"), ("A5", "PR1")))))
        return "C1", events, placed + ctx.between(120, 300), rng.choice(("E11", "E11", "E11", "E12"))
    first = rng.choices(("V2", "C1", "L1"), (50, 40, 10))[0]
    if first == "L1":
        events.append((start + ctx.between(1, 3), "ls", "C1"))
    if first == "V2" and rng.random() < 0.75:
        return "V2", events, start + ctx.between(20, 500), rng.choice(("E4A", "E4A", "E4A", "E4B", "E13"))
    if first == "V2":
        events.append((start + ctx.between(30, 200), "ls", "C1"))
    final = (events[-1][0] if events else start) + ctx.between(200, 330)
    events.append((final, "ls", "C2"))
    route = rng.random()
    if route < 0.3:
        return first, events, final + ctx.between(90, 500), rng.choice(("E45", "E46", "E47", "E48", "E41"))
    if route < 0.45:
        return first, events, final + ctx.between(100, 700), "E4A"
    return first, events, child.age18, ""


def period_of_care(
    ctx: Context, child: Child, referral_id: str, start: int, people: Any
) -> tuple[int | None, str]:
    """Write one period of care from `start`; return its end (None: looked after today) and REC."""
    rng, sink, today = ctx.rng, ctx.sink, ctx.today
    child.cared_for = True
    ctx.stats["looked_after"] += 1
    cla_id = ctx.new_id("LA")
    if child.uasc:
        people.uasc_status(child, start)
    legal, events, end, rec = _plan(ctx, child, start)
    if end >= child.age18:
        end = child.age18
        rec = rec if child.uasc else rng.choice(("E17", "E5", "E6", "E8"))
    age = age_on(child.dob, start)
    # Placement moves for stability like England's: most children have one or two placements a year.
    day = start
    while True:
        day += int(rng.expovariate(1 / 420)) + 30
        if day >= end - 10:
            break
        events.append((day, "move", _placement(ctx, age_on(child.dob, day))))
    open_end = end > today
    last = today if open_end else end
    changes: dict[int, dict[str, Any]] = {}
    for when, kind, value in sorted(events, key=lambda event: event[0]):
        if start < when < end and when <= today:
            changes.setdefault(when, {})[kind] = value
    place, provider = _placement(ctx, age)
    placement_id, placement_start = ctx.new_id("PL"), start
    legal_start = start
    episode_start, rne = start, "S"
    need = PRIMARY_NEED.draw(rng)
    if legal == "E1":
        need = "N1"
    iro_contact = start + 28

    def close_placement(until: int | None, reason: str) -> None:
        sink.write(
            "ssd_cla_placement",
            {
                "clap_cla_placement_id": placement_id,
                "clap_cla_placement_start_date": iso(placement_start),
                "clap_cla_placement_type": place,
                "clap_cla_placement_urn": f"SC{int(placement_id[2:]) % 900000 + 100000}"
                if place in ("K2", "K1")
                else "XXXXXXX",
                "clap_cla_placement_distance": round(rng.uniform(0.5, 35.0), 1),
                "clap_cla_id": cla_id,
                "clap_cla_placement_provider": provider,
                "clap_cla_placement_postcode": rng.choice(ctx.pools.localities).postcode,
                "clap_cla_placement_end_date": iso(until),
                "clap_cla_placement_change_reason": reason,
                "clap_person_id": child.person_id,
            },
        )
        ctx.stats["placements"] += 1

    def close_legal(until: int | None) -> None:
        sink.write(
            "ssd_legal_status",
            {
                "lega_legal_status_id": ctx.new_id("LS"),
                "lega_person_id": child.person_id,
                "lega_legal_status": legal,
                "lega_legal_status_start_date": iso(legal_start),
                "lega_legal_status_end_date": iso(until),
            },
        )

    def close_episode(until: int | None, reason: str) -> None:
        sink.write(
            "ssd_cla_episodes",
            {
                "clae_cla_episode_id": ctx.new_id("EP"),
                "clae_person_id": child.person_id,
                "clae_cla_episode_start_date": iso(episode_start),
                "clae_cla_episode_start_reason": rne,
                "clae_cla_primary_need_code": need,
                "clae_cla_episode_ceased_date": iso(until),
                "clae_cla_episode_ceased_reason": reason,
                "clae_cla_id": cla_id,
                "clae_referral_id": referral_id,
                "clae_cla_placement_id": placement_id,
                "clae_entered_care_date": iso(start),
                "clae_cla_last_iro_contact_date": iso(min(iro_contact, last)),
            },
        )
        ctx.stats["episodes"] += 1

    for when in sorted(changes):
        change = changes[when]
        close_episode(when, "X1")
        new_legal = change.get("ls")
        move = change.get("move")
        if new_legal and new_legal != legal:
            close_legal(when)
            legal, legal_start = new_legal, when
        else:
            new_legal = None
        same_carer = move is not None and move[0] == "A5"
        if move is not None:
            close_placement(when, "PLACE" if same_carer else REASON_PLACE_CHANGE.draw(rng))
            (place, provider), placement_id, placement_start = move, ctx.new_id("PL"), when
        rne = ("B" if not same_carer else "U") if new_legal and move else (
            "L" if new_legal else ("T" if same_carer else "P"))  # fmt: skip
        episode_start = when
    final = None if open_end else end
    close_episode(final, "" if open_end else rec)
    close_legal(final)
    close_placement(final, "")
    _reviews_and_visits(ctx, child, cla_id, start, last, age)
    health_and_wellbeing(ctx, child, start, last)
    permanence_rows(ctx, child, cla_id, start, final, rec, events)
    sink.write(
        "ssd_cla_previous_permanence",
        {
            "lapp_table_id": ctx.new_id("PP"),
            "lapp_person_id": child.person_id,
            "lapp_previous_permanence_option": (option := PREVIOUS_PERMANENCE.draw(rng)),
            "lapp_previous_permanence_order_date": ""
            if option in ("Z1", "P4")
            else iso(start - ctx.between(200, 2000)),
            "lapp_previous_permanence_la": "" if option in ("Z1", "P4") else "E06000045",
        },
    )
    sink.write(
        "ssd_cla_care_plan",
        {
            "lacp_table_id": ctx.new_id("CPL"),
            "lacp_person_id": child.person_id,
            "lacp_cla_care_plan_start_date": iso(start),
            "lacp_cla_care_plan_end_date": iso(final),
            "lacp_cla_care_plan_json": as_json(
                {
                    "ADOPTION": YN[rec in ("E11", "E12")],
                    "RETURN6M": YN[rec in ("E4A", "E4B")],
                    "LTFOST18": YN[rec in ("", "E17", "E5", "E6", "E8")],
                    "RESPLMT": "N",
                    "SUPPLIV": "N",
                    "REMAINSUP": "N",
                    "RETURN1M": "N",
                    "RETURNEV": "N",
                    "LTRELFR": YN[rec[:3] in ("E45", "E47")],
                    "OTHERPLN": "N",
                }
            ),
        },
    )
    if child.sex == "F" and age_on(child.dob, last) >= 15 and rng.random() < 0.06 and last - start > 60:
        people.baby_of(child, rng.randint(max(start + 30, birthday(child.dob, 15)), last), "")
    if final is not None and final == child.age18:
        care_leaver_contacts(ctx, child, final)
    return final, rec


def _reviews_and_visits(ctx: Context, child: Child, cla_id: str, start: int, last: int, age: int) -> None:
    rng, sink = ctx.rng, ctx.sink
    due = start + 28
    gap = 91
    while due <= last:
        held = due - ctx.between(0, 7)
        sink.write(
            "ssd_cla_reviews",
            {
                "clar_cla_review_id": ctx.new_id("RV"),
                "clar_cla_id": cla_id,
                "clar_cla_review_due_date": iso(due),
                "clar_cla_review_date": iso(held),
                "clar_cla_review_cancelled": "N",
                "clar_cla_review_participation": "PN0"
                if age_on(child.dob, held) < 4
                else REVIEW_PARTICIPATION.draw(rng),
            },
        )
        due, gap = held + gap, 182
    day = start + ctx.between(3, 7)
    while day <= last:
        seen = rng.random() < 0.96
        sink.write(
            "ssd_cla_visits",
            {
                "clav_cla_visit_id": ctx.new_id("LV"),
                "clav_cla_id": cla_id,
                "clav_person_id": child.person_id,
                "clav_cla_visit_date": iso(day),
                "clav_cla_visit_seen": YN[seen],
                "clav_cla_visit_seen_alone": YN[seen and age >= 5 and rng.random() < 0.6],
            },
        )
        day += ctx.between(28, 42)
