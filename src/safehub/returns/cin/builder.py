"""Build the CIN census for a collection year from the record (ADR 0006, decision 6).

`build_cin_census(year)` gives the XML and the people in it; `census_build(year)` also gives the
data problems: values the record holds that the DfE lists do not, which are left out of the file
(never written, never guessed) and listed so an analyst can fix them at source.
"""

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import partial
from importlib import metadata
from typing import Any
from uuid import UUID

from django.conf import settings
from django.utils import timezone

from safehub.child_protection.models import (
    Assessment,
    ChildInNeedPlan,
    ChildProtectionPlan,
    Conference,
    Referral,
    Section47Enquiry,
)
from safehub.people.constants import DisabilityCode, IdentifierKind
from safehub.people.models import Person, PersonDisability, PersonIdentifier
from safehub.platform import clock

from ..constants import ReturnKind
from ..identity import child_ids_for
from ..models import ProducedReturn
from . import codes
from .episodes import episode_row
from .records import ChildRow, DataProblem, Header
from .scope import CensusPeriod, referrals_in_scope
from .xml import census_xml

# The XSD's UPN patterns; the check letter is the validator's business (rules 1510-1550).
UPN_PATTERN = re.compile(r"^[A-Za-z]\d{12}$|^[A-Za-z]\d{11}[A-Za-z]$")
# Children read per round of queries: keeps each IN (...) list well inside SQLite's limits.
CHUNK = 500


@dataclass(frozen=True)
class CinCensus:
    xml: bytes
    person_ids: list[UUID]
    problems: list[DataProblem]
    period: CensusPeriod


def build_cin_census(year: int, *, as_of: date | None = None) -> tuple[bytes, list[UUID]]:
    """The census XML for the collection ending 31 March `year`, and the people it names."""
    census = census_build(year, as_of=as_of)
    return census.xml, census.person_ids


def census_build(year: int, *, as_of: date | None = None) -> CinCensus:
    period = CensusPeriod.for_year(year, as_of=as_of)
    la_code = (settings.SAFEHUB_LA_OLD_CODE or "").strip()
    if not re.fullmatch(r"\d{3}", la_code):
        raise ValueError(
            "SAFEHUB_LA_OLD_CODE must be the council's three-digit DfE code (e.g. 852), "
            f"not {la_code!r}: the census header's LEA needs it."
        )
    children, problems = _children(period)
    header = Header(
        year=year,
        reference_date=period.reference_date,
        la_code=la_code,
        software_code=settings.SAFEHUB_RETURNS_SOFTWARE_CODE,
        release=_release(),
        serial_no=f"{ProducedReturn.objects.filter(kind=ReturnKind.CIN, year=year).count() + 1:03d}",
        produced_at=timezone.localtime(clock.now()).strftime("%Y-%m-%dT%H:%M:%S"),
    )
    return CinCensus(
        xml=census_xml(header, children),
        person_ids=[child.person_id for child in children],
        problems=problems,
        period=period,
    )


def _release() -> str:
    try:
        return metadata.version("safehub")
    except metadata.PackageNotFoundError:  # running from a checkout that was never installed
        return "0"


def _children(period: CensusPeriod) -> tuple[list[ChildRow], list[DataProblem]]:
    scope = list(referrals_in_scope(period).values_list("pk", "person_id"))
    survivor = _survivors({person_id for _, person_id in scope})
    referrals_of: dict[UUID, list[UUID]] = defaultdict(list)
    for referral_id, person_id in scope:
        referrals_of[survivor[person_id]].append(referral_id)
    child_ids = child_ids_for(referrals_of)
    # Ordered by return id, so the file is the same for the same record.
    ordered = sorted(referrals_of, key=lambda person_id: child_ids[person_id])
    children: list[ChildRow] = []
    problems: list[DataProblem] = []
    for chunk in _chunks(ordered, CHUNK):
        children.extend(_chunk_rows(chunk, {p: referrals_of[p] for p in chunk}, child_ids, period, problems))
    return children, problems


