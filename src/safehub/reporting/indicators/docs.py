"""`docs/indicators.md`, written from the registry so the page cannot drift from the code."""

from .base import Kind, indicators

INTRO = """# Indicators

Every figure Safehub reports is defined once, in code (`src/safehub/reporting/indicators/`), and
worked out from the records behind it (ADR 0009). This page is written from those definitions; a
test fails if they differ. `safehub reporting indicators --year YYYY --out FILE.csv` writes
`indicator,value,numerator,denominator` for the collection year 1 April YYYY-1 to 31 March YYYY.

- Percentages and rates are given to one decimal place, halves rounded up, as the DfE releases do.
- A percentage with no records in its denominator is "no data" (an empty value), never 0.
- A rate per 10,000 needs the year's under-18 population (`safehub reporting set-population`);
  without one it is "no data".
- Working days leave out weekends, England bank holidays and the council's closures: the same
  calendar as the clocks social workers see.
"""


def markdown() -> str:
    parts = [INTRO]
    for indicator in indicators():
        parts.append(f"## `{indicator.id}`: {indicator.title}\n")
        rows = [("Kind", str(indicator.kind)), ("Period", indicator.period)]
        if indicator.kind == Kind.RATE:
            rows.append(("Rate of", f"`{indicator.rate_of}` per 10,000 children under 18"))
        rows += [
            ("Counts", indicator.population),
            ("Source", indicator.source),
            ("Formula", indicator.formula),
        ]
        parts.append("| | |\n|---|---|\n" + "".join(f"| {name} | {_cell(text)} |\n" for name, text in rows))
    return "\n".join(parts)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
