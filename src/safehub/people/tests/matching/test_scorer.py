"""The in-process scorer against Splink (ADR 0002 s.5): the same match weight for every pair."""

import itertools
import random

import pytest

from safehub.people.matching import scorer, splink_model
from safehub.people.matching.defaults import DEFAULT_PROBABILITIES
from safehub.people.matching.levels import FIELDS, best_level, splink_postcode
from safehub.people.matching.scorer import Weights

GIVEN = [
    "jane",
    "janet",
    "jan",
    "smith",
    "jon",
    "johnathan",
    "mary",
    "marie",
    "mohammed",
    "muhammad",
    "a",
    "",
]
FAMILY = [
    "smith",
    "smyth",
    "smithe",
    "jane",
    "o neil",
    "oneil",
    "brown",
    "browne",
    "nguyen",
    "ng",
    "janet",
    "",
]
DOB = ["2010-03-04", "2010-04-03", "2010-03-05", "2011-03-04", "2001-03-04", "2010-12-31", "19100304", ""]
POSTCODE = ["SW1A 1AA", "SW1A 1AB", "SW1A 1BA", "SW1A 2AA", "SW2 1AA", "S1 1AA", "M1 1AE", "1234", "1243", ""]
NHS = ["9434765919", "9434765918", "9434765991", "4010232137", "9434756919", ""]
UPN = ["A123456789012", "B123456789012", ""]
SEX = ["M", "F", ""]


def _records(count: int) -> list[dict[str, str | None]]:
    rng = random.Random(20261126)
    rows = []
    for i in range(count):
        rows.append(
            {
                "unique_id": str(i),
                "given_name": rng.choice(GIVEN) or None,
                "family_name": rng.choice(FAMILY) or None,
                "date_of_birth": rng.choice(DOB) or None,
                "sex": rng.choice(SEX) or None,
                "postcode": rng.choice(POSTCODE) or None,
                "nhs_number": rng.choice(NHS) or None,
                "upn": rng.choice(UPN) or None,
            }
        )
    return rows


def _values(row: dict[str, str | None]) -> dict[str, tuple[str, ...]]:
    return {field.name: (row[field.name],) if row[field.name] else () for field in FIELDS}  # type: ignore[misc]


def _trained_like_settings() -> dict:
    """The default settings with every probability moved, so no level shares a weight by accident."""
    settings = splink_model.default_settings()
    rng = random.Random(7)
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if not level.get("is_null_level"):
                level["m_probability"] = rng.uniform(0.01, 0.9)
                level["u_probability"] = rng.uniform(0.0001, 0.9)
    settings["probability_two_random_records_match"] = 0.0003
    return settings


@pytest.mark.parametrize("settings_source", ["defaults", "perturbed"])
def test_scorer_agrees_with_splink_predict_on_every_pair(settings_source: str) -> None:
    import pandas as pd
    from splink import DuckDBAPI, Linker, block_on

    rows = _records(180)
    settings = splink_model.default_settings() if settings_source == "defaults" else _trained_like_settings()
    frame = pd.DataFrame(rows).assign(everyone="1")
    db = DuckDBAPI()
    linker_settings = splink_model.settings_creator(
        blocking_rules=[block_on("everyone")]
    ).create_settings_dict("duckdb")
    linker_settings["comparisons"] = settings["comparisons"]
    linker_settings["probability_two_random_records_match"] = settings["probability_two_random_records_match"]
    predictions = Linker(db.register(frame), linker_settings).inference.predict().as_pandas_dataframe()
    assert len(predictions) == 180 * 179 // 2

    weights = Weights.from_table(1, splink_model.weights_from_settings(settings))
    values = {row["unique_id"]: _values(row) for row in rows}
    worst = max(
        abs(scorer.score(values[p.unique_id_l], values[p.unique_id_r], weights)[0] - p.match_weight)
        for p in predictions.itertuples()
    )
    assert worst < 1e-6


