"""What early help registers with the layers below it (called from AppConfig.ready)."""


def register_all() -> None:
    from safehub.access.policies import register

    from .policies import episode_policy

    register(episode_policy)

    # The compliance view and My tasks name this app's clocks.
    from safehub.casework.selectors.tasks import register_clock_labels

    from .constants import Clock

    register_clock_labels({clock.value: clock.label for clock in Clock})

    # Due dates follow the working calendar and the local timescales (ADR 0007 §8, R52).
    from safehub.casework.recompute import register_recompute
    from safehub.platform.calendar import on_calendar_change

    from .clocks import clocks_recompute_all

    on_calendar_change(clocks_recompute_all)
    register_recompute(clocks_recompute_all)

    # Open episodes on the front door's "already open to children's services" panel.
    from safehub.people.involvements import register_involvement_source

    from . import involvements

    register_involvement_source(involvements.SOURCE_NAME, involvements.open_episodes)
