from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "safehub.demo"
    label = "demo"
    verbose_name = "Demo city"
