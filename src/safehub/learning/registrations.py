"""What learning registers with the layers below it (called from AppConfig.ready)."""


def register_all() -> None:
    from safehub.access.policies import register

    from .policies import ALL

    for policy in ALL:
        register(policy)
