"""Annex A lists 1-5: contacts, early help, referrals, assessments, section 47 enquiries."""

from collections import Counter
from datetime import datetime, time

from django.utils import timezone

from safehub.child_protection.constants import (
    AssessmentOutcome,
    ConferenceDecision,
    ConferenceKind,
    Section47Outcome,
)
from safehub.child_protection.models import Assessment, Conference, Referral, Section47Enquiry
from safehub.front_door.constants import CHILD_ROLES
from safehub.front_door.models import ContactSubject

from .common import TEAM_WORKER, Allocations, AnnexList, Windows, child_cells, child_headers, yes_no

# An authorised assessment with one of these outcomes found the child needs children's social care.
_NEEDS_SUPPORT = frozenset(
    {
        AssessmentOutcome.CIN_PLAN,
        AssessmentOutcome.STRATEGY,
        AssessmentOutcome.LOOKED_AFTER,
        AssessmentOutcome.OTHER,
    }
)


def list_1_contacts(w: Windows) -> AnnexList:
    sheet = AnnexList(1, "Contacts", [*child_headers(disability=False), "Date of Contact", "Contact Source"])
    start = timezone.make_aware(datetime.combine(w.six_months, time.min))
    end = timezone.make_aware(datetime.combine(w.as_at, time.max))
    subjects = (
        ContactSubject.objects.filter(
            role__in=CHILD_ROLES, contact__received_at__gte=start, contact__received_at__lte=end
        )
        .select_related("contact", "person")
        .order_by("contact__received_at", "contact__reference")
    )
    unmatched = 0
    for subject in subjects:
        if subject.person is None:
            unmatched += 1
            continue
        received = timezone.localtime(subject.contact.received_at).date()
        sheet.rows.append(
            [
                *child_cells(subject.person, w.as_at, disability=False),
                received,
                subject.contact.referral_source,
            ]
        )
        sheet.person_ids.add(subject.person.pk)
    if unmatched:
        # Not silently dropped: a child not yet found in the index has no return id to list.
        sheet.notes.append(
            f"{unmatched} child subject(s) of contacts in the window are not yet matched to a "
            "child's record, so have no Child Unique ID and are not listed."
        )
    return sheet


def list_2_early_help(w: Windows) -> AnnexList:
    sheet = AnnexList(
        2,
        "Early help",
        [
            *child_headers(disability=False),
            "Assessment start date",
            "Assessment completion date",
            "Organisation completing assessment",
        ],
    )
    # Early help is not recorded in Safehub yet (issue 9): the sheet says so instead of looking empty.
    sheet.notes.append("No early help records held yet.")
    return sheet


def _referrals_per_person(w: Windows, person_ids: set) -> Counter:
    dates = Referral.objects.filter(
        person_id__in=person_ids, referral_date__gte=w.twelve_months, referral_date__lte=w.as_at
    ).values_list("person_id", flat=True)
    return Counter(dates)


def list_3_referrals(w: Windows) -> AnnexList:
    sheet = AnnexList(
        3,
        "Referrals",
        [
            *child_headers(disability=False),
            "Date of referral",
            "Referral Source",
            "Referral NFA?",
            "Number of Referrals in Last 12 Months",
            *TEAM_WORKER,
        ],
    )
    referrals = list(
        Referral.objects.filter(referral_date__gte=w.six_months, referral_date__lte=w.as_at)
        .select_related("person", "involvement__team", "involvement__worker")
        .order_by("referral_date", "pk")
    )
    counts = _referrals_per_person(w, {r.person_id for r in referrals})
    allocations = Allocations([r.involvement for r in referrals], w.as_at)
    for referral in referrals:
        sheet.rows.append(
            [
                *child_cells(referral.person, w.as_at, disability=False),
                referral.referral_date,
                referral.source,
                yes_no(referral.nfa),
                counts[referral.person_id],
                *allocations.cells(referral.involvement_id),
            ]
        )
        sheet.person_ids.add(referral.person_id)
    return sheet


