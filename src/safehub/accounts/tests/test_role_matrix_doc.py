"""The role x function matrix in docs/domain/access.md is the one in the code (R18, ASVS 8.1.1)."""

from pathlib import Path

from safehub.accounts.constants import ROLE_CAPABILITIES, Capability, Role

DOC = Path(__file__).resolve().parents[4] / "docs" / "domain" / "access.md"


def _table() -> dict[str, set[str]]:
    lines = [line for line in DOC.read_text().splitlines() if line.startswith("| ")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    documented: dict[str, set[str]] = {}
    for line in lines[1:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if cells[0] in Role.labels:
            documented[cells[0]] = {header[i] for i, cell in enumerate(cells) if i and cell == "✓"}
    return documented


def test_documented_matrix_matches_the_code():
    documented = _table()
    actual = {role.label: {Capability(c).label for c in ROLE_CAPABILITIES[role]} for role in Role}
    assert documented == actual
