"""The synthetic population behind the matching benchmarks of issue 3: reproducible, well-formed,
realistically corrupted, with ground truth that agrees with itself, and fast enough for a million."""

import csv
import io
import random
import re
import time
import tracemalloc
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import nhs_number
import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from safehub.demo.population import IMPORT_HEADER, Record, generate_population, generate_queries, write_files
from safehub.demo.population import constants as c
from safehub.demo.population.corruption import nickname_of, swap_day_month, typo
from safehub.demo.population.identifiers import NhsNumberSource, UpnSource
from safehub.demo.population.pools import pools_for
from safehub.people.identifiers import normalise_postcode, validate_upn

SEED = 11
PEOPLE = 10_000


@pytest.fixture(scope="module")
def population() -> list[Record]:
    return list(generate_population(people=PEOPLE, seed=SEED))


@pytest.fixture(scope="module")
def primaries(population: list[Record]) -> dict[str, Record]:
    return {r.true_id: r for r in population if r.primary}


def _age(born: str, on: date = c.REFERENCE_DATE) -> int:
    d = date.fromisoformat(born)
    return on.year - d.year - ((on.month, on.day) < (d.month, d.day))


def _one_edit_apart(a: str, b: str) -> bool:
    """Insert, delete, substitute or transpose one letter (Damerau-Levenshtein distance 1)."""
    if a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = sorted((a, b), key=len)
    if len(long_) - len(short) != 1:
        return False
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


# --- Reproducibility -----------------------------------------------------------------------------


def test_same_seed_gives_the_same_records_and_another_seed_does_not(population: list[Record]) -> None:
    again = list(generate_population(people=PEOPLE, seed=SEED))
    assert [(r.row(), r.true_id) for r in again] == [(r.row(), r.true_id) for r in population]
    other = list(generate_population(people=200, seed=SEED + 1))
    assert [r.row() for r in other] != [r.row() for r in population[:200]]


def test_generating_leaves_the_global_random_state_alone() -> None:
    """nhs_number.generate draws from the module-level random; we must put its state back."""
    random.seed(99)
    expected = random.random()
    random.seed(99)
    for _ in generate_population(people=300, seed=SEED):
        pass
    assert random.random() == expected


