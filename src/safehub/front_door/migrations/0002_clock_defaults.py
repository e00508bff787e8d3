"""Seed the clocks with the issue's defaults; a hub changes them through `clock_setting_change`."""

from django.db import migrations

DEFAULTS = {
    "rag_red": (4, "working_hours"),
    "rag_amber": (1, "working_days"),
    "rag_green": (3, "working_days"),
    "decision": (1, "working_days"),
    "request_red": (2, "working_hours"),
    "request_amber": (4, "working_hours"),
    "request_green": (2, "working_days"),
    "escalation": (2, "working_hours"),
}


def seed(apps, schema_editor):
    ClockSetting = apps.get_model("front_door", "ClockSetting")
    for key, (amount, unit) in DEFAULTS.items():
        ClockSetting.objects.get_or_create(key=key, defaults={"amount": amount, "unit": unit})


class Migration(migrations.Migration):
    dependencies = [("front_door", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
