"""Move every children in care and care leaver clock on to today (run daily from cron).

Due dates change with the record, the calendar and the local timescales, which recompute them on
the spot; two clocks move with the date alone: a care leaver's birthday window closing with no
contact, and a placement's first year ending (regulation 28 visits become 3-monthly). A daily run
keeps the task lists right on the day rather than at the next write to that child's record.
"""

from typing import Any

from django.core.management.base import BaseCommand

from safehub.looked_after.clocks import clocks_recompute_all
from safehub.looked_after.leaver_clocks import leaver_clocks_recompute_all


class Command(BaseCommand):
    help = "Recompute the children in care and care leaver clock tasks (daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        periods = clocks_recompute_all()
        leavers = leaver_clocks_recompute_all()
        self.stdout.write(
            f"Recomputed the clocks of {periods} open periods of care and {leavers} care leavers."
        )
