"""The CIN census XSD the returns are checked against, brought up to the 2024-25 specification.

The reference schema (`CIN_schema_2024.xsd`, from liia-tools) is the 2023-24 shape. Two things
changed or are wrong there, and the DfE validator is the authority on both:
- from 2024-25 <Sex> (M, F, U) replaced <GenderCurrent> (1, 2, 0, 9) in ChildIdentifiers
  (rules 4180 and 8750 read Sex; 2023-24's GenderCurrent is no longer read);
- <NumberOfPreviousCPP> is typed xs:positiveInteger, but the DfE item N00106 is "greater than
  or equal to zero" (rule 8730): a child's first plan has 0 previous plans.
`census_schema()` applies exactly those two edits to the reference file, nothing else.
"""

from functools import cache
from pathlib import Path

from django.conf import settings
from lxml import etree

SCHEMA_FILE = "CIN_schema_2024.xsd"
XS = "{http://www.w3.org/2001/XMLSchema}"


def reference_schema_path() -> Path:
    return Path(settings.SAFEHUB_REFERENCE_DIR) / SCHEMA_FILE


@cache
def census_schema() -> etree.XMLSchema:
    tree = etree.parse(str(reference_schema_path()))
    root = tree.getroot()
    for element in root.iter(f"{XS}element"):
        if element.get("name") == "GenderCurrent":
            element.set("name", "Sex")
            element.set("type", "sextype")
        elif element.get("name") == "NumberOfPreviousCPP":
            element.set("type", "xs:nonNegativeInteger")
    sex = etree.SubElement(root, f"{XS}simpleType", name="sextype")
    restriction = etree.SubElement(sex, f"{XS}restriction", base="xs:string")
    for code in ("M", "F", "U"):
        etree.SubElement(restriction, f"{XS}enumeration", value=code)
    return etree.XMLSchema(tree)


def schema_errors(xml: bytes) -> list[str]:
    """Every way `xml` breaks the schema, one line each ("line 12: ..."); empty when it is valid."""
    schema = census_schema()
    document = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    if schema.validate(document):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]