def test_command_writes_byte_identical_files_for_a_seed(tmp_path: Path) -> None:
    for name in ("a", "b"):
        call_command(
            "generate_population",
            "--people=400",
            "--seed=5",
            f"--out={tmp_path / name}",
            "--queries=50",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    for file in ("population.csv", "truth.csv", "queries.csv", "queries_truth.csv"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes(), file


# --- Shape of the population ---------------------------------------------------------------------


@pytest.mark.parametrize("rate", [0.10, 0.15, 0.20])
def test_duplicate_rate_is_within_tolerance(rate: float) -> None:
    records = list(generate_population(people=PEOPLE, seed=SEED, duplicate_rate=rate))
    primaries = sum(r.primary for r in records)
    duplicates = len(records) - primaries
    assert primaries == PEOPLE
    # Binomial spread at 10,000 people is about 0.4 percentage points; allow 1.5.
    assert abs(duplicates / PEOPLE - rate) < 0.015
    # One extra record at most per person, and every duplicate belongs to a person with a primary.
    per_person = Counter(r.true_id for r in records)
    assert max(per_person.values()) == 2
    assert len(per_person) == PEOPLE


def test_a_different_duplicate_rate_leaves_the_people_unchanged() -> None:
    few = [r for r in generate_population(people=500, seed=SEED, duplicate_rate=0.0) if r.primary]
    many = [r for r in generate_population(people=500, seed=SEED, duplicate_rate=0.5) if r.primary]
    key = lambda r: (r.true_id, r.given_name, r.family_name, r.date_of_birth, r.postcode)  # noqa: E731
    assert sorted(map(key, few)) == sorted(map(key, many))


def test_every_field_is_well_formed(population: list[Record]) -> None:
    source_ids = [r.source_id for r in population]
    assert source_ids == [f"S{n:08d}" for n in range(1, len(population) + 1)]
    for r in population:
        assert re.fullmatch(r"[A-Za-z][A-Za-z'-]*", r.given_name), r
        assert re.fullmatch(r"[A-Za-z][A-Za-z' -]*", r.family_name), r
        assert r.sex in {"M", "F", "U"}
        if r.date_of_birth:
            assert date.fromisoformat(r.date_of_birth).isoformat() == r.date_of_birth
            assert 0 <= _age(r.date_of_birth) <= c.ADULT_MAX_AGE
        assert normalise_postcode(r.postcode) == r.postcode
        assert r.address_line
        if r.nhs_number:
            assert nhs_number.is_valid(r.nhs_number)
            assert c.NHS_INDEX_RANGE[0] <= int(r.nhs_number) <= c.NHS_INDEX_RANGE[1]
        if r.upn:
            assert validate_upn(r.upn) == r.upn
            assert r.date_of_birth == "" or c.SCHOOL_START_AGE <= _age(r.date_of_birth) <= c.CHILD_MAX_AGE


def test_identifiers_belong_to_one_person_each(population: list[Record]) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for r in population:
        for value in (r.nhs_number, r.upn):
            if value:
                owners[value].add(r.true_id)
    assert owners
    assert all(len(people) == 1 for people in owners.values())


def test_people_live_in_households_sharing_address_and_surname(primaries: dict[str, Record]) -> None:
    homes: dict[str, list[Record]] = defaultdict(list)
    for r in primaries.values():
        homes[r.address_line + "|" + r.postcode].append(r)
    shared = [members for members in homes.values() if len(members) > 1]
    assert len(shared) > len(primaries) / 5
    with_common_surname = sum(
        1 for members in shared if Counter(m.family_name for m in members).most_common(1)[0][1] > 1
    )
    assert with_common_surname / len(shared) > 0.9
    ages = [_age(r.date_of_birth) for r in primaries.values()]
    children = [a for a in ages if a <= c.CHILD_MAX_AGE]
    assert 0.2 < len(children) / len(ages) < 0.6
    assert min(ages) == 0
    assert max(ages) == c.ADULT_MAX_AGE
    # Most school-age children have a UPN on their first record; no adult has one.
    school_age = [
        r for r in primaries.values() if c.SCHOOL_START_AGE <= _age(r.date_of_birth) <= c.CHILD_MAX_AGE
    ]
    assert sum(bool(r.upn) for r in school_age) / len(school_age) == pytest.approx(
        c.PRIMARY_HAS_UPN, abs=0.03
    )
    assert not any(r.upn for r in primaries.values() if _age(r.date_of_birth) > c.CHILD_MAX_AGE)


def test_duplicates_come_later_in_the_file_and_not_next_to_their_person(population: list[Record]) -> None:
    position = {r.true_id: i for i, r in enumerate(population) if r.primary}
    gaps = [i - position[r.true_id] for i, r in enumerate(population) if not r.primary]
    assert min(gaps) > 0
    assert max(gaps) <= c.REORDER_WINDOW * 2
    assert sum(gap == 1 for gap in gaps) / len(gaps) < 0.01


# --- Corruption ----------------------------------------------------------------------------------


def test_every_corruption_kind_occurs_at_ten_thousand(population: list[Record]) -> None:
    seen = Counter(kind for r in population if not r.primary for kind in r.corruptions)
    kinds = {kind.split(".")[0] for kind in seen}
    assert kinds == set(c.DUPLICATE_CORRUPTION)
    for name in ("typo_given", "typo_family"):
        assert {f"{name}.{edit}" for edit in c.TYPO_EDITS} <= set(seen)
    assert all(not r.corruptions for r in population if r.primary)


def test_each_corruption_does_what_its_label_says(
    population: list[Record], primaries: dict[str, Record]
) -> None:
    checked = Counter()
    for dup in (r for r in population if not r.primary):
        person = primaries[dup.true_id]
        kinds = {kind.split(".")[0] for kind in dup.corruptions}
        assert len(kinds - c.OMISSIONS) <= c.MAX_CHANGES
        if "typo_given" in kinds and "nickname" not in kinds:
            assert _one_edit_apart(person.given_name, dup.given_name)
            checked["typo_given"] += 1
        if "nickname" in kinds and "typo_given" not in kinds:
            assert dup.given_name in {n for f, n in c.NICKNAMES if f == person.given_name} | {
                f for f, n in c.NICKNAMES if n == person.given_name
            }
            checked["nickname"] += 1
        if not kinds & {"typo_given", "nickname"}:
            assert dup.given_name == person.given_name
        if "dob_swap" in kinds and "dob_missing" not in kinds:
            assert dup.date_of_birth == swap_day_month(person.date_of_birth)
            checked["dob_swap"] += 1
        if "dob_missing" in kinds:
            assert dup.date_of_birth == ""
        if not kinds & {"dob_swap", "dob_missing"}:
            assert dup.date_of_birth == person.date_of_birth
        if "surname_change" in kinds and "typo_family" not in kinds:
            assert dup.family_name != person.family_name
            checked["surname_change"] += 1
        if "typo_family" in kinds and "surname_change" not in kinds:
            assert _one_edit_apart(person.family_name, dup.family_name)
        if not kinds & {"typo_family", "surname_change"}:
            assert dup.family_name == person.family_name
        if "address_change" not in kinds:
            assert (dup.postcode, dup.address_line) == (person.postcode, person.address_line)
        if "nhs_missing" in kinds:
            assert dup.nhs_number == ""
        elif person.nhs_number:
            assert dup.nhs_number == person.nhs_number
        if "upn_missing" in kinds:
            assert dup.upn == ""
        if "sex_unknown" in kinds:
            assert dup.sex == "U"
        else:
            assert dup.sex == person.sex
    assert min(checked.values()) > 10
    assert len(checked) == 4


@given(
    name=st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12).map(str.title),
    seed=st.integers(0, 2**32),
)
def test_a_typo_is_one_edit_after_the_first_letter(name: str, seed: int) -> None:
    changed, edit = typo(name, random.Random(seed))
    assert edit in c.TYPO_EDITS
    assert changed[0] == name[0]
    assert _one_edit_apart(name, changed)


@pytest.mark.parametrize(
    ("iso", "swapped"),
    [
        ("2015-03-07", "2015-07-03"),
        ("2015-12-01", "2015-01-12"),
        ("2015-03-13", None),
        ("2015-04-04", None),
        ("", None),
    ],
)
def test_day_and_month_swap_only_when_it_makes_another_real_date(iso: str, swapped: str | None) -> None:
    assert swap_day_month(iso) == swapped


def test_nicknames_go_both_ways() -> None:
    rng = random.Random(1)
    assert nickname_of("Elizabeth", rng) in {"Liz", "Beth"}
    assert nickname_of("Bill", rng) == "William"
    assert nickname_of("Zebedee", rng) is None
    assert len(c.NICKNAMES) >= 40


# --- Identifiers ---------------------------------------------------------------------------------


def test_nhs_numbers_are_unique_valid_and_never_issued() -> None:
    """T18: synthetic data only; NHS numbers from the range the NHS never issues to patients."""
    low, high = c.NHS_OUTSIDER_RANGE
    source = NhsNumberSource(seed=3, start=low, end=high)
    numbers = [source.next() for _ in range(20_000)]
    assert len(set(numbers)) == len(numbers)
    assert all(nhs_number.is_valid(n) and low <= int(n) <= high for n in numbers)


def test_upns_are_valid_and_index_and_outsiders_never_share_one() -> None:
    index, outsiders = UpnSource(), UpnSource(outsider=True)
    inside = {index.next(year=15) for _ in range(30_000)}
    outside = {outsiders.next(year=15) for _ in range(30_000)}
    assert len(inside) == len(outside) == 30_000
    assert not inside & outside
    assert all(validate_upn(upn) == upn for upn in inside | outside)


# --- Queries -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def queries(population: list[Record]) -> list[Record]:
    return list(generate_queries(population=iter(population), count=1000, seed=SEED))


def test_queries_have_consistent_ground_truth(
    population: list[Record], primaries: dict[str, Record], queries: list[Record]
) -> None:
    assert [q.source_id for q in queries] == [f"Q{n:08d}" for n in range(1, 1001)]
    inside = [q for q in queries if q.true_id]
    outside = [q for q in queries if not q.true_id]
    assert len(inside) == 800
    assert len({q.true_id for q in inside}) == 800
    assert all(q.true_id in primaries for q in inside)
    # A corrupted version: at least one change, yet the same person underneath.
    for q in inside:
        person = primaries[q.true_id]
        assert set(q.corruptions) - c.OMISSIONS
        if q.nhs_number:
            assert q.nhs_number == person.nhs_number
        if q.upn:
            assert q.upn == person.upn
    # People not in the index share no identifier with anyone in it.
    index_ids = {v for r in population for v in (r.nhs_number, r.upn) if v}
    assert not {v for q in outside for v in (q.nhs_number, q.upn) if v} & index_ids
    assert all(nhs_number.is_valid(q.nhs_number) for q in queries if q.nhs_number)
    assert all(validate_upn(q.upn) == q.upn for q in queries if q.upn)
    # In and out of the index are mixed through the file, not in two blocks.
    first_half = sum(bool(q.true_id) for q in queries[:500])
    assert 350 < first_half < 450


def test_queries_are_reproducible(population: list[Record], queries: list[Record]) -> None:
    again = list(generate_queries(population=iter(population), count=1000, seed=SEED))
    assert [(q.row(), q.true_id) for q in again] == [(q.row(), q.true_id) for q in queries]


def test_queries_of_a_small_population_fill_up_with_people_not_in_it() -> None:
    small = list(generate_population(people=30, seed=SEED, duplicate_rate=0))
    queries = list(generate_queries(population=small, count=100, seed=SEED, in_index_ratio=0.5))
    assert len(queries) == 100
    assert sum(bool(q.true_id) for q in queries) == 30


# --- Files and the command -----------------------------------------------------------------------


def test_command_writes_the_four_files_with_a_progress_bar_and_summary(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "generate_population",
        "--people=2000",
        "--seed=4",
        f"--out={tmp_path}",
        "--queries=100",
        stdout=out,
        stderr=err,
    )
    with (tmp_path / "population.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0]) == IMPORT_HEADER
    assert "true_id" not in rows[0]
    with (tmp_path / "truth.csv").open(newline="", encoding="utf-8") as f:
        truth = list(csv.reader(f))
    assert truth[0] == ["source_id", "true_id"]
    assert [t[0] for t in truth[1:]] == [r[0] for r in rows[1:]]
    assert len({t[1] for t in truth[1:]}) == 2000
    with (tmp_path / "queries.csv").open(newline="", encoding="utf-8") as f:
        query_rows = list(csv.reader(f))
    with (tmp_path / "queries_truth.csv").open(newline="", encoding="utf-8") as f:
        answers = list(csv.reader(f))
    assert tuple(query_rows[0]) == IMPORT_HEADER
    assert answers[0] == ["query_id", "true_id"]
    assert [a[0] for a in answers[1:]] == [q[0] for q in query_rows[1:]]
    people = {t[1] for t in truth[1:]}
    assert sum(a[1] == "" for a in answers[1:]) == 20
    assert all(a[1] in people for a in answers[1:] if a[1])
    assert "100%" in err.getvalue()
    summary = out.getvalue()
    assert "2000 persons" in summary
    assert "100 queries (80 of people in the index, 20 not in it)" in summary
    assert "peak memory" in summary


def test_command_without_queries_writes_only_the_population(tmp_path: Path) -> None:
    call_command(
        "generate_population", "--people=50", f"--out={tmp_path}", stdout=io.StringIO(), stderr=io.StringIO()
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["population.csv", "truth.csv"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--people=0"], "--people"),
        (["--people=5", "--queries=-1"], "--queries"),
        (["--people=5", "--duplicate-rate=1.5"], "--duplicate-rate"),
        (["--people=5", "--in-index-ratio=-0.1"], "--in-index-ratio"),
    ],
)
def test_command_refuses_bad_arguments(tmp_path: Path, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command(
            "generate_population", *args, f"--out={tmp_path}", stdout=io.StringIO(), stderr=io.StringIO()
        )
    assert not list(tmp_path.iterdir())


def test_command_refuses_a_file_as_output(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("x")
    with pytest.raises(CommandError, match="not a directory"):
        call_command(
            "generate_population", "--people=5", f"--out={target}", stdout=io.StringIO(), stderr=io.StringIO()
        )


def test_twenty_thousand_people_are_written_fast(tmp_path: Path) -> None:
    """A million must take well under two minutes; 20,000 (plus the one-off pools) in a few seconds
    leaves room for that on a loaded two-core machine."""
    started = time.monotonic()
    summary = write_files(tmp_path, people=20_000, seed=12345, queries=500)
    elapsed = time.monotonic() - started
    assert summary.persons == 20_000
    assert summary.records > 22_000
    assert summary.queries == 500
    assert elapsed < 15, f"{elapsed:.1f} s"
    assert summary.peak_rss_mb > 0


def test_memory_does_not_grow_with_the_number_of_people() -> None:
    """Streaming: six times the people costs no more than the bounded reorder buffer."""

    def peak(people: int) -> int:
        pools_for(SEED)  # built once per seed, not per person
        tracemalloc.start()
        try:
            for _ in generate_population(people=people, seed=SEED):
                pass
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(2_000), peak(12_000)
    assert large - small < 2 * 1024 * 1024, (small, large)
