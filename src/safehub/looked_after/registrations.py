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
