"""What children in care registers with the layers below it (called from AppConfig.ready)."""


def register_all() -> None:
    from safehub.access.policies import register

    from .policies import care_leaver_policy, care_policy, household_policy

    register(care_policy)
    register(care_leaver_policy)
    register(household_policy)

    # The compliance view and task lists name this app's clocks.
    from safehub.casework.selectors.tasks import register_clock_labels

    from .constants import Clock

    register_clock_labels({clock.value: clock.label for clock in Clock})

    # Stored due dates follow the working calendar and the local timescales (ADR 0005, R52).
    from safehub.casework.recompute import register_recompute
    from safehub.platform.calendar import on_calendar_change

    from .clocks import clocks_recompute_all
    from .leaver_clocks import leaver_clocks_recompute_all

    for recompute in (clocks_recompute_all, leaver_clocks_recompute_all):
        on_calendar_change(recompute)
        register_recompute(recompute)

    # Open periods on the person page and the front door's panel; the child's chronology.
    from safehub.people.involvements import register_involvement_source

    from . import chronology, involvements

    register_involvement_source(involvements.SOURCE_NAME, involvements.open_periods)
    chronology.register()
