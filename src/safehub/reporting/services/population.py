"""Setting the population that rates are worked out against (ADR 0009, decision 7)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.audit.constants import Verb
from safehub.audit.services import record_event

from ..models import PopulationEstimate

# Collection years the DfE has published, and the next few: a year outside is a typing slip.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def population_set(
    *, actor: Any, year: int, children: int, source: str = "", actor_label: str = ""
) -> PopulationEstimate:
    """Record the under-18 population for the collection year ending 31 March `year`, replacing
    any earlier figure for that year; audited with the old and new figures."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError({"year": f"The year must be between {FIRST_YEAR} and {LAST_YEAR}; got {year}."})
    if children < 1:
        raise ValidationError({"children": f"The population must be at least 1 child; got {children}."})
    with transaction.atomic():
        estimate = PopulationEstimate.objects.select_for_update().filter(year=year).first()
        before = estimate.children if estimate else None
        if estimate is None:
            estimate = PopulationEstimate(year=year, children=children, source=source)
        else:
            estimate.children, estimate.source = children, source
        estimate.full_clean()
        estimate.save()
        record_event(
            actor=actor,
            actor_label=actor_label,
            verb=Verb.CREATE if before is None else Verb.UPDATE,
            object_type="reporting.populationestimate",
            object_id=estimate.pk,
            reason=f"under-18 population for the year ending 31 March {year}: {before} -> {children}",
        )
    return estimate


def population_for(year: int) -> int | None:
    """The population for the collection year, or None (a rate is then "no data", never a guess)."""
    return PopulationEstimate.objects.filter(year=year).values_list("children", flat=True).first()
