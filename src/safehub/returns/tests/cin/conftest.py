from typing import Any

import pytest
from lxml import etree

from safehub.returns.cin.builder import CinCensus, census_build


@pytest.fixture(autouse=True)
def _council(settings: Any, db: Any) -> None:
    settings.SAFEHUB_LA_OLD_CODE = "852"
    settings.SAFEHUB_RETURNS_SOFTWARE_CODE = "Safehub"


class Parsed:
    """A built census, parsed: the children by LAchildID and the data problems."""

    def __init__(self, census: CinCensus) -> None:
        self.census = census
        self.root = etree.fromstring(census.xml)
        self.children = {c.findtext("ChildIdentifiers/LAchildID"): c for c in self.root.iter("Child")}

    def child(self, child_id: str) -> Any:
        return self.children[child_id]


def build(year: int, **kwargs: Any) -> Parsed:
    return Parsed(census_build(year, **kwargs))
