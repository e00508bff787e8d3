from django.apps import AppConfig


class LookedAfterConfig(AppConfig):
    name = "safehub.looked_after"
    label = "looked_after"
    verbose_name = "Children in care"

    def ready(self) -> None:
        from . import registrations

        registrations.register_all()
