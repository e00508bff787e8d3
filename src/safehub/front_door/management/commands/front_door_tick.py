"""`manage.py front_door_tick`: the front door's periodic work (ADR 0003, 5).

Run it from cron every 5 minutes, for example:

    */5 * * * *  cd /srv/safehub && .venv/bin/python manage.py front_door_tick

It reminds partner agencies of overdue information requests and escalates the ones still
unanswered to the MASH managers, and retries feedback e-mails to referrers whose last attempt
failed (or whose send task was lost). It is idempotent: each reminder and escalation is recorded
once and each feedback row is sent once, so a missed or doubled run does no harm.
"""

from typing import Any

from django.core.management.base import BaseCommand

from safehub.platform import context

from ...services.feedback import feedback_send_due
from ...services.reminders import requests_remind_and_escalate


class Command(BaseCommand):
    help = "Remind and escalate overdue information requests; retry failed feedback e-mails."

    def handle(self, *args: Any, **options: Any) -> None:
        token = context.bind(context.RequestContext(channel="command"))
        try:
            reminded, escalated = requests_remind_and_escalate()
            sent = feedback_send_due()
        finally:
            context.reset(token)
        self.stdout.write(f"Information requests reminded: {reminded}; escalated: {escalated}.")
        self.stdout.write(f"Feedback e-mails retried: {sent}.")
