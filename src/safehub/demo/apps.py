from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "safehub.demo"
    label = "demo"
    verbose_name = "Demo city"

    def ready(self) -> None:
        _connect_access_log_to_policies()


def _connect_access_log_to_policies() -> None:
    """Let "who has accessed this record" ask the record's policy whether the viewer may see it.

    `audit` sits below `access`, so the connection is made from above, once, at start-up.
    TEMPORARY HOME: this belongs in `safehub.access.apps.AccessConfig.ready()` (the app that owns
    the policies); it lives here only until that change is made, and is harmless to repeat there.
    """
    from safehub.access.policies import object_for
    from safehub.audit.selectors import register_visibility_check

    register_visibility_check(object_for)
