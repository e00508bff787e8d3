"""Build the SSDA903 tables for a collection year from the record of care (ADR 0006, decision 6).

Nothing here is typed in: episodes come from `looked_after.episodes.derive_episodes`, OC2 from
`oc2_summary`, OC3 from `oc3_row`, AD1 and PlacedAdoption from the permanence selectors, social
worker episodes from casework allocations. A value the record holds that is not a DfE code is
left out and reported as a `DataProblem`, so the return never carries a code the DfE refuses.

The reads are statutory and in bulk: no policy scope, and no audit here. The caller audits the
production once, naming every child (`produced_return_save`, R27).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, Q

from safehub.casework.timescales import add_months
from safehub.looked_after.constants import PermanenceOrderKind
from safehub.looked_after.episodes import Episode, derive_episodes
from safehub.looked_after.models import LookedAfterPeriod, UascStatus
from safehub.looked_after.selectors.care_record import oc2_summary
from safehub.looked_after.selectors.permanence import ad1_row, placed_adoption_rows
from safehub.people.constants import IdentifierKind, Sex
from safehub.people.models import Person, PersonIdentifier, Relationship

from ..identity import child_ids_for
from .leavers import oc3_rows
from .postcodes import episode_postcodes
from .scope import CollectionYear, age_on, continuously_looked_after, episodes_in_year
from .social_workers import sw_episode_rows
from .tables import HEADERS, DataProblem, checked
from .uasc import ever_uasc, uasc_ceases_on, uasc_in_year

Row = dict[str, Any]
SEX_CODES: dict[str, str] = {Sex.MALE: "M", Sex.FEMALE: "F", Sex.UNKNOWN: "U", Sex.UNBORN: "U"}
# A child under five at 31 March who has no UPN yet: UN1 ("aged under 6 and not yet assigned a
# UPN"); rule 209 refuses UN1 for a child of school age, so older children are reported as problems.
UN1_UNDER = 5


@dataclass
class Ssda903Build:
    year: int
    tables: dict[str, list[Row]]
    person_ids: list[UUID]
    problems: list[DataProblem] = field(default_factory=list)


def build_903(year: int) -> tuple[dict[str, list[Row]], list[UUID]]:
    """The 903 tables for collection year `year` (1 April year-1 to 31 March year), and the people."""
    built = build_903_return(year)
    return built.tables, built.person_ids


def build_903_return(year: int) -> Ssda903Build:
    """The tables, the people named and the data problems found, for collection year `year`."""
    cy = CollectionYear(year)
    periods = _periods(cy)
    episodes_by_person: dict[UUID, list[tuple[LookedAfterPeriod, list[Episode]]]] = defaultdict(list)
    for period in periods:
        episodes = episodes_in_year(
            derive_episodes(period, list(period.legal_statuses.all()), list(period.placements.all())), cy
        )
        if episodes:
            episodes_by_person[period.person_id].append((period, episodes))
    leavers = oc3_rows(cy)
    people = {p.pk: p for p in (period.person for period in periods)}
    people.update({row.person.pk: row.person for row in leavers})
    ids = child_ids_for(people)
    problems: list[DataProblem] = []
    tables: dict[str, list[Row]] = {name: [] for name in HEADERS if name != "DoLo"}

    motherhood = _first_child_born(list(episodes_by_person))
    upns = _upns(list(people))
    uasc = {u.person_id: u for u in UascStatus.objects.filter(person_id__in=list(episodes_by_person))}
    for person_id in sorted(people, key=lambda pk: ids[pk]):
        person, child = people[person_id], ids[person_id]
        looked_after = person_id in episodes_by_person
        tables["Header"].append(
            _header(person, child, cy, looked_after, motherhood.get(person_id), upns.get(person_id), problems)
        )
        if not looked_after:
            continue
        child_periods = episodes_by_person[person_id]
        all_episodes = [e for _, eps in child_periods for e in eps]
        status = uasc.get(person_id)
        for period, eps in child_periods:
            places = episode_postcodes(eps, child=child, uasc=ever_uasc(status, cy), problems=problems)
            tables["Episodes"].extend(
                _episode_row(child, e, home, place, problems)
                for e, (home, place) in zip(eps, places, strict=True)
            )
            _period_tables(tables, period, child, person.date_of_birth, cy, problems)
        if status is not None and uasc_in_year(status, person.date_of_birth, cy):
            tables["UASC"].append(
                {
                    "CHILD": child,
                    "SEX": _sex(person),
                    "DOB": person.date_of_birth,
                    "DUC": uasc_ceases_on(person.date_of_birth),
                }
            )
        last_period = child_periods[-1][0]
        if continuously_looked_after(all_episodes, cy):
            tables["OC2"].append(_oc2(last_period, child, person.date_of_birth, cy, problems))
    for row in leavers:
        tables["OC3"].append(_oc3(row.values, ids[row.person.pk], row.person.date_of_birth, problems))
        if not row.contacted:
            problems.append(
                DataProblem(
                    ids[row.person.pk],
                    "OC3",
                    "IN_TOUCH",
                    "NO",
                    f"No contact is recorded around the birthday of {row.birthday:%d/%m/%Y}: reported as not in touch.",
                )
            )
    tables["SWEpisodes"] = sw_episode_rows(
        cy, {pk: (ids[pk], people[pk].date_of_birth) for pk in episodes_by_person}, problems
    )
    for rows in tables.values():
        rows.sort(key=lambda r: tuple(_sort_key(r.get(c)) for c in ("CHILD", *_date_columns(r))))
    return Ssda903Build(year, tables, sorted(people, key=lambda pk: ids[pk]), problems)


def _periods(cy: CollectionYear) -> list[LookedAfterPeriod]:
    """Every period of care that overlaps the year, oldest first, with what the tables read."""
    return list(
        LookedAfterPeriod.objects.filter(started_on__lte=cy.end, person__merged_into__isnull=True)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=cy.start))
        .select_related("person")
        .prefetch_related(
            "legal_statuses",
            "placements",
            "reviews",
            "missing_episodes",
            "adoption_decisions",
            Prefetch("orders"),
        )
        .order_by("person_id", "started_on")
    )


def _sex(person: Person) -> str:
    return SEX_CODES.get(person.sex, "U")


def _first_child_born(person_ids: list[UUID]) -> dict[UUID, date]:
    """Mother -> the first child's date of birth, from "A parent of B" relationships."""
    born: dict[UUID, date] = {}
    rows = Relationship.objects.filter(person_a_id__in=person_ids, kind="parent").values_list(
        "person_a_id", "person_b__date_of_birth"
    )
    for mother, dob in rows:
        if dob is not None and (mother not in born or dob < born[mother]):
            born[mother] = dob
    return born


