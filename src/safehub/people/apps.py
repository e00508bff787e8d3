from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "safehub.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from safehub.access.policies import register

        from .policies import person_policy

        register(person_policy)
