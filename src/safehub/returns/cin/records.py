"""The census as plain values: what the builder reads from the record, what `xml` writes.

Every field is already in census terms (codes from `codes`, dates clipped to the period), so the
writer only has to put them in the XSD's order. None means "leave the element out".
"""

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID


@dataclass(frozen=True)
class DataProblem:
    """A value the record holds that the census cannot carry: the child is still in the return,
    the value is left out, and this says what to fix (the UI lists these beside the validator's)."""

    person_id: UUID
    child_id: str
    field: str  # the census element, e.g. "ReferralSource"
    value: str
    message: str


@dataclass(frozen=True)
class AssessmentRow:
    started: date
    authorised: date | None
    factors: tuple[str, ...]


@dataclass(frozen=True)
class CinPlanRow:
    started: date
    ended: date | None


@dataclass(frozen=True)
class Section47Row:
    started: date
    icpc_target: date | None
    icpc_held: date | None
    icpc_not_required: bool


@dataclass(frozen=True)
class CpPlanRow:
    started: date
    ended: date | None
    initial_category: str | None
    latest_category: str | None
    previous_plans: int
    reviews: tuple[date, ...]


@dataclass
class EpisodeRow:
    referral_date: date
    source: str | None
    primary_need: str | None
    closed: date | None
    closure_reason: str | None
    # An initial (or transfer-in) conference not held as the end of a section 47 in this episode.
    initial_cpc: date | None
    nfa: bool
    assessments: list[AssessmentRow] = field(default_factory=list)
    cin_plans: list[CinPlanRow] = field(default_factory=list)
    section47s: list[Section47Row] = field(default_factory=list)
    cp_plans: list[CpPlanRow] = field(default_factory=list)


@dataclass
class ChildRow:
    person_id: UUID
    child_id: str
    upn: str | None
    former_upn: str | None
    upn_unknown: str | None
    birth_date: date | None
    expected_birth_date: date | None
    sex: str
    death_date: date | None
    ethnicity: str | None
    disabilities: tuple[str, ...]
    episodes: list[EpisodeRow] = field(default_factory=list)


@dataclass(frozen=True)
class Header:
    year: int
    reference_date: date
    la_code: str
    software_code: str
    release: str
    serial_no: str
    produced_at: str  # xs:dateTime text, e.g. 2026-04-20T09:30:00