def _upns(person_ids: list[UUID]) -> dict[UUID, str]:
    rows = PersonIdentifier.objects.filter(
        person_id__in=person_ids, kind=IdentifierKind.UPN, removed_at__isnull=True, valid=True
    ).values_list("person_id", "value")
    return dict(rows)


def _header(
    person: Person,
    child: str,
    cy: CollectionYear,
    looked_after: bool,
    first_child_born: date | None,
    upn: str | None,
    problems: list[DataProblem],
) -> Row:
    dob = person.date_of_birth
    if dob is None:
        problems.append(DataProblem(child, "Header", "DOB", "", "The date of birth is not recorded."))
    if not upn and dob is not None and age_on(dob, cy.end) < UN1_UNDER:
        upn = "UN1"
    if not upn and looked_after:
        problems.append(DataProblem(child, "Header", "UPN", "", "The Unique Pupil Number is not recorded."))
    sex = _sex(person)
    row: Row = {
        "CHILD": child,
        "SEX": sex,
        "DOB": dob,
        "ETHNIC": checked(person.ethnicity, "ETHNIC", child=child, table="Header", problems=problems),
        "UPN": upn or "",
        "MOTHER": "",
        "MC_DOB": None,
    }
    # Motherhood is asked of girls looked after in the year (rules 393, 607), never of care
    # leavers seen only in OC3 (rule 628).
    if looked_after and sex == "F":
        mother = first_child_born is not None and (dob is None or first_child_born > dob)
        row["MOTHER"] = int(mother)
        row["MC_DOB"] = first_child_born if mother else None
    return row


def _episode_row(child: str, e: Episode, home: str, place: str, problems: list[DataProblem]) -> Row:
    """One Episodes row; `home` and `place` are HOME_POST and PL_POST as `episode_postcodes` gives them."""

    def code(value: str, name: str) -> str:
        return checked(value, name, child=child, table="Episodes", problems=problems)

    return {
        "CHILD": child,
        "DECOM": e.decom,
        "RNE": code(e.rne, "RNE"),
        "LS": code(e.legal_status, "LS"),
        "CIN": code(e.need, "CIN"),
        "PLACE": code(e.placement_type, "PLACE"),
        "PLACE_PROVIDER": code(e.provider, "PLACE_PROVIDER"),
        "DEC": e.dec,
        "REC": code(e.rec, "REC"),
        "REASON_PLACE_CHANGE": code(e.reason_place_change, "REASON_PLACE_CHANGE"),
        "HOME_POST": home,
        "PL_POST": place,
        "URN": e.urn,
    }


