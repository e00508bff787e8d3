from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "safehub.returns"
    label = "returns"
    verbose_name = "Data in and out: SSD, statutory returns and the DfE feed"
