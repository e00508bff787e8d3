from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "safehub.learning"
    label = "learning"
    verbose_name = "Learning and quality assurance"

    def ready(self) -> None:
        from . import registrations

        registrations.register_all()
