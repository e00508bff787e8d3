"""Who is an unaccompanied asylum-seeking child (UASC) in a year's 903, and their DUC.

For the 903 a child who arrived as a UASC stays one until their 18th birthday, whatever happens
to the asylum claim: DUC, the date UASC status ceased, is always the 18th birthday, even when it
is still to come (validator rule 205B wants last year's DUC to equal last year's DOB + 18 years,
and this year's to equal last year's unless it falls in this year; 304 refuses a DUC after the
18th birthday; 104 one before the year). So a grant of leave recorded as `UascStatus.ceased_on`
neither ends the child's rows in the UASC table nor changes their DUC: leaving them out while
still under 18 would break 205A (UASC last year, not this, with a DUC not in last year).
"""

from datetime import date

from safehub.casework.timescales import add_months
from safehub.looked_after.models import UascStatus

from .scope import CollectionYear

# Months to the 18th birthday; add_months keeps 29 February on 28 February, as pandas'
# DateOffset(years=18) does in the validator, so the two agree on leap-day birthdays.
EIGHTEEN_YEARS = 18 * 12


def uasc_ceases_on(dob: date | None) -> date | None:
    """903 DUC: the 18th birthday (None when the date of birth is not recorded)."""
    return add_months(dob, EIGHTEEN_YEARS) if dob is not None else None


def uasc_in_year(status: UascStatus, dob: date | None, cy: CollectionYear) -> bool:
    """A UASC at some time in the year: the status began by 31 March and the 18th birthday
    is on or after 1 April (rule 104 refuses an earlier DUC). Without a date of birth (itself
    reported on the Header), the recorded end of the status is all there is to go on."""
    if status.started_on > cy.end:
        return False
    ceases = uasc_ceases_on(dob)
    if ceases is None:
        return status.ceased_on is None or status.ceased_on >= cy.start
    return ceases >= cy.start


def ever_uasc(status: UascStatus | None, cy: CollectionYear) -> bool:
    """UASC now or formerly, by the year's end: such a child had no home in England, so the
    903 wants no home postcode and no distance for any of their episodes (rule 406, which reads
    this year's and last year's UASC flags; 392a, 392b and 164 leave these children out)."""
    return status is not None and status.started_on <= cy.end
