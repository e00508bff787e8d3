from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "safehub.access"
    label = "access"
    verbose_name = "Record access"

    def ready(self) -> None:
        from django.urls import register_converter

        from .converters import ObjectTypeConverter

        register_converter(ObjectTypeConverter, "object_type")
