"""Tiny hand-written returns for the validator tests (synthetic: no real child).

CIN_VALID passes every CIN error rule for 2025-26; its one finding is the return-level query 2887Q
("fewer than 8 disability codes used"), which any return this small raises. CIN_INVALID has an
unknown referral source (rule 8866) and ethnicity (4220). The 903 set is one child in care since
May 2025 in Southampton (E06000045) with three reviews: clean for 2025-26 apart from the rules that
crash in the validator itself (231, 233). 903_INVALID has an unknown ethnicity (rule 103).
"""

from pathlib import Path

CIN_CHILD = "SH00000001"
LAC_CHILD = "SH00000002"
LA_CODE = "E06000045"
YEAR = 2026

CIN_VALID = f"""<?xml version="1.0" encoding="utf-8"?>
<Message>
  <Header>
    <CollectionDetails><Collection>CIN</Collection><Year>2026</Year><ReferenceDate>2026-03-31</ReferenceDate></CollectionDetails>
    <Source><SourceLevel>L</SourceLevel><LEA>852</LEA><SoftwareCode>Safehub</SoftwareCode><Release>1</Release><SerialNo>001</SerialNo><DateTime>2026-04-02T09:00:00</DateTime></Source>
  </Header>
  <Children>
    <Child>
      <ChildIdentifiers>
        <LAchildID>{CIN_CHILD}</LAchildID>
        <UPNunknown>UN1</UPNunknown>
        <PersonBirthDate>2023-05-10</PersonBirthDate>
        <Sex>F</Sex>
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>WBRI</Ethnicity>
        <Disabilities><Disability>NONE</Disability></Disabilities>
      </ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2025-06-02</CINreferralDate>
        <ReferralSource>3B</ReferralSource>
        <PrimaryNeedCode>N4</PrimaryNeedCode>
        <CINclosureDate>2025-09-15</CINclosureDate>
        <ReasonForClosure>RC7</ReasonForClosure>
        <ReferralNFA>false</ReferralNFA>
        <Assessments>
          <AssessmentActualStartDate>2025-06-03</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>2025-06-20</AssessmentAuthorisationDate>
          <FactorsIdentifiedAtAssessment><AssessmentFactors>3A</AssessmentFactors></FactorsIdentifiedAtAssessment>
        </Assessments>
        <CINPlanDates>
          <CINPlanStartDate>2025-06-21</CINPlanStartDate>
          <CINPlanEndDate>2025-09-15</CINPlanEndDate>
        </CINPlanDates>
      </CINdetails>
    </Child>
  </Children>
</Message>
"""

CIN_INVALID = CIN_VALID.replace("<ReferralSource>3B<", "<ReferralSource>99<").replace(
    "<Ethnicity>WBRI<", "<Ethnicity>XXXX<"
)

LAC_VALID = {
    "header.csv": f"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n{LAC_CHILD},M,10/03/2021,WBRI,UN1,,\n",
    "episodes.csv": (
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
        f"{LAC_CHILD},01/05/2025,S,C2,N1,U4,PR1,,,,SO14 7LY,SO15 1BA,XXXXXXX\n"
    ),
    "reviews.csv": (
        "CHILD,DOB,REVIEW,REVIEW_CODE\n"
        f"{LAC_CHILD},10/03/2021,20/05/2025,PN1\n"
        f"{LAC_CHILD},10/03/2021,18/08/2025,PN1\n"
        f"{LAC_CHILD},10/03/2021,10/02/2026,PN1\n"
    ),
}

LAC_INVALID = {**LAC_VALID, "header.csv": LAC_VALID["header.csv"].replace("WBRI", "XXXX")}


def cin_files(xml: str) -> dict[str, bytes]:
    return {f"cin_census_{YEAR}.xml": xml.encode()}


def lac_files(tables: dict[str, str]) -> dict[str, bytes]:
    return {name: text.encode() for name, text in tables.items()}


def write_dir(root: Path, files: dict[str, bytes]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (root / name).write_bytes(content)
    return root