def _period_tables(
    tables: dict[str, list[Row]],
    period: LookedAfterPeriod,
    child: str,
    dob: date | None,
    cy: CollectionYear,
    problems: list[DataProblem],
) -> None:
    """Reviews, Missing, PlacedAdoption, AD1 and PrevPerm rows of one period, for the year."""
    for review in period.reviews.all():
        if cy.holds(review.held_on):
            code = checked(
                review.participation, "REVIEW_CODE", child=child, table="Reviews", problems=problems
            )
            tables["Reviews"].append(
                {"CHILD": child, "DOB": dob, "REVIEW": review.held_on, "REVIEW_CODE": code}
            )
    for missing in period.missing_episodes.all():
        if cy.overlaps(missing.started_on, missing.ended_on):
            end = missing.ended_on if missing.ended_on is not None and missing.ended_on <= cy.end else None
            kind = checked(missing.kind, "MISSING", child=child, table="Missing", problems=problems)
            tables["Missing"].append(
                {"CHILD": child, "DOB": dob, "MISSING": kind, "MIS_START": missing.started_on, "MIS_END": end}
            )
    if list(period.adoption_decisions.all()):
        for row in placed_adoption_rows(period):
            if row["DATE_PLACED"] > cy.end:
                continue
            ceased = row["DATE_PLACED_CEASED"]
            if ceased is not None and ceased > cy.end:
                ceased, reason = None, ""
            else:
                reason = checked(
                    row["REASON_PLACED_CEASED"],
                    "REASON_PLACED_CEASED",
                    child=child,
                    table="PlacedAdoption",
                    problems=problems,
                )
            tables["PlacedAdoption"].append(
                {**row, "CHILD": child, "DATE_PLACED_CEASED": ceased, "REASON_PLACED_CEASED": reason}
            )
    adopted = [
        o for o in period.orders.all() if o.kind == PermanenceOrderKind.ADOPTION and cy.holds(o.made_on)
    ]
    if adopted and period.ended_on is not None and cy.holds(period.ended_on):
        ad1 = ad1_row(period)
        if ad1 is not None:
            tables["AD1"].append(_ad1(ad1, child, problems))
    if cy.holds(period.started_on) and not period.previous_permanence:
        # Rule 630: every child who started to be looked after in the year has a PrevPerm row.
        problems.append(
            DataProblem(
                child,
                "PrevPerm",
                "PREV_PERM",
                "",
                "The permanence before this period of care is not recorded.",
            )
        )
    if cy.holds(period.started_on) and period.previous_permanence:
        tables["PrevPerm"].append(
            {
                "CHILD": child,
                "DOB": dob,
                "PREV_PERM": checked(
                    period.previous_permanence, "PREV_PERM", child=child, table="PrevPerm", problems=problems
                ),
                "LA_PERM": period.previous_permanence_la,
                "DATE_PERM": period.previous_permanence_on,
            }
        )


def _ad1(row: Row, child: str, problems: list[DataProblem]) -> Row:
    out = {**row, "CHILD": child}
    for name in ("NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"):
        out[name] = checked(row[name], name, child=child, table="AD1", problems=problems)
    return out


def _oc2(
    period: LookedAfterPeriod, child: str, dob: date | None, cy: CollectionYear, problems: list[DataProblem]
) -> Row:
    """The OC2 row, with the items the DfE does not ask of the child left blank: convictions
    under 10 (rule 542), the development check from 5 (546), the two intervention items when no
    substance misuse was identified (193). An SDQ is due from the 4th to the 17th birthday
    (186, 197B): a score or a reason missing is reported for the record to be completed."""
    summary = oc2_summary(period, cy.end)
    row: Row = {"CHILD": child, "DOB": dob, **summary}
    row["SDQ_REASON"] = checked(
        summary["SDQ_REASON"], "SDQ_REASON", child=child, table="OC2", problems=problems
    )
    if row["SDQ_SCORE"] is not None:
        row["SDQ_REASON"] = ""
    if not row["SUBSTANCE_MISUSE"]:
        row["INTERVENTION_RECEIVED"] = row["INTERVENTION_OFFERED"] = None
    elif row["INTERVENTION_RECEIVED"]:
        # Offered is asked only when none was received (rule 158).
        row["INTERVENTION_OFFERED"] = None
    if dob is not None:
        age = age_on(dob, cy.end)
        if age < 10:
            row["CONVICTED"] = None
        if age >= 5:
            row["HEALTH_CHECK"] = None
        sdq_due = add_months(dob, 48) <= cy.end and add_months(dob, 12 * 17) >= cy.start
        if sdq_due and row["SDQ_SCORE"] is None and not row["SDQ_REASON"]:
            problems.append(
                DataProblem(
                    child, "OC2", "SDQ_SCORE", "", "No SDQ score or reason for none is recorded in the year."
                )
            )
    return row


# Not in touch, refused contact, no longer needs services: activity and accommodation are not
# known, which the DfE codes as 0 (rules 132, 133, 153 want all three or none). DIED and RHOM
# carry none (rule 344), so they are left as recorded.
NOT_KNOWN_WHEN = frozenset({"NO", "REFU", "NREQ"})


def _oc3(values: dict[str, str], child: str, dob: date | None, problems: list[DataProblem]) -> Row:
    row: Row = {"CHILD": child, "DOB": dob}
    for name in ("IN_TOUCH", "ACTIV", "ACCOM"):
        row[name] = checked(values.get(name, ""), name, child=child, table="OC3", problems=problems)
    if row["IN_TOUCH"] in NOT_KNOWN_WHEN:
        row["ACTIV"] = row["ACTIV"] or "0"
        row["ACCOM"] = row["ACCOM"] or "0"
    return row


def _date_columns(row: Row) -> tuple[str, ...]:
    for name in ("DECOM", "REVIEW", "MIS_START", "DATE_PLACED", "SW_DECOM"):
        if name in row:
            return (name,)
    return ()


def _sort_key(value: Any) -> tuple[int, str]:
    if isinstance(value, date):
        return (0, value.isoformat())
    return (0, "" if value is None else str(value))
