"""Synthetic people in households, their records as several agencies hold them, and queries
with the answer attached: the ground truth the matching benchmarks of issue 3 measure against.

Everything streams: a person is made, written and forgotten, so a million people need no more
memory than a thousand. The only state that grows is fixed in size (the NHS number bitmap) or
bounded (duplicates waiting up to REORDER_WINDOW records to be written).
"""

import heapq
import itertools
import random
from collections.abc import Iterable, Iterator
from datetime import date

from . import constants as c
from .corruption import address, apply, choose
from .identifiers import NhsNumberSource, UpnSource
from .pools import Pools, pools_for
from .record import Record

_DAYS_PER_YEAR = 365.25


def _between(rng: random.Random, low: int, high: int) -> int:
    """A whole number from low to high inclusive: randint's result, at a third of its cost."""
    return low + int(rng.random() * (high - low + 1))


def _pick(rng: random.Random, cumulative: tuple[float, ...]) -> int:
    """An index drawn by cumulative weights (cheaper than rng.choices for a handful)."""
    roll = rng.random() * cumulative[-1]
    for index, bound in enumerate(cumulative):
        if roll < bound:
            return index
    return len(cumulative) - 1


_ADULTS = tuple(itertools.accumulate(c.ADULT_COUNT_WEIGHTS))
_CHILDREN = tuple(itertools.accumulate(c.CHILD_COUNT_WEIGHTS))


def _rng(seed: int, purpose: str) -> random.Random:
    """One generator per purpose, so that (say) a different duplicate rate leaves the people
    themselves unchanged. A string seed is hashed the same way on every run."""
    # Reproducible synthetic data, not secrets.
    return random.Random(f"{seed}:{purpose}")  # noqa: S311  # nosec B311


class _PersonMaker:
    """Makes households of true people: every identifier they have, no errors."""

    def __init__(
        self,
        *,
        pools: Pools,
        rng: random.Random,
        nhs: NhsNumberSource,
        upns: UpnSource,
        as_of: date,
        id_prefix: str,
    ) -> None:
        self.pools, self.rng, self.nhs, self.upns = pools, rng, nhs, upns
        self.as_of_ordinal = as_of.toordinal()
        self.as_of = as_of
        self.id_prefix = id_prefix
        self.count = 0

    def _birth(self, age: int) -> date:
        # Margins of a day or two keep the age exact at as_of whatever the leap years.
        youngest = int(age * _DAYS_PER_YEAR) + 1 if age else 0
        oldest = int((age + 1) * _DAYS_PER_YEAR) - 2
        return date.fromordinal(self.as_of_ordinal - _between(self.rng, youngest, oldest))

    def _person(self, *, family_name: str, sex: str, born: date, locality_address: tuple[str, str]) -> Record:
        rng = self.rng
        self.count += 1
        if rng.random() < c.SEX_UNKNOWN_TRUE:
            sex = "U"
        pool = (
            self.pools.female
            if sex == "F"
            else self.pools.male
            if sex == "M"
            else rng.choice((self.pools.female, self.pools.male))
        )
        upn = ""
        if c.SCHOOL_START_AGE <= self._age(born) <= c.CHILD_MAX_AGE:
            # The year in a UPN is the year it was allocated: the autumn after the fourth birthday.
            upn = self.upns.next(year=born.year + c.SCHOOL_START_AGE + 1)
        postcode, address_line = locality_address
        return Record(
            source_id="",
            given_name=pool.draw(rng),
            family_name=family_name,
            date_of_birth=born.isoformat(),
            sex=sex,
            postcode=postcode,
            address_line=address_line,
            nhs_number=self.nhs.next(),
            upn=upn,
            true_id=f"{self.id_prefix}{self.count:08d}",
        )

    def _age(self, born: date) -> int:
        years = self.as_of.year - born.year
        return years - ((self.as_of.month, self.as_of.day) < (born.month, born.day))

    def household(self) -> list[Record]:
        rng, pools = self.rng, self.pools
        adults = 1 + _pick(rng, _ADULTS)
        children = _pick(rng, _CHILDREN)
        surname = pools.surnames.draw(rng)
        locality = pools.localities[int(rng.random() * len(pools.localities))]
        home = (locality.postcode, address(locality, _between(rng, 1, c.BUILDING_NUMBER_MAX)))

        first_age = _between(rng, 20, 55) if children else _between(rng, c.ADULT_MIN_AGE, c.ADULT_MAX_AGE)
        first_sex = "F" if rng.random() < 0.5 else "M"
        members = [
            self._person(
                family_name=surname, sex=first_sex, born=self._birth(first_age), locality_address=home
            )
        ]
        youngest_parent = first_age
        if adults >= 2:
            age = min(max(first_age + _between(rng, -6, 6), c.ADULT_MIN_AGE), c.ADULT_MAX_AGE)
            youngest_parent = min(youngest_parent, age)
            other = {"F": "M", "M": "F"}[first_sex] if rng.random() < 0.9 else first_sex
            name = pools.surnames.draw(rng) if rng.random() < c.PARTNER_OWN_SURNAME else surname
            members.append(
                self._person(family_name=name, sex=other, born=self._birth(age), locality_address=home)
            )
        if adults >= 3:
            # A grandparent living with the family.
            age = min(first_age + _between(rng, 18, 30), c.ADULT_MAX_AGE)
            name = pools.surnames.draw(rng) if rng.random() < 0.5 else surname
            sex = "F" if rng.random() < 0.6 else "M"
            members.append(
                self._person(family_name=name, sex=sex, born=self._birth(age), locality_address=home)
            )
        oldest_child = min(c.CHILD_MAX_AGE, youngest_parent - c.PARENT_MIN_GAP)
        previous: date | None = None
        for _ in range(children):
            twin = previous is not None and rng.random() < c.TWIN_PROBABILITY
            born = previous if twin and previous else self._birth(_between(rng, 0, oldest_child))
            sex = "F" if rng.random() < 0.5 else "M"
            members.append(self._person(family_name=surname, sex=sex, born=born, locality_address=home))
            previous = born
        return members


