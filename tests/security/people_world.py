"""The issue-3 objects a route can name (a name, an identifier, a cluster, an alert...), for the sweeps.

Built through the services where one exists, so the rows are what users would have; the review
queue, merge, alert and access-request rows are written directly because reaching them through
their services would need a trained matcher or a flagged adult's whole family.
"""

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from safehub.accounts.constants import Role
from safehub.people.constants import IdentifierKind, NameKind, RelationshipKind, RiskFlagKind


def people_world(world: dict[str, Any], make_user: Any) -> dict[str, Any]:
    from safehub.access.models import AccessRequest
    from safehub.access.tests.factories import make_person
    from safehub.people import services
    from safehub.people.models import (
        AlertRecipient,
        DedupeRun,
        DuplicateCluster,
        DuplicateClusterMember,
        FlaggedAdultAlert,
        PersonMerge,
    )
    from safehub.people.models.duplicates import MergeStatus

    actor, person, agency = world["user"], world["person"], world["agency"]
    today = date.today()
    relative = make_person(given_name="Sweepkin", family_name="Zedwood", date_of_birth=date(1985, 6, 7))
    lived_at = services.person_address_add(
        actor=actor, person=person, postcode="SW1A 1AA", line_1="1 Sweep Street", valid_from=today
    )
    household = services.household_create(actor=actor, address=lived_at.address)
    twin_a = make_person(given_name="Sweepy", family_name="Merge", date_of_birth=date(2012, 1, 2))
    twin_b = make_person(given_name="Sweepie", family_name="Merge", date_of_birth=date(2012, 1, 2))
    run = DedupeRun.objects.create(started_by=actor, started_at=timezone.now(), threshold=0.9)
    cluster = DuplicateCluster.objects.create(run=run, member_key=f"{twin_a.pk}|{twin_b.pk}")
    for member in (twin_a, twin_b):
        DuplicateClusterMember.objects.create(cluster=cluster, person=member, probability=0.97)
    alert = FlaggedAdultAlert.objects.create(adult=relative, link_kind="relationship", reason="Sweep alert")
    mash = make_user(Role.MASH_SOCIAL_WORKER, email="mash.sweep@example.test")
    return {
        "person_name": services.person_name_add(
            actor=actor, person=person, kind=NameKind.ALIAS, given_name="Swept", family_name="Zedwood"
        ),
        "person_identifier": services.person_identifier_add(
            actor=actor, person=person, kind=IdentifierKind.AGENCY_ID, value="SW-1", issuing_agency=agency
        ),
        "person_address": lived_at,
        "household": household,
        "household_member": services.household_member_add(actor=actor, household=household, person=person),
        "relationship": services.relationship_add(
            actor=actor, person_a=relative, person_b=person, kind=RelationshipKind.PARENT
        ),
        "risk_flag": services.risk_flag_add(
            actor=actor,
            person=person,
            kind=RiskFlagKind.RISK_TO_STAFF,
            source_agency=agency,
            starts_on=today,
            review_on=today + timedelta(days=90),
        ),
        "person_disability": services.person_disability_add(actor=actor, person=person, code="AUT"),
        "cluster": cluster,
        "merge": PersonMerge.objects.create(
            survivor=twin_a,
            absorbed=twin_b,
            status=MergeStatus.PENDING,
            reason="Sweep merge",
            decided_by=actor,
            decided_at=timezone.now(),
        ),
        "alert_recipient": AlertRecipient.objects.create(alert=alert, user=actor),
        "access_request": AccessRequest.objects.create(
            requester=mash,
            object_type="people.person",
            object_id=world["restricted_person"].pk,
            reason="Sweep request",
        ),
    }
