from django.apps import AppConfig


class ChildProtectionConfig(AppConfig):
    name = "safehub.child_protection"
    label = "child_protection"
    verbose_name = "Child in need and child protection"

    def ready(self) -> None:
        from . import registrations

        registrations.register_all()
