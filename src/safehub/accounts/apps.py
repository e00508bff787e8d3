from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "safehub.accounts"
    label = "accounts"
    verbose_name = "Users, agencies and teams"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (credential changes end other sessions, R11)
