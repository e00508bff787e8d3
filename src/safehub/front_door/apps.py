from django.apps import AppConfig


class FrontDoorConfig(AppConfig):
    name = "safehub.front_door"
    label = "front_door"
    verbose_name = "Front door (MASH)"

    def ready(self) -> None:
        from django.urls import register_converter

        from safehub.access.policies import register

        from .converters import ContactReferenceConverter
        from .policies import contact_policy, information_request_policy

        register(contact_policy)
        register(information_request_policy)
        register_converter(ContactReferenceConverter, "contact_reference")

        from safehub.platform.calendar import on_calendar_change

        from .services.clocks import clocks_recompute

        # Stored due times follow the calendar: a closure added today moves tomorrow's clocks.
        on_calendar_change(clocks_recompute)
