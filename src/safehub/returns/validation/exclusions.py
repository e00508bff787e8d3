"""Rules left out because they misfire on valid data (issue 7, item 9).

Each is here with a one-line reason and the section of docs/domain/returns-validation.md that gives
the evidence. Nothing else is excluded: a rule that flags real data must be fixed or explained.
Their findings (or crashes) are still counted and shown as "excluded", never silently dropped.
"""

from dataclasses import dataclass

DOC = "docs/domain/returns-validation.md"


@dataclass(frozen=True)
class Exclusion:
    kind: str
    rule_code: str
    reason: str
    doc: str


def _x(kind: str, code: str, reason: str, anchor: str) -> Exclusion:
    return Exclusion(kind, code, reason, f"{DOC}#{anchor}")


EXCLUSIONS: tuple[Exclusion, ...] = (
    _x(
        "903",
        "1001",
        "Flags care leavers who left care more than two years before; the tool sees only two years.",
        "903-rules-1001-and-1002",
    ),
    _x(
        "903",
        "1002",
        "Same two-year window as 1001: a care leaver whose care ended before last year looks unknown.",
        "903-rules-1001-and-1002",
    ),
    _x(
        "903",
        "SW17STG2",
        "Wants an open social worker episode at 31 March for every child, even those who left care before it.",
        "903-rule-sw17",
    ),
    _x(
        "903",
        "231",
        "Crashes in 0.1.17 on every input: it reads Header.UASC_STATUS, a column the tool never builds.",
        "903-rules-that-crash",
    ),
    _x(
        "903",
        "233",
        "Crashes in 0.1.17 on every input: it reads Episodes.DATE_EPISODE_CEASED, which is named DEC.",
        "903-rules-that-crash",
    ),
)


def excluded_rules(kind: str) -> dict[str, Exclusion]:
    """rule code -> exclusion, for one kind of return ("cin" or "903")."""
    return {e.rule_code: e for e in EXCLUSIONS if e.kind == kind}
