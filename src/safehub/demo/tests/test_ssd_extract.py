"""The synthetic SSD extract (issue 7, item 8): headers as the SSD defines them, references that
resolve, dates in order, DfE journey rules (one open referral, no CIN/CP overlap, well-formed 903
episode chains), codes from the lists, determinism and English rates."""

import csv
import hashlib
import itertools
import json
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import nhs_number
import pytest
from django.core.management import CommandError, call_command

from safehub.demo.ssd_extract import write_ssd_extract
from safehub.demo.ssd_extract.calendar import working_days_between
from safehub.demo.ssd_extract.schema import FIELDS_FILE
from safehub.people.identifiers import validate_upn
from safehub.returns.constants import CHILD_ID_PATTERN

TODAY = date(2026, 11, 27)
CHILDREN = 2000
REFERENCE = Path("/work/shared/reference")


def read(directory: Path, table: str) -> list[dict[str, str]]:
    with (directory / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ssd")
    write_ssd_extract(out, children=CHILDREN, seed=7, today=TODAY)
    return out


@pytest.fixture(scope="module")
def tables(extract: Path) -> dict[str, list[dict[str, str]]]:
    return {path.stem: read(extract, path.stem) for path in extract.glob("*.csv")}


def test_every_table_has_the_ssd_header(extract: Path) -> None:
    expected: dict[str, list[str]] = defaultdict(list)
    with FIELDS_FILE.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            expected[row["table"]].append(row["field"])
    assert len(expected) == 48
    for table, fields in expected.items():
        with (extract / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == fields, table
        assert all(len(row) == len(fields) for row in rows), table


def test_the_shipped_field_list_is_the_reference_one() -> None:
    reference = REFERENCE / "ssd_fields.csv"
    if reference.exists():  # the shared reference copy is on the build machine, not in the repo
        assert reference.read_bytes() == FIELDS_FILE.read_bytes()


def test_every_reference_resolves(tables: dict[str, list[dict[str, str]]]) -> None:
    ids = {
        "person": {r["pers_person_id"] for r in tables["ssd_person"]},
        "referral": {r["cine_referral_id"] for r in tables["ssd_cin_episodes"]},
        "assessment": {r["cina_assessment_id"] for r in tables["ssd_cin_assessments"]},
        "s47": {r["s47e_s47_enquiry_id"] for r in tables["ssd_s47_enquiry"]},
        "icpc": {r["icpc_icpc_id"] for r in tables["ssd_initial_cp_conference"]},
        "plan": {r["cppl_cp_plan_id"] for r in tables["ssd_cp_plans"]},
        "cla": {r["clae_cla_id"] for r in tables["ssd_cla_episodes"]},
        "placement": {r["clap_cla_placement_id"] for r in tables["ssd_cla_placement"]},
        "team": {r["dept_team_id"] for r in tables["ssd_department"]},
        "worker": {r["prof_professional_id"] for r in tables["ssd_professionals"]},
    }
    checks = [
        ("ssd_cin_episodes", "cine_person_id", "person"), ("ssd_contacts", "cont_person_id", "person"),
        ("ssd_cin_assessments", "cina_referral_id", "referral"),
        ("ssd_assessment_factors", "cinf_assessment_id", "assessment"),
        ("ssd_s47_enquiry", "s47e_referral_id", "referral"), ("ssd_initial_cp_conference", "icpc_s47_enquiry_id", "s47"),
        ("ssd_cp_plans", "cppl_icpc_id", "icpc"), ("ssd_cp_plans", "cppl_referral_id", "referral"),
        ("ssd_cp_reviews", "cppr_cp_plan_id", "plan"), ("ssd_cp_visits", "cppv_cp_plan_id", "plan"),
        ("ssd_cin_plans", "cinp_referral_id", "referral"), ("ssd_cla_episodes", "clae_referral_id", "referral"),
        ("ssd_cla_episodes", "clae_cla_placement_id", "placement"), ("ssd_cla_placement", "clap_cla_id", "cla"),
        ("ssd_cla_reviews", "clar_cla_id", "cla"), ("ssd_involvements", "invo_professional_id", "worker"),
        ("ssd_involvements", "invo_professional_team", "team"), ("ssd_involvements", "invo_referral_id", "referral"),
        ("ssd_mother", "moth_person_id", "person"), ("ssd_mother", "moth_childs_person_id", "person"),
        ("ssd_care_leavers", "clea_care_leaver_worker_id", "worker"), ("ssd_permanence", "perm_cla_id", "cla"),
        ("ssd_legal_status", "lega_person_id", "person"), ("ssd_address", "addr_person_id", "person"),
        ("ssd_cin_assessments", "cina_assessment_worker_id", "worker"),
    ]  # fmt: skip
    for table, column, kind in checks:
        values = {r[column] for r in tables[table] if r[column]}
        # Mothers in care are rare (a few in a city of 2,000): their table may be empty at this size.
        assert values or table == "ssd_mother", (table, column)
        assert values <= ids[kind], (table, column, sorted(values - ids[kind])[:3])
    for table in ("ssd_cla_episodes", "ssd_cin_visits", "ssd_cp_visits", "ssd_missing", "ssd_sdq_scores"):
        column = next(f for f in tables[table][0] if f.endswith("person_id"))
        assert {r[column] for r in tables[table]} <= ids["person"], table


def _d(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def test_dates_are_in_order_and_nothing_is_after_closure(tables: dict[str, list[dict[str, str]]]) -> None:
    referrals = {r["cine_referral_id"]: r for r in tables["ssd_cin_episodes"]}
    dob = {r["pers_person_id"]: _d(r["pers_dob"]) for r in tables["ssd_person"]}
    for table, rows in tables.items():
        for row in rows:
            for field, value in row.items():
                if value and field.endswith("_date") and "target" not in field and "due" not in field:
                    assert date.fromisoformat(value) <= TODAY, (table, field, value)

    def within(ref_id: str, *days: date | None) -> None:
        ref = referrals[ref_id]
        start, close = _d(ref["cine_referral_date"]), _d(ref["cine_close_date"])
        for day in days:
            if day is not None:
                assert start <= day, (ref_id, day)  # type: ignore[operator]
                assert close is None or day <= close, (ref_id, day, close)

    for ref in referrals.values():
        assert dob[ref["cine_person_id"]] < _d(ref["cine_referral_date"])  # type: ignore[operator]
        assert bool(ref["cine_close_date"]) == bool(ref["cine_close_reason"])
    for a in tables["ssd_cin_assessments"]:
        start, auth = _d(a["cina_assessment_start_date"]), _d(a["cina_assessment_auth_date"])
        assert auth is None or start <= auth  # type: ignore[operator]
        within(a["cina_referral_id"], start, auth)
    for s in tables["ssd_s47_enquiry"]:
        within(s["s47e_referral_id"], _d(s["s47e_s47_start_date"]), _d(s["s47e_s47_end_date"]))
    plans = {}
    for p in tables["ssd_cp_plans"]:
        start, end = _d(p["cppl_cp_plan_start_date"]), _d(p["cppl_cp_plan_end_date"])
        assert end is None or start <= end  # type: ignore[operator]
        within(p["cppl_referral_id"], start, end)
        plans[p["cppl_cp_plan_id"]] = (start, end)
    for v in tables["ssd_cp_visits"]:
        start, end = plans[v["cppv_cp_plan_id"]]
        assert start <= _d(v["cppv_cp_visit_date"])
        assert end is None or _d(v["cppv_cp_visit_date"]) <= end
    for p in tables["ssd_cin_plans"]:
        within(p["cinp_referral_id"], _d(p["cinp_cin_plan_start_date"]), _d(p["cinp_cin_plan_end_date"]))
    for e in tables["ssd_cla_episodes"]:
        within(
            e["clae_referral_id"], _d(e["clae_cla_episode_start_date"]), _d(e["clae_cla_episode_ceased_date"])
        )
    for i in tables["ssd_involvements"]:
        within(
            i["invo_referral_id"], _d(i["invo_involvement_start_date"]), _d(i["invo_involvement_end_date"])
        )


def test_one_open_referral_at_a_time_and_no_cin_plan_during_a_cp_plan(
    tables: dict[str, list[dict[str, str]]],
) -> None:
    by_child = defaultdict(list)
    for r in tables["ssd_cin_episodes"]:
        by_child[r["cine_person_id"]].append((_d(r["cine_referral_date"]), _d(r["cine_close_date"])))
    for spans in by_child.values():
        spans.sort()
        for (_, close), (nxt, _) in itertools.pairwise(spans):
            assert close is not None
            assert close < nxt
    periods = defaultdict(list)
    for p in tables["ssd_cp_plans"]:
        periods[p["cppl_person_id"]].append(
            (_d(p["cppl_cp_plan_start_date"]), _d(p["cppl_cp_plan_end_date"]) or TODAY)
        )
    for p in tables["ssd_cin_plans"]:
        start, end = _d(p["cinp_cin_plan_start_date"]), _d(p["cinp_cin_plan_end_date"]) or TODAY
        for cp_start, cp_end in periods[p["cinp_person_id"]]:
            assert end < cp_start or start > cp_end, p  # type: ignore[operator]


def test_903_episode_chains_are_well_formed(tables: dict[str, list[dict[str, str]]]) -> None:
    periods = defaultdict(list)
    for e in tables["ssd_cla_episodes"]:
        periods[e["clae_cla_id"]].append(e)
    assert periods
    for episodes in periods.values():
        episodes.sort(key=lambda e: e["clae_cla_episode_start_date"])
        assert episodes[0]["clae_cla_episode_start_reason"] == "S"
        assert all(e["clae_cla_episode_start_reason"] in "LPTBU" for e in episodes[1:])
        for before, after in itertools.pairwise(episodes):
            assert before["clae_cla_episode_ceased_date"] == after["clae_cla_episode_start_date"]
            assert before["clae_cla_episode_ceased_reason"] == "X1"
        last = episodes[-1]
        assert last["clae_cla_episode_ceased_reason"] != "X1"
        assert bool(last["clae_cla_episode_ceased_date"]) == bool(last["clae_cla_episode_ceased_reason"])
    for table, key, start, end in (
        ("ssd_legal_status", "lega_person_id", "lega_legal_status_start_date", "lega_legal_status_end_date"),
        ("ssd_cla_placement", "clap_cla_id", "clap_cla_placement_start_date", "clap_cla_placement_end_date"),
    ):
        spans = defaultdict(list)
        for row in tables[table]:
            spans[row[key]].append((row[start], row[end]))
        for rows in spans.values():
            rows.sort()
            for before, after in itertools.pairwise(rows):
                assert before[1] == after[0], (table, rows)  # no gap, no overlap


def _codes(name: str) -> set[str]:
    path = Path(FIELDS_FILE).parent / "codes" / name
    return {line.split(",")[0] for line in path.read_text().splitlines()[1:]} if path.exists() else set()


def test_codes_come_from_the_dfe_lists(tables: dict[str, list[dict[str, str]]]) -> None:
    allowed = {
        ("ssd_cin_episodes", "cine_referral_source_code"): {"1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C",
            "3D", "3E", "3F", "4", "5A", "5B", "5C", "5D", "6", "7", "8", "9", "10"},
        ("ssd_cin_episodes", "cine_close_reason"): {f"RC{n}" for n in range(1, 10)} | {""},
        ("ssd_cin_episodes", "cine_cin_primary_need_code"): {f"N{n}" for n in range(1, 9)},
        # The SSD's category_of_abuse list (words, not the census codes).
        ("ssd_cp_plans", "cppl_cp_plan_initial_category"): {"Neglect", "Physical Abuse", "Sexual Abuse",
            "Emotional Abuse", "Multiple"},
        ("ssd_legal_status", "lega_legal_status"): {"C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3"},
        ("ssd_cla_episodes", "clae_cla_episode_start_reason"): set("SLPTBU"),
        ("ssd_cla_episodes", "clae_cla_episode_ceased_reason"): {"", "X1", "E11", "E12", "E2", "E3", "E4A", "E4B",
            "E13", "E41", "E45", "E46", "E47", "E48", "E5", "E6", "E7", "E9", "E14", "E15", "E16", "E17", "E8"},
        ("ssd_cla_placement", "clap_cla_placement_type"): {"A3", "A4", "A5", "A6", "H5", "K1", "K2", "P1", "P3",
            "R1", "R2", "R3", "R5", "S1", "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6"},
        ("ssd_cla_placement", "clap_cla_placement_provider"): {f"PR{n}" for n in range(6)},
        ("ssd_cla_placement", "clap_cla_placement_change_reason"): {"", "CARPL", "CLOSE", "ALLEG", "STAND", "APPRR",
            "CREQB", "CREQO", "CHILD", "LAREQ", "PLACE", "CUSTOD", "OTHER"},
        ("ssd_involvements", "invo_worker_change_reason"): {"MANAGE", "FCONTA", "LEFTRL", "ORGRST", "TSPROC",
            "ABSENC", "CHCHAN", "PCCHAN", "SWDIED", "OTHERS"},
        ("ssd_cla_reviews", "clar_cla_review_participation"): {f"PN{n}" for n in range(8)},
        ("ssd_missing", "miss_missing_episode_type"): {"M", "A"},
        ("ssd_person", "pers_sex"): {"M", "F"},
        ("ssd_person", "pers_ethnicity"): {"WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH",
            "AIND", "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"},
        ("ssd_person", "pers_upn_unknown"): {"", "UN1", "UN2", "UN3", "UN4", "UN5", "UN6", "UN7"},
        ("ssd_disability", "disa_disability_code"): {"NONE", "MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR",
            "VIS", "BEH", "CON", "AUT", "DDA"},
    }  # fmt: skip
    for (table, field), codes in allowed.items():
        seen = {row[field] for row in tables[table]}
        assert seen <= codes, (table, field, seen - codes)
    factors = {
        code
        for r in tables["ssd_assessment_factors"]
        for code in json.loads(r["cinf_assessment_factors_json"])
    }
    # CIN rules 8790 and 8794: NONE stands alone, and no code twice for a child.
    disabilities = defaultdict(list)
    for r in tables["ssd_disability"]:
        disabilities[r["disa_person_id"]].append(r["disa_disability_code"])
    assert all(len(set(c)) == len(c) and ("NONE" not in c or c == ["NONE"]) for c in disabilities.values())
    assert "18A" not in factors
    assert "19A" not in factors
    assert all(c[:-1].isdigit() or c.isdigit() for c in factors)


def test_identifiers_are_valid(tables: dict[str, list[dict[str, str]]]) -> None:
    for person in tables["ssd_person"]:
        assert CHILD_ID_PATTERN.match(person["pers_person_id"])
        if person["pers_common_child_id"]:
            assert nhs_number.is_valid(person["pers_common_child_id"])
    upns = [r["link_identifier_value"] for r in tables["ssd_linked_identifiers"]]
    assert upns
    assert all(validate_upn(upn) == upn for upn in upns)
    assert len(set(upns)) == len(upns)


def test_rates_are_english(tables: dict[str, list[dict[str, str]]]) -> None:
    referrals = tables["ssd_cin_episodes"]
    by_child = defaultdict(list)
    for r in referrals:
        by_child[r["cine_person_id"]].append(_d(r["cine_referral_date"]))
    re_referrals = sum(
        1
        for days in by_child.values()
        for a, b in zip(sorted(days), sorted(days)[1:], strict=False)
        if (b - a).days <= 365  # type: ignore[operator]
    )
    assert 0.15 <= re_referrals / len(referrals) <= 0.30
    looked_after = {e["clae_person_id"] for e in tables["ssd_cla_episodes"]}
    assert 0.045 <= len(looked_after) / CHILDREN <= 0.09
    done = [a for a in tables["ssd_cin_assessments"] if a["cina_assessment_auth_date"]]
    on_time = sum(
        working_days_between(
            _d(a["cina_assessment_start_date"]).toordinal(), _d(a["cina_assessment_auth_date"]).toordinal()
        )  # type: ignore[union-attr]
        <= 45
        for a in done
    )
    assert 0.80 <= on_time / len(done) <= 0.92
    categories = Counter(p["cppl_cp_plan_initial_category"] for p in tables["ssd_cp_plans"])
    assert 0.40 <= categories["Neglect"] / sum(categories.values()) <= 0.60
    assert 0.07 <= len(tables["ssd_cp_plans"]) / len(referrals) <= 0.16
    nfa = sum(r["cine_referral_nfa"] == "Y" for r in referrals)
    assert 0.03 <= nfa / len(referrals) <= 0.12
    assert tables["ssd_permanence"]
    assert tables["ssd_care_leavers"]
    assert tables["ssd_missing"]


def _digest(directory: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.csv")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def test_same_seed_same_files_other_seed_other_files(tmp_path: Path) -> None:
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        write_ssd_extract(tmp_path / name, children=150, seed=seed, today=TODAY)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")


def test_the_sink_refuses_a_field_its_table_does_not_have(tmp_path: Path) -> None:
    from safehub.demo.ssd_extract.sink import Sink

    sink = Sink(tmp_path)
    with pytest.raises(ValueError, match="ssd_person has no field pers_nickname"):
        sink.write("ssd_person", {"pers_person_id": "C1", "pers_nickname": "Bill"})
    sink.close()


def test_command_writes_the_extract_with_duplicates(tmp_path: Path) -> None:
    call_command("demo_ssd_extract", "--children", "300", "--out", str(tmp_path), "--today", "2026-11-27",
                 "--dirty", "10", "--seed", "2")  # fmt: skip
    people = read(tmp_path, "ssd_person")
    duplicates = [p for p in people if p["pers_person_id"].startswith("D")]
    assert 10 <= len(duplicates) <= 60
    originals = {(p["pers_dob"], p["pers_sex"]) for p in people if p["pers_person_id"].startswith("C")}
    assert all((d["pers_dob"], d["pers_sex"]) in originals for d in duplicates)
    with pytest.raises(CommandError, match="--children must be at least 1"):
        call_command("demo_ssd_extract", "--children", "0", "--out", str(tmp_path))
    with pytest.raises(CommandError, match="--dirty must be a percentage"):
        call_command("demo_ssd_extract", "--children", "5", "--dirty", "150", "--out", str(tmp_path))
