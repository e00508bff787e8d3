"""`manage.py learning_tick`: learning's nightly work (ADR 0008 §4, §5).

Run it from cron once a day, early, for example:

    15 6 * * *  cd /srv/safehub && .venv/bin/safehub learning_tick

It escalates every open action past its due date to its owner and the partnership's managers,
and chases every agency return for a rapid review that is past its due date. It is idempotent:
each escalation and each chase is recorded once, so a missed or doubled run does no harm.
"""

from typing import Any

from django.core.management.base import BaseCommand

from safehub.platform import context

from ...tasks import learning_sweep


class Command(BaseCommand):
    help = "Escalate overdue learning actions and chase overdue agency returns, once each."

    def handle(self, *args: Any, **options: Any) -> None:
        token = context.bind(context.RequestContext(channel="command"))
        try:
            counts = learning_sweep()
        finally:
            context.reset(token)
        self.stdout.write(f"Overdue actions escalated: {counts['actions_escalated']}.")
        self.stdout.write(f"Overdue agency returns chased: {counts['returns_chased']}.")
