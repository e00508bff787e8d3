"""Vacancies, availability on dates, and the sufficiency figures on a seeded population (pure)."""

from datetime import date

from safehub.looked_after.sufficiency import (
    HouseholdRow,
    PlacementRow,
    RequestRow,
    bands_overlapping,
    compute,
    group_bucket,
    is_approved_on,
    is_available,
    month_ends,
    placed_counts,
    vacancies,
)

TODAY = date(2026, 3, 15)


def hh(id: str, **kw) -> HouseholdRow:
    base = {
        "id": id,
        "kind": "foster",
        "status": "approved",
        "approved_on": date(2025, 1, 1),
        "ended_on": None,
        "in_area": True,
        "age_from": 0,
        "age_to": 17,
        "places": 2,
        "sibling_group_max": 2,
    }
    base.update(kw)
    return HouseholdRow(**base)


def test_vacancies_count_children_placed_on_the_day_and_the_move_day_frees_the_place() -> None:
    h = hh("a", places=3)
    placements = [
        PlacementRow("a", date(2026, 1, 1), None),
        PlacementRow("a", date(2026, 2, 1), date(2026, 3, 1)),
        PlacementRow("a", date(2026, 4, 1), None),  # not started yet
    ]
    assert vacancies(h, placed_counts(placements, date(2026, 2, 28))) == 1
    assert vacancies(h, placed_counts(placements, date(2026, 3, 1))) == 2  # ended that day
    assert vacancies(h, placed_counts(placements, date(2025, 12, 31))) == 3


def test_availability_follows_approval_end_and_a_hold_only_today() -> None:
    placed = placed_counts([], TODAY)
    assert not is_approved_on(hh("a"), date(2024, 12, 31), today=TODAY)
    assert is_approved_on(hh("a"), date(2025, 1, 1), today=TODAY)
    ended = hh("b", status="ended", ended_on=date(2026, 2, 1))
    assert is_approved_on(ended, date(2026, 1, 31), today=TODAY)
    assert not is_approved_on(ended, date(2026, 2, 1), today=TODAY)
    held = hh("c", status="on_hold")
    assert not is_available(held, placed, TODAY, today=TODAY)
    assert is_available(held, placed, date(2026, 1, 31), today=TODAY)  # no dates for a hold
    assert not is_approved_on(hh("d", status="assessment", approved_on=None), TODAY, today=TODAY)
    full = hh("e", places=1, sibling_group_max=1)
    assert not is_available(
        full, placed_counts([PlacementRow("e", date(2026, 1, 1), None)], TODAY), TODAY, today=TODAY
    )


def test_bands_and_buckets() -> None:
    assert bands_overlapping(3, 6) == ["1 to 4", "5 to 9"]
    assert bands_overlapping(0, 17) == ["Under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over"]
    assert [group_bucket(n) for n in (1, 2, 3, 5)] == ["1", "2", "3+", "3+"]
    assert month_ends(date(2026, 3, 15), 3) == [date(2025, 12, 31), date(2026, 1, 31), date(2026, 2, 28)]
    assert month_ends(date(2026, 3, 31), 1) == [date(2026, 3, 31)]


