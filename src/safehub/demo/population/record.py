"""One row of a generated file: the import header of issue 3 plus the hidden truth."""

from dataclasses import dataclass

from safehub.people.constants import IMPORT_HEADER

__all__ = ["IMPORT_HEADER", "Record"]


@dataclass(slots=True)
class Record:
    source_id: str
    given_name: str
    family_name: str
    date_of_birth: str  # ISO 8601, or "" when the record has none
    sex: str  # M, F or U
    postcode: str
    address_line: str
    nhs_number: str
    upn: str
    # Hidden: the real person this record belongs to ("" for a query of someone not in the index),
    # whether this is the person's first record, and what was done to it.
    true_id: str = ""
    primary: bool = True
    corruptions: tuple[str, ...] = ()

    def row(self) -> tuple[str, ...]:
        """The values in IMPORT_HEADER order, as the CSV holds them."""
        return (
            self.source_id,
            self.given_name,
            self.family_name,
            self.date_of_birth,
            self.sex,
            self.postcode,
            self.address_line,
            self.nhs_number,
            self.upn,
        )

    def copy(self) -> "Record":
        # Spelled out: dataclasses.replace costs several times more, a million times over.
        return Record(
            self.source_id,
            self.given_name,
            self.family_name,
            self.date_of_birth,
            self.sex,
            self.postcode,
            self.address_line,
            self.nhs_number,
            self.upn,
            self.true_id,
            self.primary,
            self.corruptions,
        )
