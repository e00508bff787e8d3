"""A MASH worker told "a record you cannot see matches" asks for access to it (issue 3, item 3).

`person_match` reports only how many hidden records matched, never which. The find page needs their
ids to file the request, but must not give them to the browser; so `restricted_match_ids` runs the
same ranking again on the server (only for MASH roles, only when the count was above 0) and the
view keeps the ids in the server-side session under a random token (R4, T3).
"""

import uuid
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from safehub.access.services.access_request import REQUESTER_ROLES, access_request_create

from .matching import scorer
from .models import Person
from .normalise import query_keys
from .policies import person_policy
from .services.match import MAX_CANDIDATES, RESTRICTED_NOTICE_PROBABILITY, parse_query


def restricted_match_ids(
    *, actor: Any, query: Mapping[str, str], limit: int = MAX_CANDIDATES
) -> list[uuid.UUID]:
    """The hidden people `person_match` counted in `restricted_matches`, by the same rule.

    Not for display: the ids go into the session and then into an access request, never a page.
    """
    if getattr(actor, "role", None) not in REQUESTER_ROLES:
        return []
    searched = parse_query(query)
    ranked = scorer.rank(
        scorer.comparable(searched), scorer.candidates(query_keys(searched)), scorer.current_weights()
    )
    top = ranked[: max(1, min(limit, MAX_CANDIDATES))]
    ids = [s.person_id for s in top]
    visible = set(person_policy.scope(actor, Person.objects.filter(pk__in=ids)).values_list("pk", flat=True))
    hidden = [
        s.person_id
        for s in top
        if s.person_id not in visible and s.probability >= RESTRICTED_NOTICE_PROBABILITY
    ]
    live = Person.objects.filter(pk__in=hidden, merged_into__isnull=True).values_list("pk", flat=True)
    alive = set(live)
    return [pk for pk in hidden if pk in alive]


def person_access_request(*, actor: Any, person_ids: list[uuid.UUID], reason: str) -> int:
    """One request per matching hidden record, all or none (R50); returns how many were filed."""
    with transaction.atomic():
        for person_id in person_ids:
            access_request_create(
                actor=actor, object_type=person_policy.object_type, object_id=person_id, reason=reason
            )
    return len(person_ids)