def _make_loadable(duplicate: Record, primary: Record) -> None:
    """A duplicate is a record the index could hold, so that every one of them reaches it.

    The index holds each national number once (import-csv refuses a second holder), so a second
    record that carried the NHS number or UPN of its person's first record would never be loaded:
    it would have been linked, not duplicated. Keeping those would leave far fewer duplicates in the
    index than `duplicate_rate` promises. A number the first record lacks can still be on the
    duplicate. And the index records no one of known sex without a date of birth (only an unborn
    child has neither), so a duplicate that lost its date of birth has its sex not known either.
    """
    dropped = []
    if not duplicate.date_of_birth and duplicate.sex != "U":
        duplicate.sex = "U"
        dropped.append("sex_unknown")
    if duplicate.nhs_number and duplicate.nhs_number == primary.nhs_number:
        duplicate.nhs_number = ""
        dropped.append("nhs_missing")
    if duplicate.upn and duplicate.upn == primary.upn:
        duplicate.upn = ""
        dropped.append("upn_missing")
    new = [kind for kind in dropped if kind not in duplicate.corruptions]
    if new:
        duplicate.corruptions = (*duplicate.corruptions, *new)


def generate_population(
    *, people: int, seed: int, duplicate_rate: float = 0.15, as_of: date = c.REFERENCE_DATE
) -> Iterator[Record]:
    """`people` true persons in households, one primary record each, and for about
    `duplicate_rate` of them a second, corrupted record (see constants.DUPLICATE_CORRUPTION).

    Records come out with `source_id` S00000001, S00000002... in file order; `true_id` names the
    person. The same arguments give the same records, byte for byte.
    """
    if people < 0:
        raise ValueError("people must not be negative")
    if not 0 <= duplicate_rate <= 1:
        raise ValueError("duplicate_rate must be between 0 and 1")
    pools = pools_for(seed)
    maker = _PersonMaker(
        pools=pools,
        rng=_rng(seed, "people"),
        nhs=NhsNumberSource(seed=seed, start=c.NHS_INDEX_RANGE[0], end=c.NHS_INDEX_RANGE[1]),
        upns=UpnSource(),
        as_of=as_of,
        id_prefix="T",
    )
    records = _rng(seed, "records")
    duplicates = _rng(seed, "duplicates")
    waiting: list[tuple[int, int, Record]] = []  # (write after, tie-break, record)
    written = 0
    made = 0
    while made < people:
        for truth in maker.household():
            if made == people:
                break
            made += 1
            primary = truth.copy()
            if records.random() >= c.PRIMARY_HAS_NHS_NUMBER:
                primary.nhs_number = ""
            if primary.upn and records.random() >= c.PRIMARY_HAS_UPN:
                primary.upn = ""
            written += 1
            primary.source_id = f"S{written:08d}"
            yield primary
            if duplicates.random() < duplicate_rate:
                kinds = choose(truth, duplicates, c.DUPLICATE_CORRUPTION, force_change=False, as_of=as_of)
                duplicate = apply(truth, kinds, duplicates, pools)
                _make_loadable(duplicate, primary)
                duplicate.primary = False
                due = written + _between(duplicates, 1, c.REORDER_WINDOW)
                heapq.heappush(waiting, (due, made, duplicate))
            while waiting and waiting[0][0] <= written:
                duplicate = heapq.heappop(waiting)[2]
                written += 1
                duplicate.source_id = f"S{written:08d}"
                yield duplicate
    while waiting:
        duplicate = heapq.heappop(waiting)[2]
        written += 1
        duplicate.source_id = f"S{written:08d}"
        yield duplicate


