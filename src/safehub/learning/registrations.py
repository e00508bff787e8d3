"""What learning registers with the layers below it (called from AppConfig.ready)."""


def register_all() -> None:
    from safehub.access.policies import register

    from .policies import ALL

    for policy in ALL:
        register(policy)

    # The statutory due dates are working days: a new local closure moves them (ADR 0008 §3, R52).
    # They are fixed in law, so a change to casework's local timescales does not touch them.
    from safehub.platform.calendar import on_calendar_change

    from .clocks import learning_clocks_recompute_all

    on_calendar_change(learning_clocks_recompute_all)
