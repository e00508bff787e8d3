from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "safehub.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        # Registers the OpenAPI extensions for our authentication classes.
        from . import schema  # noqa: F401
