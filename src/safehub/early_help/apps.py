from django.apps import AppConfig


class EarlyHelpConfig(AppConfig):
    name = "safehub.early_help"
    label = "early_help"
    verbose_name = "Early help and the Team Around the Family"

    def ready(self) -> None:
        from . import registrations

        registrations.register_all()
