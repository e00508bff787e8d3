from django.apps import AppConfig


class ReferenceDataConfig(AppConfig):
    name = "safehub.reference_data"
    label = "reference_data"
    verbose_name = "Reference data"
