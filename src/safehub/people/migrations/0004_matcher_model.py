# Issue 3. Holds only the operations for the models its owner added (see docs/adr/0002-person-matching.md).
import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_match_profile"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="MatcherModel",
            fields=[
                (
                    "id",
                    models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("version", models.PositiveIntegerField(unique=True)),
                ("splink_version", models.CharField(max_length=20)),
                ("settings", models.JSONField()),
                ("weights", models.JSONField()),
                ("metrics", models.JSONField(default=dict)),
                ("is_active", models.BooleanField(default=False)),
                (
                    "trained_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-version"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("is_active", True)),
                        fields=("is_active",),
                        name="matcher_model_one_active",
                        violation_error_message="Only one matcher model can be active.",
                    )
                ],
            },
        ),
    ]
