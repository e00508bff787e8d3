from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "safehub.casework"
    label = "casework"
    verbose_name = "Casework"

    def ready(self) -> None:
        from . import registrations

        registrations.register_all()
