"""Write the census records as the DfE `Message` XML, in the XSD's element order.

No namespace (the DfE's validator reads plain `root.find("Header")`), UTF-8, two-space indents,
and nothing that varies between runs except the header's serial number and time, so the same
record gives the same bytes (the golden-file test relies on it).
"""

from collections.abc import Iterable
from datetime import date

from lxml import etree

from . import codes
from .records import ChildRow, EpisodeRow, Header


def census_xml(header: Header, children: Iterable[ChildRow]) -> bytes:
    message = etree.Element("Message")
    _header(etree.SubElement(message, "Header"), header)
    children_element = etree.SubElement(message, "Children")
    for child in children:
        _child(etree.SubElement(children_element, "Child"), child)
    etree.indent(message, space="  ")
    return etree.tostring(message, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _text(parent: etree._Element, name: str, value: str | int | date | None) -> None:
    """Add <name>value</name>; nothing at all when the value is None (an optional element left out)."""
    if value is None:
        return
    element = etree.SubElement(parent, name)
    element.text = value.isoformat() if isinstance(value, date) else str(value)


def _flag(value: bool) -> str:
    return codes.TRUE if value else codes.FALSE


def _header(element: etree._Element, header: Header) -> None:
    details = etree.SubElement(element, "CollectionDetails")
    _text(details, "Collection", "CIN")
    _text(details, "Year", header.year)
    _text(details, "ReferenceDate", header.reference_date)
    source = etree.SubElement(element, "Source")
    _text(source, "SourceLevel", "L")
    _text(source, "LEA", header.la_code)
    _text(source, "SoftwareCode", header.software_code)
    _text(source, "Release", header.release)
    _text(source, "SerialNo", header.serial_no)
    _text(source, "DateTime", header.produced_at)


def _child(element: etree._Element, child: ChildRow) -> None:
    identifiers = etree.SubElement(element, "ChildIdentifiers")
    _text(identifiers, "LAchildID", child.child_id)
    _text(identifiers, "UPN", child.upn)
    _text(identifiers, "FormerUPN", child.former_upn)
    _text(identifiers, "UPNunknown", child.upn_unknown)
    _text(identifiers, "PersonBirthDate", child.birth_date)
    _text(identifiers, "ExpectedPersonBirthDate", child.expected_birth_date)
    # 2024-25 onwards: <Sex> (M/F/U) where the 2023-24 schema had <GenderCurrent> (rule 4180).
    _text(identifiers, "Sex", child.sex)
    _text(identifiers, "PersonDeathDate", child.death_date)
    characteristics = etree.SubElement(element, "ChildCharacteristics")
    _text(characteristics, "Ethnicity", child.ethnicity)
    if child.disabilities:
        disabilities = etree.SubElement(characteristics, "Disabilities")
        for code in child.disabilities:
            _text(disabilities, "Disability", code)
    for episode in child.episodes:
        _episode(etree.SubElement(element, "CINdetails"), episode)


def _episode(element: etree._Element, episode: EpisodeRow) -> None:
    _text(element, "CINreferralDate", episode.referral_date)
    _text(element, "ReferralSource", episode.source)
    _text(element, "PrimaryNeedCode", episode.primary_need)
    _text(element, "CINclosureDate", episode.closed)
    _text(element, "ReasonForClosure", episode.closure_reason)
    _text(element, "DateOfInitialCPC", episode.initial_cpc)
    for assessment in episode.assessments:
        block = etree.SubElement(element, "Assessments")
        _text(block, "AssessmentActualStartDate", assessment.started)
        _text(block, "AssessmentAuthorisationDate", assessment.authorised)
        if assessment.factors:
            factors = etree.SubElement(block, "FactorsIdentifiedAtAssessment")
            for code in assessment.factors:
                _text(factors, "AssessmentFactors", code)
    for plan in episode.cin_plans:
        block = etree.SubElement(element, "CINPlanDates")
        _text(block, "CINPlanStartDate", plan.started)
        _text(block, "CINPlanEndDate", plan.ended)
    for enquiry in episode.section47s:
        block = etree.SubElement(element, "Section47")
        _text(block, "S47ActualStartDate", enquiry.started)
        _text(block, "InitialCPCtarget", enquiry.icpc_target)
        _text(block, "DateOfInitialCPC", enquiry.icpc_held)
        _text(block, "ICPCnotRequired", _flag(enquiry.icpc_not_required))
    _text(element, "ReferralNFA", _flag(episode.nfa))
    for cp_plan in episode.cp_plans:
        block = etree.SubElement(element, "ChildProtectionPlans")
        _text(block, "CPPstartDate", cp_plan.started)
        _text(block, "CPPendDate", cp_plan.ended)
        _text(block, "InitialCategoryOfAbuse", cp_plan.initial_category)
        _text(block, "LatestCategoryOfAbuse", cp_plan.latest_category)
        _text(block, "NumberOfPreviousCPP", cp_plan.previous_plans)
        if cp_plan.reviews:
            reviews = etree.SubElement(block, "Reviews")
            for day in cp_plan.reviews:
                _text(reviews, "CPPreviewDate", day)
