"""`write_ssd_extract`: a coherent synthetic city as one CSV per SSD table, streamed to disk."""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..population.pools import pools_for
from .cin_cp import contact
from .codes import REFERRAL_SOURCE
from .context import Context, write_workforce
from .people import People
from .referral import referral
from .sink import Sink

# A child's chance of being looked after at some point (DfE: ~6% of children with a referral in
# six years; a little higher here because late referrals run out of time), and of being UASC.
LOOKED_AFTER = 0.075
UASC = 0.004
# After a referral closes: another within 12 months of it (a re-referral, DfE 22%), or later.
RE_REFERRAL, LATER_REFERRAL = 0.33, 0.10
EXTRA_CONTACT = 0.35
PROGRESS_EVERY = 1000


@dataclass(frozen=True)
class ExtractSummary:
    children: int
    rows: dict[str, int]
    stats: dict[str, int]

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def write_ssd_extract(
    out_dir: Path,
    *,
    children: int,
    years: int = 6,
    seed: int,
    today: date,
    dirty: float = 0.0,
    advance: Callable[[str], None] | None = None,
    strict: bool = True,
) -> ExtractSummary:
    """Write `<table>.csv` for every SSD table to `out_dir`: `children` children with social care
    involvement over `years` years up to `today`. `dirty` (0-1) is the share of children given a
    second person row with a typo (for the matcher). Same arguments, same files."""
    if children < 1 or years < 1:
        raise ValueError("children and years must be at least 1")
    if not 0 <= dirty <= 1:
        raise ValueError("dirty must be between 0 and 1")
    # Reproducible synthetic data, not secrets.
    rng = random.Random(seed)  # noqa: S311  # nosec B311
    sink = Sink(Path(out_dir), strict=strict)
    end = today.toordinal()
    ctx = Context(rng=rng, sink=sink, today=end, start=end - round(years * 365.25), pools=pools_for(seed))
    ctx.dirty_rate = dirty
    try:
        write_workforce(ctx, children)
        people = People(ctx, seed)
        for number in range(children):
            _child_history(ctx, people)
            if advance and (number + 1) % PROGRESS_EVERY == 0:
                advance("children")
        people.write_duplicates()
    finally:
        sink.close()
    if advance and children % PROGRESS_EVERY:
        advance("children")
    return ExtractSummary(children=children, rows=dict(sink.counts), stats=dict(ctx.stats))


def _child_history(ctx: Context, people: People) -> None:
    rng, today = ctx.rng, ctx.today
    first = rng.randint(ctx.start, today)
    child, _, _ = people.child(first, uasc=rng.random() < UASC)
    child.wants_care = child.uasc or rng.random() < LOOKED_AFTER
    ctx.stats["children"] += 1
    if rng.random() < EXTRA_CONTACT and first - 30 > max(ctx.start, child.dob):
        # An earlier contact that went no further (advice, signposting).
        contact(ctx, child, first - ctx.between(30, 200), REFERRAL_SOURCE.draw(rng), referral=False)
    day = max(first, child.dob + 1)
    previous: int | None = None
    while day <= today and day < child.age18:
        if previous is not None and day - previous <= 365:
            ctx.stats["re_referrals"] += 1
        close = referral(ctx, child, day, people)
        if close is None:
            return
        previous, after = day, close + 1
        draw = rng.random()
        if draw < RE_REFERRAL and day + 365 > after:
            day = rng.randint(after, day + 365)
        elif draw < RE_REFERRAL + LATER_REFERRAL:
            day = max(after, day + 366) + ctx.between(0, 700)
        else:
            return
