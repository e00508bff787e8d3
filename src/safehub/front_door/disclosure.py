"""Small-cell suppression for published counts (R22): which cells of a table to hide.

A count from 1 to 4 is shown as "fewer than 5". Where parts add up to a shown total (a
"group"), further cells are hidden ("not shown") until no hidden cell can be worked out from
the total, the shown cells and what the labels tell a reader; then every group's sums are solved
together, so a cycle of rows and columns cannot pin a cell down either. Used by the MASH
dashboard; docs/domain/mash-dashboard.md explains the method and what it does not cover.
"""

import math
from collections import defaultdict
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass

SMALL_CELL_MAX = 4
SUPPRESSED = "fewer than 5"
WITHHELD = "not shown"  # a count of 5 or more hidden so that a small one beside it stays hidden


@dataclass(frozen=True)
class Cell:
    """One count as it may be shown: `text` is the number, "fewer than 5" for a small count, or
    "not shown" for a count hidden only to protect a small one beside it (R22)."""

    value: int
    hidden: bool = False
    withheld: bool = False  # hidden to protect another cell, not because it is small itself

    @property
    def text(self) -> str:
        if self.withheld:
            return WITHHELD
        return SUPPRESSED if self.hidden else f"{self.value:,}"

    @property
    def short(self) -> str:
        """For a chart's label: "<5", "n/s" or the number."""
        if self.withheld:
            return "n/s"
        return "<5" if self.hidden else str(self.value)

    @property
    def shown(self) -> int | None:
        """The number a chart may draw; None when it must not be drawn."""
        return None if self.hidden else self.value


def cell(value: int) -> Cell:
    return Cell(value=value, hidden=_small(value))


def _small(value: int) -> bool:
    return 1 <= value <= SMALL_CELL_MAX


@dataclass(frozen=True)
class Rate:
    """`part` of `whole` as a percentage, hidden when either is a small cell."""

    part: int
    whole: int

    @property
    def hidden(self) -> bool:
        return _small(self.part) or _small(self.whole)

    @property
    def text(self) -> str:
        if self.whole == 0:
            return "none"
        if self.hidden:
            return f"not shown ({SUPPRESSED})"
        return f"{round(100 * self.part / self.whole)}%"


# --- complementary suppression ------------------------------------------------------------------
@dataclass(frozen=True)
class Group:
    """Cells that add up to another: sum(parts) == total, both as a reader may see them."""

    total: Hashable
    parts: tuple[Hashable, ...]


def protect(
    values: Mapping[Hashable, int], groups: Sequence[Group], known: Collection[Hashable] = ()
) -> dict[Hashable, Cell]:
    """Every value as a cell, small ones hidden and as many others withheld as it takes for no
    hidden cell to be worked out from any group (R22).

    `known` are figures a reader may know without the page showing them (the contacts not yet
    decided): never hidden, never withheld, always counted as known. Groups are checked again
    and again until a whole pass changes nothing; each change hides one more cell, so it ends.
    """
    small = {k for k, v in values.items() if _small(v) and k not in known}
    # A withheld cell, and the group it was picked in when it was that group's smallest candidate
    # (a reader who knows the rule then knows it is at most the smallest count left beside it).
    withheld: dict[Hashable, Group | None] = {}
    member: dict[Hashable, list[Group]] = defaultdict(list)
    for group in groups:
        for key in (group.total, *group.parts):
            member[key].append(group)
    changed = True
    while changed:
        changed = False
        for group in groups:
            if _exposed(group, values, small, withheld, known):
                changed |= _withhold(group, values, small, withheld, known, member)
        if changed:
            continue
        # Each group holds on its own; groups chained together can still pin a cell down (a cycle
        # of rows and columns), which only solving them all at once shows.
        for key in _solvable(groups, small | set(withheld)):
            if any(_withhold(group, values, small, withheld, known, member) for group in member[key]):
                changed = True
                break
    return {
        key: Cell(value=v, hidden=key in small or key in withheld, withheld=key in withheld)
        for key, v in values.items()
    }


def _withhold(
    group: Group,
    values: Mapping[Hashable, int],
    small: set[Hashable],
    withheld: dict[Hashable, Group | None],
    known: Collection[Hashable],
    member: Mapping[Hashable, list[Group]],
) -> bool:
    picked = _complement(group, values, small | set(withheld), known, member)
    if picked is None:
        return False
    key, smallest = picked
    withheld[key] = group if smallest else None
    return True


_PRIME = 2**61 - 1  # exact elimination in integers modulo a prime; the coefficients are all +-1