def test_a_seeded_population_gives_exact_counts() -> None:
    households = [
        hh("f1", age_from=0, age_to=4, places=2, sibling_group_max=2),  # 1 placed: 1 vacancy -> group 1
        hh("f2", age_from=5, age_to=15, places=3, sibling_group_max=3, in_area=False),  # 3 free -> 3+
        hh("f3", status="on_hold"),  # not available today
        hh("a1", kind="adopters", age_from=0, age_to=4, places=1, sibling_group_max=1),
        hh("x1", status="assessment", approved_on=None),
        hh("f4", places=1, sibling_group_max=1),  # full
    ]
    placements = [
        PlacementRow("f1", date(2026, 1, 10), None, in_area=True),
        PlacementRow("f4", date(2025, 6, 1), None, in_area=True),
        PlacementRow(None, date(2025, 11, 1), None, in_area=False),  # residential, out of area
        PlacementRow(None, date(2025, 11, 1), None, in_area=None),  # unknown
        PlacementRow(None, date(2025, 1, 1), date(2025, 12, 1), in_area=False),  # ended
    ]
    requests = [
        RequestRow("foster", date(2019, 5, 1), 1, date(2026, 2, 1), None),  # age 6 -> 5 to 9, group 1
        RequestRow("foster", date(2012, 1, 1), 3, date(2026, 3, 1), None),  # age 14, group 3+
        RequestRow("foster", date(2012, 1, 1), 2, date(2026, 1, 1), date(2026, 2, 1)),  # closed
        RequestRow("adopters", date(2025, 6, 1), 1, date(2026, 3, 10), None),  # under 1
        RequestRow("foster", None, 1, date(2026, 3, 1), None),  # age not recorded
    ]
    view = compute(
        on=TODAY, today=TODAY, months=3, households=households, placements=placements, requests=requests
    )
    assert dict(view.need) == {
        ("foster", "5 to 9", "1"): 1,
        ("foster", "10 to 15", "3+"): 1,
        ("adopters", "Under 1", "1"): 1,
        ("foster", "Age not recorded", "1"): 1,
    }
    assert dict(view.supply) == {
        ("foster", "Under 1", "1"): 1,
        ("foster", "1 to 4", "1"): 1,
        ("foster", "5 to 9", "3+"): 1,
        ("foster", "10 to 15", "3+"): 1,
        ("adopters", "Under 1", "1"): 1,
        ("adopters", "1 to 4", "1"): 1,
    }
    assert dict(view.households_by_area) == {("foster", True): 1, ("foster", False): 1, ("adopters", True): 1}
    assert dict(view.children_by_area) == {"in": 2, "out": 1, "unknown": 1}
    by_kind = {row["kind"]: row for row in view.totals_by_kind()}
    assert by_kind["Foster carers (mainstream)"]["need"] == 3
    assert [
        (p.on, p.open_requests, p.available_households, p.vacancies, p.placed_out_of_area)
        for p in view.series
    ] == [
        # 31 Dec: no requests; f1 (2 free), f2 (3), f3 (2, hold counts in the past), a1 (1); f4 full.
        (date(2025, 12, 31), 0, 4, 8, 1),
        # 31 Jan: one request open; f1 now has a child.
        (date(2026, 1, 31), 1, 4, 7, 1),
        # 28 Feb: the January request closed on 1 Feb, the February one is open.
        (date(2026, 2, 28), 1, 4, 7, 1),
    ]


def _published(requests, households=(), placements=(), on=TODAY):
    from safehub.looked_after.sufficiency import publish

    view = compute(
        on=on,
        today=TODAY,
        months=3,
        households=list(households),
        placements=list(placements),
        requests=requests,
    )
    return publish(view)


def test_small_cells_are_fewer_than_five_and_the_sums_above_them_not_shown() -> None:
    """R22: 2 children aged 6 and 6 aged 14 waiting: the 2 is hidden, and so is the foster total (8)
    that would give it away by subtraction, and the row's shortfall, and the month end's total."""
    requests = [RequestRow("foster", date(2019, 5, 1), 1, date(2026, 2, 1), None)] * 2 + [
        RequestRow("foster", date(2012, 1, 1), 1, date(2026, 2, 1), None)
    ] * 6
    shown = _published(requests, on=date(2026, 2, 28))
    rows = {row["band"]: row for row in shown.rows}
    assert rows["5 to 9"]["need"][0].text == "fewer than 5"
    assert rows["5 to 9"]["shortfall"].text == "not shown"
    assert rows["10 to 15"]["need"][0].text == "6"
    assert rows["10 to 15"]["shortfall"].text == "6"
    foster = next(t for t in shown.totals if t["kind"] == "Foster carers (mainstream)")
    assert foster["need"].text == "not shown"
    assert shown.series[-1]["on"] == date(2026, 2, 28)
    assert shown.series[-1]["open_requests"].text == "not shown"  # the same date, the same rule


def test_counts_of_five_or_more_and_zero_are_shown() -> None:
    requests = [RequestRow("foster", date(2012, 1, 1), 1, date(2026, 2, 1), None)] * 5
    shown = _published(requests)
    foster = next(t for t in shown.totals if t["kind"] == "Foster carers (mainstream)")
    assert (foster["need"].text, foster["in_area"].text) == ("5", "0")
    assert [p["open_requests"].text for p in shown.series] == ["0", "0", "5"]


def test_the_chart_draws_no_bar_for_a_hidden_count() -> None:
    from safehub.looked_after.sufficiency import figure
    from safehub.looked_after.web.sufficiency_chart import grouped_bars

    chart = grouped_bars(["A", "B"], [("Children", [figure(3), figure(12)])])
    hidden, shown = (group.bars[0] for group in chart.groups)
    assert (hidden.height, hidden.label) == (0, "<5")
    assert "fewer than 5" in hidden.title
    assert shown.label == "12"
    assert chart.axis_max == 12  # scaled by shown figures only
