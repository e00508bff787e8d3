"""What child protection registers with the layers below it (called from AppConfig.ready)."""


def register_all() -> None:
    from safehub.access.policies import register

    from .policies import referral_policy

    register(referral_policy)
