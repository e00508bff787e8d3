"""The demo city's children in care (issue 6), built through the services.

About twenty looked-after children (a small city's stories use children new to the city): entries under section 20,
interim care orders replacing it, full care orders, a police protection stay that ended with the
child home, a child placed for adoption and one adopted, a special guardianship order to former
foster carers, moves for each kind of reason (a temporary one too), placements with foster,
connected and adoptive households and in a children's home out of area; reviews and regulation 28
visits (one of each overdue), health, missing episodes with return home interviews, an
unaccompanied asylum-seeking child, brothers and sisters together and apart. Then care leavers
aged 17 to 21 with their birthday contacts (one window missed, one open), about twenty carer households in every
state, open placement requests, and a location for every demo postcode so distances show.

Every date is given to the services explicitly, and each story's events run in date order, so the
clocks, the 903 episodes and the tasks on the workers' lists are what the services derive.
Deterministic for a seed. This module holds the entry points (`load`, `wipe`, `STEPS`); the office
is in `looked_after_office`, the stories in `looked_after_stories` and `looked_after_permanence_stories` (routine of care in
`looked_after_routine`), carers and care leavers in `looked_after_leavers`.
"""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q

from safehub.accounts.models import Team, User
from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent
from safehub.looked_after.models import (
    AdoptionDecision,
    CareLeaver,
    CareLeaverContact,
    CarerHousehold,
    Conviction,
    HealthCheck,
    LegalStatus,
    LookedAfterPeriod,
    LookedAfterReview,
    MissingEpisode,
    PathwayPlanReview,
    PermanenceOrder,
    Placement,
    PlacementRequest,
    PlacementVisit,
    SdqScore,
    SiblingPlacementDecision,
    SubstanceMisuse,
    UascStatus,
)
from safehub.people.models import Person
from safehub.reference_data.models import PostcodeLocation

from . import city
from . import looked_after_stories as stories
from .looked_after_office import CareOffice
from .postcodes import seed_postcodes

# Steps `load` reports to the progress bar.
STEPS = 4


def wipe(person_ids: Iterable[uuid.UUID]) -> None:
    """Remove the demo's children in care rows before its casework and people go (`--reset`):
    they protect the involvements, the people and the households."""
    ids = list(person_ids)
    periods = LookedAfterPeriod.objects.filter(person_id__in=ids)
    period_ids = list(periods.values_list("pk", flat=True))
    demo_users = User.objects.filter(email__iendswith=f"@{city.DEMO_DOMAIN}")
    SiblingPlacementDecision.objects.filter(period_id__in=period_ids).delete()
    under: tuple[type[models.Model], ...] = (
        PermanenceOrder,
        AdoptionDecision,
        MissingEpisode,
        HealthCheck,
        SdqScore,
        SubstanceMisuse,
        Conviction,
        LookedAfterReview,
        PlacementVisit,
    )
    for model in under:
        model._default_manager.filter(period_id__in=period_ids).delete()
    UascStatus.objects.filter(person_id__in=ids).delete()
    PlacementRequest.objects.filter(Q(person_id__in=ids) | Q(recorded_by__in=demo_users)).delete()
    Placement.objects.filter(period_id__in=period_ids).delete()
    LegalStatus.objects.filter(period_id__in=period_ids).delete()
    periods.delete()
    leavers = CareLeaver.objects.filter(person_id__in=ids)
    CareLeaverContact.objects.filter(care_leaver__in=leavers).delete()
    PathwayPlanReview.objects.filter(care_leaver__in=leavers).delete()
    leavers.delete()
    # Carers go with their households (HouseholdCarer cascades); placements elsewhere are gone.
    households = CarerHousehold.objects.filter(Q(recorded_by__in=demo_users) | Q(carers__person_id__in=ids))
    CarerHousehold.objects.filter(pk__in=list(households.values_list("pk", flat=True))).delete()
    # The demo's postcodes are real places (postcodes.py), so their locations stay; only those of
    # the invented "SH" postcodes an older demo made (local authorities that do not exist) go.
    PostcodeLocation.objects.filter(local_authority__in=INVENTED_LAS).delete()


# The invented ONS codes older versions of the demo gave their "SH" postcodes.
INVENTED_LAS = ("E06000999", "E06000998", "E06000997")


def people_added() -> list[uuid.UUID]:
    """The people this module adds to the city (carers, care leavers, children new to the city):
    all recorded by the second social worker, who records nobody else in the demo. Not counted in
    `--people`, which is the size of the generated city."""
    ids = AuditEvent.objects.filter(
        verb=Verb.CREATE, object_type=Person._meta.label_lower, actor__email=city.SOCIAL_WORKER2_EMAIL
    ).values_list("object_id", flat=True)
    return [uuid.UUID(str(pk)) for pk in ids]


@dataclass(frozen=True)
class Summary:
    periods: int
    leavers: int
    households: int
    requests: int


Advance = Callable[[str], None]


def load(*, users: dict[str, User], teams: dict[str, Team], seed: int, advance: Advance, **_: Any) -> Summary:
    """Build the households, the children in care, the care leavers and the placement requests."""
    seed_postcodes()
    office = CareOffice(users, teams, seed)
    stories.households(office)
    advance("children in care")
    half = len(stories.SLOTS) // 2
    for part in (stories.SLOTS[:half], stories.SLOTS[half:]):
        for slot in part:
            stories.fill(office, slot)  # a small city runs out of children: later slots stay empty
        advance("children in care")
    stories.care_leavers(office)
    advance("care leavers")
    return Summary(office.periods, office.leavers, len(office.households), office.requests)
