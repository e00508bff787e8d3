from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "safehub.access"
    label = "access"
    verbose_name = "Record access"
