"""The default taxonomy of learning themes, drawn from what the national panel's annual reports and
serious case reviews name again and again. A partnership edits it (retires, renames, adds)."""

import uuid

from django.db import migrations
from django.utils import timezone

DEFAULTS = [
    ("Information sharing between agencies", "What one agency knew and another needed, and whether it reached them."),
    ("Hidden and unseen adults", "Men and other adults in the household who were not known to professionals or not assessed."),
    ("Neglect recognition", "Recognising cumulative neglect rather than reacting to single incidents."),
    ("Supervision and management oversight", "Whether supervision challenged drift and checked the plan was working."),
    ("The child's voice and lived experience", "Whether the child was seen, seen alone and heard."),
    ("Professional curiosity and challenge", "Asking the next question, and escalating disagreement between agencies."),
    ("Domestic abuse", "Recognising and responding to domestic abuse and its impact on children."),
    ("Parental mental health and substance use", "Risk from parents' mental ill health and drug or alcohol use."),
    ("Non-mobile babies and bruising", "Injuries to babies who cannot move on their own."),
    ("Child exploitation and extra-familial harm", "Criminal and sexual exploitation and harm outside the family."),
    ("Transitions and transfers between services", "Information and risk lost when a case moves between teams, areas or services."),
    ("Safe sleep", "Advice and assessment about how and where a baby sleeps."),
]


def seed(apps, schema_editor):
    Theme = apps.get_model("learning", "Theme")
    now = timezone.now()
    for name, description in DEFAULTS:
        Theme.objects.get_or_create(
            name=name, defaults={"id": uuid.uuid4(), "description": description, "created_at": now, "updated_at": now}
        )


class Migration(migrations.Migration):
    dependencies = [("learning", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