def _solvable(groups: Sequence[Group], hidden: set[Hashable]) -> list[Hashable]:
    """Hidden cells whose value follows from the groups' sums alone, taken together: a cell is
    pinned down when the reduced system has an equation in that cell and no other."""
    order = sorted(hidden, key=repr)
    index = {key: i for i, key in enumerate(order)}
    pivots: dict[int, dict[int, int]] = {}
    for group in groups:
        terms = [(group.total, 1), *((part, -1) for part in group.parts)]
        row = {index[k]: sign % _PRIME for k, sign in terms if k in hidden}
        # Pivot rows are fully reduced (no other pivot column in them), so one pass clears them all.
        for col in [c for c in row if c in pivots]:
            _eliminate(row, col, pivots[col])
        if not row:
            continue
        lead = min(row)
        inverse = pow(row[lead], _PRIME - 2, _PRIME)
        row = {c: v * inverse % _PRIME for c, v in row.items()}
        for other in pivots.values():
            if lead in other:
                _eliminate(other, lead, row)
        pivots[lead] = row
    return [order[col] for col, row in sorted(pivots.items()) if len(row) == 1]


def _eliminate(row: dict[int, int], col: int, pivot: dict[int, int]) -> None:
    """row -= row[col] * pivot (pivot[col] == 1), dropping zeros."""
    factor = row.get(col, 0)
    if not factor:
        return
    for c, v in pivot.items():
        value = (row.get(c, 0) - factor * v) % _PRIME
        if value:
            row[c] = value
        else:
            row.pop(c, None)


def _exposed(
    group: Group,
    values: Mapping[Hashable, int],
    small: set[Hashable],
    withheld: Mapping[Hashable, Group | None],
    known: Collection[Hashable],
) -> bool:
    """Whether a reader can pin down a hidden cell of the group: solve total - sum(parts) = 0 for
    each hidden cell in turn, every other hidden cell anywhere in the range its label allows."""
    terms = [(group.total, 1), *((part, -1) for part in group.parts)]
    hidden = [(k, sign) for k, sign in terms if k in small or k in withheld]
    if not hidden:
        return False
    constant = sum(sign * values[k] for k, sign in terms if not (k in small or k in withheld))
    hidden_keys = small | set(withheld)
    # The counts a part could have been picked from, smallest first: shown, non-zero, not `known`.
    shown = [values[p] for p in group.parts if values[p] > 0 and p not in hidden_keys and p not in known]
    cap = float(min(shown)) if shown else math.inf

    def bounds(key: Hashable) -> tuple[float, float]:
        if key in small:
            return 1.0, float(SMALL_CELL_MAX)
        return float(SMALL_CELL_MAX + 1), cap if withheld.get(key) is group else math.inf

    for key, sign in hidden:
        # sign * x_key == -constant - sum(other hidden terms); take that sum's extremes.
        low = high = float(-constant)
        for other, other_sign in hidden:
            if other == key:
                continue
            lo, hi = bounds(other)
            low -= hi if other_sign > 0 else -lo
            high -= lo if other_sign > 0 else -hi
        if sign < 0:
            low, high = -high, -low
        own_lo, own_hi = bounds(key)
        if max(low, own_lo) >= min(high, own_hi):
            return True
    return False


def _complement(
    group: Group,
    values: Mapping[Hashable, int],
    hidden: set[Hashable],
    known: Collection[Hashable],
    member: Mapping[Hashable, list[Group]],
) -> tuple[Hashable, bool] | None:
    """The next cell to withhold in an exposed group, and whether it is the smallest candidate: a
    part before the total, one that is not the only other count in another group (withholding it
    there would expose it at once), then the smallest."""

    def isolated(key: Hashable) -> bool:
        for other in member[key]:
            if other is group:
                continue
            rest = [k for k in (other.total, *other.parts) if k != key]
            if not any(k in hidden or (values[k] > 0 and k not in known) for k in rest):
                return True
        return False

    order = [*group.parts, group.total]
    candidates = [k for k in order if k not in hidden and k not in known and values[k] > 0]
    if not candidates:
        return None
    pick = min(candidates, key=lambda k: (k == group.total, isolated(k), values[k], order.index(k)))
    parts = [k for k in candidates if k != group.total]
    return pick, pick != group.total and values[pick] == min(values[k] for k in parts)


def suppress_group(values: Sequence[int]) -> list[Cell]:
    """Cells of a group whose total is shown, protected against subtraction from that total."""
    parts = tuple(range(len(values)))
    total = "total"
    cells = protect({total: sum(values), **dict(zip(parts, values, strict=True))}, [Group(total, parts)])
    return [cells[i] for i in parts]


# --- the dashboard's shape ----------------------------------------------------------------------