def list_4_assessments(w: Windows) -> AnnexList:
    sheet = AnnexList(
        4,
        "Assessments",
        [
            *child_headers(disability=True),
            "Continuous Assessment Start Date",
            "Child Seen During Continuous Assessment",
            "Continuous Assessment Date of Authorisation",
            "Was the child assessed as requiring LA children's social care support?",
            *TEAM_WORKER,
        ],
    )
    assessments = [
        a
        for a in Assessment.objects.filter(started_on__lte=w.as_at)
        .select_related("referral__person", "referral__involvement__team", "referral__involvement__worker")
        .order_by("started_on", "pk")
        if w.in_six(a.started_on) or w.in_six(a.authorised_on)
    ]
    allocations = Allocations([a.referral.involvement for a in assessments], w.as_at)
    for assessment in assessments:
        authorised = w.known(assessment.authorised_on)
        needs = (assessment.outcome in _NEEDS_SUPPORT) if authorised and assessment.outcome else None
        seen = w.known(assessment.child_seen_on)
        sheet.rows.append(
            [
                *child_cells(assessment.referral.person, w.as_at, disability=True),
                assessment.started_on,
                yes_no(seen is not None),
                authorised,
                yes_no(needs),
                *allocations.cells(assessment.referral.involvement_id),
            ]
        )
        sheet.person_ids.add(assessment.referral.person_id)
    return sheet


def list_5_section_47(w: Windows) -> AnnexList:
    sheet = AnnexList(
        5,
        "Section 47",
        [
            *child_headers(disability=True),
            "Strategy discussion initiating Section 47 Enquiry Start Date",
            "Was an Initial Child Protection Conference deemed unnecessary?",
            "Date of Initial Child Protection Conference",
            "Did the Initial Child Protection Conference Result in a Child Protection Plan",
            "Number of Section 47 Enquiries in the last 12 months",
            "Number of ICPCs in the last 12 months",
            *TEAM_WORKER,
        ],
    )
    enquiries = list(
        Section47Enquiry.objects.filter(started_on__gte=w.six_months, started_on__lte=w.as_at)
        .select_related("strategy_discussion", "referral__person", "referral__involvement__team")
        .select_related("referral__involvement__worker")
        .order_by("started_on", "pk")
    )
    people = {e.referral.person_id for e in enquiries}
    s47_counts = Counter(
        Section47Enquiry.objects.filter(
            referral__person_id__in=people, started_on__gte=w.twelve_months, started_on__lte=w.as_at
        ).values_list("referral__person_id", flat=True)
    )
    initial = list(
        Conference.objects.filter(
            referral__person_id__in=people,
            kind=ConferenceKind.INITIAL,
            held_on__isnull=False,
            held_on__lte=w.as_at,
        ).values_list("referral__person_id", "section47_id", "held_on", "decision")
    )
    icpc_counts = Counter(person for person, _, held, _ in initial if held and held >= w.twelve_months)
    by_enquiry = {s47: (held, decision) for _, s47, held, decision in initial if s47}
    allocations = Allocations([e.referral.involvement for e in enquiries], w.as_at)
    for enquiry in enquiries:
        held, decision = by_enquiry.get(enquiry.pk, (None, ""))
        completed = w.known(enquiry.completed_on)
        unnecessary = None
        if completed and enquiry.outcome:
            unnecessary = enquiry.outcome != Section47Outcome.CONFERENCE
        plan = (decision == ConferenceDecision.PLAN) if held else None
        started = enquiry.strategy_discussion.held_on if enquiry.strategy_discussion else enquiry.started_on
        person = enquiry.referral.person
        sheet.rows.append(
            [
                *child_cells(person, w.as_at, disability=True),
                started,
                yes_no(unnecessary),
                held,
                yes_no(plan),
                s47_counts[person.pk],
                icpc_counts[person.pk],
                *allocations.cells(enquiry.referral.involvement_id),
            ]
        )
        sheet.person_ids.add(person.pk)
    return sheet
