from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "safehub.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from safehub.platform import auditing

        from . import receivers  # noqa: F401  (authentication events, R13)
        from .services import record_event

        auditing.register_recorder(record_event)