def test_default_weights_match_the_default_splink_settings() -> None:
    from_settings = Weights.from_table(0, splink_model.weights_from_settings(splink_model.default_settings()))
    built_in = scorer.default_weights()
    assert from_settings.prior == pytest.approx(built_in.prior)
    for name, levels in built_in.levels.items():
        assert [w for _, w in from_settings.levels[name]] == pytest.approx([w for _, w in levels])


def test_several_values_score_at_the_best_level() -> None:
    given = FIELDS[0]
    assert best_level(given, ("jane", "janet"), ("janet",)) == 0
    assert best_level(given, ("jane",), ()) is None
    assert best_level(given, ("smith",), ("jane",), ("jane",), ("smith",)) == 1  # swapped names


def test_probability_is_the_logistic_of_the_weight_in_base_two() -> None:
    assert scorer.probability(0) == 0.5
    assert scorer.probability(3.321928) == pytest.approx(10 / 11, abs=1e-6)
    assert scorer.probability(-5000) == 0.0


@pytest.mark.parametrize(
    ("typed", "spelled"), [("SW1A1AA", "SW1A 1AA"), ("m11ae", "M1 1AE"), ("1234", "1234")]
)
def test_postcodes_reach_splink_with_their_space(typed: str, spelled: str) -> None:
    assert splink_postcode(typed) == spelled


def test_the_weight_table_refuses_a_level_without_probabilities() -> None:
    settings = splink_model.default_settings()
    del settings["comparisons"][2]["comparison_levels"][1]["u_probability"]
    with pytest.raises(ValueError, match="date_of_birth"):
        splink_model.weights_from_settings(settings)
    filled = splink_model.fill_missing_probabilities(settings, overrides={("upn", 0): 1e-5})
    assert any("date_of_birth[0].u not estimated" in note for note in filled)
    assert any("upn[0].u set by hand" in note for note in filled)
    assert splink_model.weights_from_settings(settings)


def test_a_comparison_with_an_unlearnt_m_takes_all_its_m_from_the_defaults() -> None:
    """EM that never saw two records share an NHS number leaves m(exact) unset and m(different) 1:
    a conflicting number must still count against a match, so the whole m distribution is reset."""
    settings = splink_model.default_settings()
    nhs = next(c for c in settings["comparisons"] if c["output_column_name"] == "nhs_number")
    levels = [level for level in nhs["comparison_levels"] if not level.get("is_null_level")]
    levels[0].pop("m_probability", None)
    levels[1].pop("m_probability", None)
    levels[2]["m_probability"] = 1.0
    filled = splink_model.fill_missing_probabilities(settings, overrides={})
    assert any(note.startswith("nhs_number: m not learnt for an exact match") for note in filled)
    assert [level["m_probability"] for level in levels] == [m for m, _ in DEFAULT_PROBABILITIES["nhs_number"]]
    weights = splink_model.weights_from_settings(settings)["comparisons"]["nhs_number"]
    assert weights[2]["weight"] < -5  # "different" now counts strongly against
    assert not any(note.startswith("given_name: m not learnt") for note in filled)


def test_a_rare_level_left_unlearnt_is_filled_on_its_own() -> None:
    settings = splink_model.default_settings()
    given = next(c for c in settings["comparisons"] if c["output_column_name"] == "given_name")
    levels = [level for level in given["comparison_levels"] if not level.get("is_null_level")]
    levels[1].pop("m_probability", None)  # the name swap, absent from some data
    levels[0]["m_probability"] = 0.7
    filled = splink_model.fill_missing_probabilities(settings, overrides={})
    assert levels[0]["m_probability"] == 0.7
    assert levels[1]["m_probability"] == DEFAULT_PROBABILITIES["given_name"][1][0]
    assert any(note.startswith("given_name[1].m not estimated") for note in filled)


def test_every_level_combination_gives_a_finite_weight() -> None:
    weights = scorer.default_weights()
    for field in FIELDS:
        assert len(weights.levels[field.name]) == len(field.labels)
    for combo in itertools.islice(itertools.product(*(range(len(f.labels)) for f in FIELDS)), 2000):
        total = weights.prior + sum(
            weights.levels[f.name][level][1] for f, level in zip(FIELDS, combo, strict=True)
        )
        assert -200 < total < 200
