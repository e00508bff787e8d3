# Issue 3. Holds only the operations for the models its owner added (see docs/adr/0002-person-matching.md).
# Flagged-adult alerts and their recipients (docs/domain/family-network-and-alerts.md).
import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_updated_by"),
        ("people", "0005_duplicates"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="FlaggedAdultAlert",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "link_kind",
                    models.CharField(
                        choices=[
                            ("household", "Joined a household"),
                            ("relationship", "New relationship"),
                            ("address", "New address"),
                            ("contact", "Named in a contact"),
                            ("flag_added", "Risk flag added"),
                        ],
                        max_length=20,
                    ),
                ),
                ("flag_kinds", models.JSONField(default=list)),
                ("reason", models.TextField()),
                ("context", models.JSONField(blank=True, default=dict)),
                (
                    "adult",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="alerts_as_adult",
                        to="people.person",
                    ),
                ),
                ("children", models.ManyToManyField(related_name="alerts_as_child", to="people.person")),
                (
                    "raised_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["-created_at"]},
        ),
        migrations.CreateModel(
            name="AlertRecipient",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("version", models.PositiveIntegerField(default=1)),
                ("read_at", models.DateTimeField(blank=True, null=True)),
                ("acknowledged_at", models.DateTimeField(blank=True, null=True)),
                ("acknowledgement_note", models.TextField(blank=True)),
                (
                    "acknowledged_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "team",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.team",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "alert",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="recipients",
                        to="people.flaggedadultalert",
                    ),
                ),
            ],
            options={
                "ordering": ["acknowledged_at", "-created_at"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("team__isnull", True), ("user__isnull", False)),
                            models.Q(("team__isnull", False), ("user__isnull", True)),
                            _connector="OR",
                        ),
                        name="alert_recipient_user_or_team",
                        violation_error_message="An alert goes to a user or to a team.",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("user__isnull", False)),
                        fields=("alert", "user"),
                        name="alert_recipient_user_once",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("team__isnull", False)),
                        fields=("alert", "team"),
                        name="alert_recipient_team_once",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("acknowledged_at__isnull", True), ("acknowledged_by__isnull", False), _connector="OR"
                        ),
                        name="alert_recipient_acknowledged_by_someone",
                        violation_error_message="Say who acknowledged the alert.",
                    ),
                ],
            },
        ),
    ]
