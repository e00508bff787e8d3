from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "safehub.accounts"
    label = "accounts"
    verbose_name = "Users, agencies and teams"
