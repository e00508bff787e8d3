"""What child protection registers with the layers below it (called from AppConfig.ready)."""

from datetime import date
from typing import Any


def register_all() -> None:
    from safehub.access.policies import register

    from .policies import referral_policy

    register(referral_policy)

    # Stored due dates follow the working calendar and the local timescales (ADR 0004, R52).
    from safehub.casework.recompute import register_recompute
    from safehub.platform.calendar import on_calendar_change

    from .clocks import clocks_recompute_all

    on_calendar_change(clocks_recompute_all)
    register_recompute(clocks_recompute_all)

    # helper F: open referrals on the front door's panel, and the child's chronology.
    from safehub.people.involvements import register_involvement_source

    from . import chronology, involvements

    register_involvement_source(involvements.SOURCE_NAME, involvements.open_referrals)
    chronology.register()

    # The compliance view names this app's clocks.
    from safehub.casework.selectors.tasks import register_clock_labels

    from .constants import Clock

    register_clock_labels({clock.value: clock.label for clock in Clock})

    # A plan recorded as started before birth bounds the date of birth recorded later.
    from safehub.people.services.birth import register_birth_check

    register_birth_check(_birth_after_unborn_plan)


def _birth_after_unborn_plan(person: Any, date_of_birth: date) -> str | None:
    from .models import ChildProtectionPlan

    started = (
        ChildProtectionPlan.objects.filter(person_id=person.pk, unborn_at_start=True)
        .order_by("-started_on")
        .values_list("started_on", flat=True)
        .first()
    )
    if started is not None and date_of_birth <= started:
        return (
            f"A child protection plan started on {started:%-d %B %Y} while the child was unborn: "
            "the date of birth must be after that date."
        )
    return None
