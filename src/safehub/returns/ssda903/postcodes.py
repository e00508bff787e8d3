"""HOME_POST and PL_POST of a period's 903 episodes, as the DfE validator reads them.

The validator derives PL_DISTANCE (miles from home), PL_LA and PL_LOCATION from these two
postcodes (`lac_validator/datastore.py`), so what is written here decides those fields too:

- Short breaks (LS V3, V4): no postcodes at all. Rule 398 refuses either postcode, and 420 a
  placement LA, which the validator derives from PL_POST.
- A child who is or was a UASC: no home postcode, so no distance (rule 406); the placement
  postcode stays, since rule 169 wants the placement's LA for every child.
- A postcode that is not one: blank and reported, never written (rule 392c refuses a postcode
  the ONS directory lacks; a malformed one never is in it). "Not known" is blank too: the
  validator then asks for it (392a, 392b) and the problem list says where to record it.
"""

from collections.abc import Sequence

from django.core.exceptions import ValidationError

from safehub.looked_after.episodes import Episode
from safehub.people.identifiers import normalise_postcode

from .scope import SHORT_BREAKS
from .tables import DataProblem

NOT_RECORDED = {
    "HOME_POST": "The home postcode when the child became looked after is not recorded: "
    "record it on the period of care (the DfE asks for it, rules 392a and 392b).",
    "PL_POST": "The placement's postcode is not recorded: record it on the placement "
    "(the DfE asks for it, rules 169 and 392b).",
}


def episode_postcodes(
    episodes: Sequence[Episode], *, child: str, uasc: bool, problems: list[DataProblem]
) -> list[tuple[str, str]]:
    """(HOME_POST, PL_POST) for each of one period's episodes, in order; each problem once."""
    reported: set[tuple[str, str]] = set()

    def note(name: str, value: str, problem: str) -> None:
        if (name, value) not in reported:
            reported.add((name, value))
            problems.append(DataProblem(child, "Episodes", name, value, problem))

    def postcode(value: str, name: str) -> str:
        text = (value or "").strip()
        if not text:
            note(name, "", NOT_RECORDED[name])
            return ""
        try:
            return normalise_postcode(text)
        except ValidationError:
            note(name, text, f"{name} {text!r} is not a postcode, so it was left blank.")
            return ""

    out: list[tuple[str, str]] = []
    for episode in episodes:
        if episode.legal_status in SHORT_BREAKS:
            out.append(("", ""))
            continue
        home = "" if uasc else postcode(episode.home_postcode, "HOME_POST")
        out.append((home, postcode(episode.placement_postcode, "PL_POST")))
    return out
