from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "safehub.platform"
    label = "platform"
    verbose_name = "Platform"
