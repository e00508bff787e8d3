from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "safehub.access"
    label = "access"
    verbose_name = "Record access"

    def ready(self) -> None:
        from django.urls import register_converter

        from safehub.audit.selectors import register_visibility_check

        from .converters import ObjectTypeConverter
        from .policies import object_for

        register_converter(ObjectTypeConverter, "object_type")
        # "Who has accessed this record" asks the record's own policy whether the viewer may see
        # it; audit sits below access, so access plugs its policies in from above.
        register_visibility_check(object_for)
