"""Who and what the CIN census covers: the collection period and the referrals in it.

The census for `year` covers 1 April (year - 1) to 31 March (year) (s83 Children Act 1989; DfE
CIN census guide). A child is in it when one of their referrals (CIN episodes) was open at any
point in that period: referred in the year, or still open on 1 April. The validator reads the
period from the header exactly so (collection start = reference date - 1 year + 1 day).
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from safehub.child_protection.models import Referral
from safehub.platform import clock


@dataclass(frozen=True)
class CensusPeriod:
    year: int
    start: date
    reference_date: date
    # The last day whose events the census may contain: the reference date, or today while the
    # year is still running (nothing dated after today has happened yet, whatever was typed).
    cut_off: date

    @classmethod
    def for_year(cls, year: int, *, as_of: date | None = None) -> "CensusPeriod":
        if not 2000 <= year <= 2100:
            raise ValueError(f"year {year} is not a census year (give the end year, e.g. 2026)")
        start = date(year - 1, 4, 1)
        reference_date = date(year, 3, 31)
        today = as_of or clock.today()
        if today < start:
            raise ValueError(
                f"The {year} census starts on {start:%d %B %Y}; it cannot be produced as of {today:%d %B %Y}."
            )
        return cls(year=year, start=start, reference_date=reference_date, cut_off=min(reference_date, today))

    def contains(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.cut_off

    def happened(self, day: date | None) -> date | None:
        """`day` if it had happened by the cut-off, else None (an end still to come is left open)."""
        return day if day is not None and day <= self.cut_off else None

    def overlaps(self, started: date, ended: date | None) -> bool:
        """Whether something that ran from `started` to `ended` (None: still running) was running
        at some point in the period."""
        return started <= self.cut_off and (ended is None or ended >= self.start)


def referrals_in_scope(period: CensusPeriod) -> QuerySet[Referral]:
    """Every referral open at some point in the period.

    A referral a merge left on the absorbed record (the survivor already had an equal row) is
    still in scope: the builder reports it under the survivor, the child the census is about.
    """
    return Referral.objects.filter(referral_date__lte=period.cut_off).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=period.start)
    )
