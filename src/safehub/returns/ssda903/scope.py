"""Who and what a 903 return covers, and the pure date rules behind it.

Collection year `year` (the END year, as the DfE names it) runs from 1 April (year - 1) to
31 March (year). Every child looked after at any point in it is in the return; their episodes
are those open at any time in it (DECOM on or before 31 March, DEC on or after 1 April or still
open), as the validator's own `during_year` test reads them.
"""

from dataclasses import dataclass, replace
from datetime import date

from safehub.looked_after.episodes import Episode

SHORT_BREAKS = frozenset({"V3", "V4"})


@dataclass(frozen=True)
class CollectionYear:
    year: int

    @property
    def start(self) -> date:
        return date(self.year - 1, 4, 1)

    @property
    def end(self) -> date:
        return date(self.year, 3, 31)

    def overlaps(self, started_on: date, ended_on: date | None) -> bool:
        return started_on <= self.end and (ended_on is None or ended_on >= self.start)

    def holds(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end


def episodes_in_year(episodes: list[Episode], year: CollectionYear) -> list[Episode]:
    """The episodes open at some time in the year, as the return reports them at 31 March.

    An episode still running on 31 March is open in the return (no DEC, REC or reason for a
    change that had not happened yet), even when the record already holds its end: the return
    is a picture of the year, and producing it again later must give the same file.
    """
    kept = []
    for episode in episodes:
        if not year.overlaps(episode.decom, episode.dec):
            continue
        if episode.dec is not None and episode.dec > year.end:
            episode = replace(episode, dec=None, rec="", reason_place_change="")
        kept.append(episode)
    return kept


def continuously_looked_after(episodes: list[Episode], year: CollectionYear) -> bool:
    """Looked after for the whole year to 31 March, as OC2 needs, by the validator's test
    (`add_col_to_episodes_CONTINUOUSLY_LOOKED_AFTER`): some episode in the year, none starting
    care after 1 April, none ending care before 31 March, none under short breaks (V3, V4).
    `episodes` are the child's episodes in the year, as reported."""
    if not episodes:
        return False
    for episode in episodes:
        if episode.rne == "S" and year.start < episode.decom <= year.end:
            return False
        if episode.dec is not None and episode.rec != "X1" and year.start <= episode.dec < year.end:
            return False
        if episode.legal_status in SHORT_BREAKS:
            return False
    return True


def age_on(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))