def _survivors(person_ids: set[UUID]) -> dict[UUID, UUID]:
    """person id -> the record they were merged into (themselves if not merged), following chains."""
    parent: dict[UUID, UUID | None] = {}
    wanted = set(person_ids)
    while wanted:
        rows = Person.objects.filter(pk__in=wanted).values_list("pk", "merged_into_id")
        parent.update(rows)
        wanted = {m for _, m in rows if m is not None and m not in parent}
    result = {}
    for person_id in person_ids:
        current = person_id
        seen = {current}
        while (nxt := parent.get(current)) is not None and nxt not in seen:
            seen.add(nxt)
            current = nxt
        result[person_id] = current
    return result


def _chunks(items: list[UUID], size: int) -> Iterator[list[UUID]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _grouped(rows: Iterable[Any], key: str) -> dict[Any, list[Any]]:
    grouped: dict[Any, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return grouped


def _chunk_rows(
    people: list[UUID],
    referral_ids: dict[UUID, list[UUID]],
    child_ids: dict[UUID, str],
    period: CensusPeriod,
    problems: list[DataProblem],
) -> list[ChildRow]:
    all_referrals = [r for ids in referral_ids.values() for r in ids]
    persons = Person.objects.in_bulk(people)
    # Records merged into these children: their plans count as previous plans of the survivor.
    absorbed = dict(Person.objects.filter(merged_into__in=people).values_list("pk", "merged_into_id"))
    referrals = Referral.objects.in_bulk(all_referrals)
    assessments = _grouped(Assessment.objects.filter(referral_id__in=all_referrals), "referral_id")
    cin_plans = _grouped(ChildInNeedPlan.objects.filter(referral_id__in=all_referrals), "referral_id")
    enquiries = _grouped(Section47Enquiry.objects.filter(referral_id__in=all_referrals), "referral_id")
    conferences = _grouped(Conference.objects.filter(referral_id__in=all_referrals), "referral_id")
    cp_plans = _grouped(ChildProtectionPlan.objects.filter(referral_id__in=all_referrals), "referral_id")
    plan_starts: dict[UUID, list[date]] = defaultdict(list)
    for person_id, started_on in ChildProtectionPlan.objects.filter(
        person_id__in=[*people, *absorbed]
    ).values_list("person_id", "started_on"):
        plan_starts[absorbed.get(person_id, person_id)].append(started_on)
    # (census child, kind) -> their identifiers, newest first; an absorbed record's count as the survivor's.
    identifiers: dict[tuple[UUID, str], list[PersonIdentifier]] = defaultdict(list)
    for identifier in PersonIdentifier.objects.filter(
        person_id__in=[*people, *absorbed],
        kind__in=[IdentifierKind.UPN, IdentifierKind.FORMER_UPN],
        removed_at__isnull=True,
        valid=True,
    ).order_by("-created_at", "value"):
        identifiers[(absorbed.get(identifier.person_id, identifier.person_id), identifier.kind)].append(
            identifier
        )
    # (census child) -> their current disability codes; an absorbed record's count as the survivor's.
    disabilities: dict[UUID, set[str]] = defaultdict(set)
    for person_id, code in PersonDisability.objects.filter(
        person_id__in=[*people, *absorbed], removed_at__isnull=True
    ).values_list("person_id", "code"):
        disabilities[absorbed.get(person_id, person_id)].add(code)
    rows = []
    for person_id in people:
        person = persons[person_id]
        child_id = child_ids[person_id]

        def report(field: str, value: str, message: str, _p: UUID = person_id, _c: str = child_id) -> None:
            problems.append(DataProblem(_p, _c, field, value, message))

        starts = sorted(plan_starts[person_id])
        child = _child_row(
            person, child_id, period, identifiers, census_disabilities(disabilities[person_id]), report
        )
        for referral in sorted(
            (referrals[r] for r in referral_ids[person_id]), key=lambda r: (r.referral_date, r.created_at)
        ):
            child.episodes.append(
                episode_row(
                    referral,
                    period=period,
                    assessments=assessments.get(referral.pk, []),
                    cin_plans=cin_plans.get(referral.pk, []),
                    enquiries=enquiries.get(referral.pk, []),
                    conferences=conferences.get(referral.pk, []),
                    cp_plans=cp_plans.get(referral.pk, []),
                    # Plans that started before a day: the census's NumberOfPreviousCPP.
                    earlier_plan_starts=partial(bisect_left, starts),
                    report=report,
                )
            )
        child.upn_unknown = _upn_unknown(child, period)
        rows.append(child)
    return rows


def _child_row(
    person: Person,
    child_id: str,
    period: CensusPeriod,
    identifiers: dict[tuple[UUID, str], list[PersonIdentifier]],
    disabilities: tuple[str, ...],
    report: Any,
) -> ChildRow:
    identifier_field: dict[str, str] = {IdentifierKind.UPN: "UPN", IdentifierKind.FORMER_UPN: "FormerUPN"}

    def own(kind: str) -> str | None:
        """The newest well-formed identifier of `kind`; malformed ones are reported, never sent."""
        for identifier in identifiers.get((person.pk, kind), []):
            value = identifier.value.strip().upper()
            if UPN_PATTERN.match(value):
                return value
            report(
                identifier_field[kind],
                identifier.value,
                "Not a UPN: a letter and 12 digits, or 11 digits and a letter.",
            )
        return None

    # Born by the reference date, the child is counted as born; otherwise as unborn (8520, 8750).
    born = person.date_of_birth is not None and person.date_of_birth <= period.reference_date
    expected = None if born else (person.expected_date_of_birth or person.date_of_birth)
    sex = codes.SEX_FROM_PERSON.get(person.sex)
    if sex is None:
        report("Sex", person.sex, f"{person.sex!r} is not a sex Safehub knows; sent as U (unknown).")
        sex = codes.SEX_UNKNOWN
    ethnicity = (person.ethnicity or "").strip().upper()
    if not ethnicity:
        ethnicity_code: str | None = codes.ETHNICITY_NOT_OBTAINED
    elif ethnicity in codes.ETHNICITY:
        ethnicity_code = ethnicity
    else:
        report(
            "Ethnicity", person.ethnicity, f"{person.ethnicity!r} is not an ethnicity code in the DfE list."
        )
        ethnicity_code = None
    upn = own(IdentifierKind.UPN)
    former = own(IdentifierKind.FORMER_UPN)
    return ChildRow(
        person_id=person.pk,
        child_id=child_id,
        upn=upn,
        former_upn=former if former != upn else None,
        upn_unknown=None,
        birth_date=person.date_of_birth if born else None,
        expected_birth_date=expected,
        sex=sex if born else codes.SEX_UNKNOWN,
        death_date=period.happened(person.date_of_death),
        ethnicity=ethnicity_code,
        disabilities=disabilities,
    )


def census_disabilities(codes: set[str]) -> tuple[str, ...]:
    """The <Disability> codes to send: sorted, each once (8794), NONE only alone (8790).

    Nothing recorded sends nothing: the element is optional in the schema, and a "NONE" nobody
    recorded would tell the DfE the child was asked. A NONE beside a disability can only come from
    merged records (the service refuses it on one record); the disability is what is known.
    """
    real = sorted(codes - {DisabilityCode.NONE})
    if real:
        return tuple(real)
    return (DisabilityCode.NONE.value,) if DisabilityCode.NONE in codes else ()


def _upn_unknown(child: ChildRow, period: CensusPeriod) -> str | None:
    """Why there is no UPN, where the record itself says so; otherwise left for the analyst (8770Q)."""
    if child.upn:
        return None
    if child.birth_date is None or child.birth_date > codes.school_age_cut_off(period.year):
        return codes.UPN_NOT_SCHOOL_AGE
    if child.episodes and all(episode.nfa for episode in child.episodes):
        return codes.UPN_REFERRAL_NFA
    return None