def generate_queries(
    *,
    population: Iterable[Record],
    count: int,
    seed: int,
    in_index_ratio: float = 0.8,
    as_of: date = c.REFERENCE_DATE,
) -> Iterator[Record]:
    """`count` queries, as a practitioner would type them, with the answer in `true_id`.

    About `in_index_ratio` of them are corrupted copies of people in `population` (one pass over
    it, keeping a reservoir sample of that many primary records), with at least one change each
    (constants.QUERY_CORRUPTION, FORCED_CHANGE_WEIGHTS); their `true_id` is the person's. The rest
    are people who are not in the index at all, made from the same name and address pools when
    `seed` is the population's seed, with NHS numbers and UPNs from ranges the index never uses;
    their `true_id` is "". Queries are numbered Q00000001... in a shuffled order.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    if not 0 <= in_index_ratio <= 1:
        raise ValueError("in_index_ratio must be between 0 and 1")
    wanted = round(count * in_index_ratio)
    sampler = _rng(seed, "query-sample")
    reservoir: list[Record] = []
    seen = 0
    for record in population:
        if not record.primary:
            continue
        seen += 1
        if len(reservoir) < wanted:
            reservoir.append(record)
        else:
            slot = sampler.randrange(seen)
            if slot < wanted:
                reservoir[slot] = record
    pools = pools_for(seed)
    rng = _rng(seed, "queries")
    queries = [
        apply(r, choose(r, rng, c.QUERY_CORRUPTION, force_change=True, as_of=as_of), rng, pools)
        for r in reservoir
    ]
    outsiders = _PersonMaker(
        pools=pools,
        rng=_rng(seed, "outsiders"),
        nhs=NhsNumberSource(seed=seed, start=c.NHS_OUTSIDER_RANGE[0], end=c.NHS_OUTSIDER_RANGE[1]),
        upns=UpnSource(outsider=True),
        as_of=as_of,
        id_prefix="X",
    )
    while len(queries) < count:
        person = rng.choice(outsiders.household())
        query = apply(
            person, choose(person, rng, c.QUERY_CORRUPTION, force_change=False, as_of=as_of), rng, pools
        )
        query.true_id = ""
        queries.append(query)
    rng.shuffle(queries)
    for number, query in enumerate(queries, start=1):
        query.source_id = f"Q{number:08d}"
        query.primary = False
        yield query
