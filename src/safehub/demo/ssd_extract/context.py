"""What every part of the generator shares: the seeded generator, the sink, the window of time,
id counters, the workforce and the name pools."""

import random
from collections import Counter
from dataclasses import dataclass, field

from ..population.pools import Pools
from .calendar import iso
from .codes import SW_CHANGE, TEAM_KINDS
from .sink import Sink

# Teams of a children's services department: (id, name, kind, how many workers per 1,000 children).
TEAMS = (
    ("T10", "Front Door and MASH", "front_door", 1.0),
    ("T11", "Assessment Team North", "assessment", 1.2),
    ("T12", "Assessment Team South", "assessment", 1.2),
    ("T21", "Safeguarding and Family Support 1", "safeguarding", 1.6),
    ("T22", "Safeguarding and Family Support 2", "safeguarding", 1.6),
    ("T23", "Safeguarding and Family Support 3", "safeguarding", 1.6),
    ("T31", "Children in Care 1", "in_care", 0.9),
    ("T32", "Children in Care 2", "in_care", 0.9),
    ("T41", "Leaving Care", "leaving_care", 0.6),
    ("T51", "Adoption and Permanence", "adoption", 0.3),
)
ROOT_TEAM = ("T01", "Children's Social Care")


@dataclass(slots=True)
class Child:
    person_id: str
    dob: int
    sex: str
    postcode: str
    age18: int  # 18th birthday
    uasc: bool = False
    wants_care: bool = False
    cared_for: bool = False
    cp_plans: int = 0
    # The latest end of anything recorded for the child (the next referral starts after it).
    busy_until: int = 0


@dataclass
class Context:
    rng: random.Random
    sink: Sink
    today: int
    start: int
    pools: Pools
    dirty_rate: float = 0.0
    stats: Counter[str] = field(default_factory=Counter)
    _counters: Counter[str] = field(default_factory=Counter)
    workers: dict[str, list[str]] = field(default_factory=dict)  # team id -> professional ids
    teams_of_kind: dict[str, list[str]] = field(default_factory=dict)

    def new_id(self, prefix: str) -> str:
        """Ids of at most 20 letters and digits (CIN rules 1570/1580), unique per prefix."""
        self._counters[prefix] += 1
        return f"{prefix}{self._counters[prefix]:07d}"

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def between(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def team(self, kind: str) -> str:
        return self.rng.choice(self.teams_of_kind[kind])

    def worker(self, team: str) -> str:
        return self.rng.choice(self.workers[team])

    def allocate(self, child: Child, referral_id: str, segments: list[tuple[str, int, int | None]]) -> None:
        """ssd_involvements: the allocated social worker through a referral, team by team.

        `segments` are (team, start, end or None while open), contiguous. Within a team the worker
        changes every few months; each involvement carries the reason it began (FCONTA for the first
        allocation of a referral, TSPROC for a move to another team, else a reason for a change)."""
        reason = "FCONTA"
        for team, seg_start, seg_end in segments:
            begin = seg_start
            while True:
                stop = begin + self.between(90, 420)
                last = (seg_end is None and stop > self.today) or (seg_end is not None and stop >= seg_end)
                end = seg_end if last else stop
                self.sink.write(
                    "ssd_involvements",
                    {
                        "invo_involvements_id": self.new_id("INV"),
                        "invo_professional_id": self.worker(team),
                        "invo_professional_role_id": "Allocated Social Worker",
                        "invo_professional_team": team,
                        "invo_involvement_start_date": iso(begin),
                        "invo_involvement_end_date": iso(end),
                        "invo_worker_change_reason": reason,
                        "invo_person_id": child.person_id,
                        "invo_referral_id": referral_id,
                    },
                )
                if last or end is None:
                    break
                begin, reason = end, SW_CHANGE.draw(self.rng)
            reason = "TSPROC"


def write_workforce(ctx: Context, children: int) -> None:
    """ssd_department and ssd_professionals, sized to the city (about 12 workers per 1,000 children)."""
    sink, rng, pools = ctx.sink, ctx.rng, ctx.pools
    sink.write(
        "ssd_department",
        {"dept_team_id": ROOT_TEAM[0], "dept_team_name": ROOT_TEAM[1]},
    )
    number = 0
    for team_id, name, kind, per_thousand in TEAMS:
        sink.write(
            "ssd_department",
            {
                "dept_team_id": team_id,
                "dept_team_name": name,
                "dept_team_parent_id": ROOT_TEAM[0],
                "dept_team_parent_name": ROOT_TEAM[1],
            },
        )
        ctx.teams_of_kind.setdefault(kind, []).append(team_id)
        staff = max(3, round(children * per_thousand / 1000))
        ctx.workers[team_id] = []
        for index in range(staff):
            number += 1
            professional_id = f"SW{number:06d}"
            female = rng.random() < 0.8
            given = (pools.female if female else pools.male).draw(rng)
            title = "Team Manager" if index == 0 else ("Personal Adviser" if kind == "leaving_care" else
                     rng.choice(("Social Worker", "Social Worker", "Senior Practitioner")))  # fmt: skip
            sink.write(
                "ssd_professionals",
                {
                    "prof_professional_id": professional_id,
                    "prof_staff_id": f"E{number:06d}",
                    "prof_professional_name": f"{given} {pools.surnames.draw(rng)}",
                    "prof_social_worker_registration_no": f"SW{rng.randint(10000, 199999)}",
                    "prof_professional_job_title": title,
                    "prof_professional_caseload": rng.randint(8, 22),
                    # SSD: the department's name ("e.g. 'Youth Support Team West'"), not its id.
                    "prof_professional_department": name,
                    "prof_full_time_equivalency": rng.choice((1.0, 1.0, 1.0, 0.8, 0.6)),
                    "prof_agency_worker_flag": "Y" if rng.random() < 0.15 else "N",
                },
            )
            ctx.workers[team_id].append(professional_id)
    assert set(ctx.teams_of_kind) == set(TEAM_KINDS)
