from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "safehub.reporting"
    label = "reporting"
    verbose_name = "Performance and scrutiny: indicators, benchmarks and panel reports"
