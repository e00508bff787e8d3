"""What the demo's front door contacts say: who rings, about what, and what the hub decides.

All invented; e-mail addresses use the reserved `.test` top-level domain.
"""

from dataclasses import dataclass

from safehub.front_door.constants import Channel, ConcernCategory, Outcome

from . import city

C = ConcernCategory


@dataclass(frozen=True)
class Source:
    """Who rings the front door, and what they tend to say."""

    agency: str
    referral_source: str
    channel: str
    name: str
    role: str
    email: str
    concerns: tuple[str, ...]
    summary: str


SOURCES = (
    Source(city.SCHOOL, "2A", Channel.PHONE, "Helen Marsh", "Designated safeguarding lead",
           "dsl@safehubpark.sch.test", (C.NEGLECT,),
           "Arrived hungry for the third day this week, in the same clothes; says there was no tea at home."),
    Source("school_harbour", "2A", Channel.EMAIL, "Owen Prothero", "Head of year 9",
           "o.prothero@harbourside.sch.test", (C.PHYSICAL_ABUSE,),
           "Bruising to the upper arm seen in PE; said 'dad grabbed me' and would not say more."),
    Source(city.POLICE, "6", Channel.POLICE_NOTIFICATION, "PC 4471 Grant", "Response officer",
           "mash.notifications@constabulary.police.test", (C.DOMESTIC_ABUSE,),
           "Officers attended a domestic incident overnight; the children were upstairs. DASH: medium risk."),
    Source(city.HOSPITAL, "3E", Channel.PHONE, "Sister Ana Reyes", "Emergency department nurse",
           "ed.safeguarding@sht.nhs.test", (C.PHYSICAL_ABUSE,),
           "Seen in A&E with a wrist fracture; the explanation given does not fit the injury."),
    Source("gp_northgate", "3A", Channel.EMAIL, "Dr Farah Quayle", "GP partner",
           "f.quayle@northgate.nhs.test", (C.PARENTAL_MENTAL_HEALTH,),
           "Mother disclosed very low mood and not coping at her appointment; worried about the baby's care."),
    Source(city.POLICE, "6", Channel.POLICE_NOTIFICATION, "PC 2290 Ibbotson", "Missing persons coordinator",
           "mash.notifications@constabulary.police.test", (C.MISSING, C.CRIMINAL_EXPLOITATION),
           "Reported missing overnight; found in another town with older youths, a new phone and cash."),
    Source("housing", "4", Channel.EMAIL, "Marcus Lyle", "Tenancy officer", "m.lyle@safehubhomes.test",
           (C.HOUSING, C.NEGLECT),
           "Home visit: no working heating, very little food, rent arrears; an eviction notice has been served."),
    Source("school_westfield", "2A", Channel.PHONE, "Grace Odell", "Designated safeguarding lead",
           "dsl@westfield.sch.test", (C.ONLINE_HARM,),
           "Told a teacher that an adult she met online keeps asking her for pictures."),
    Source("vol_youth", "8", Channel.PHONE, "Kit Banerjee", "Youth worker", "kit@brighterfutures.test",
           (C.SUBSTANCE_MISUSE,),
           "Parent appeared intoxicated when collecting from the evening club and drove off with the child."),
    Source(city.HOSPITAL, "3F", Channel.EMAIL, "Nadia Cole", "Paediatric liaison nurse",
           "paediatric.liaison@sht.nhs.test", (C.SELF_HARM,),
           "Admitted after an overdose of paracetamol; discharged home; parents unsure how to keep them safe."),
    Source("school_aidan", "2A", Channel.PHONE, "Tom Reddy", "Deputy head", "t.reddy@staidans.sch.test",
           (C.EMOTIONAL_ABUSE,),
           "Says she is 'not allowed home' until late; increasingly anxious and withdrawn in class."),
    Source("vol_family", "8", Channel.IN_PERSON, "June Atherton", "Family support volunteer",
           "june@familysupport.test", (C.NEGLECT, C.PARENTAL_MENTAL_HEALTH),
           "The children are often left alone in the evenings; mum says she cannot cope at the moment."),
)  # fmt: skip
NEIGHBOUR = Source(
    "",
    "1D",
    Channel.PHONE,
    "",
    "Neighbour (gave no name)",
    "",
    (C.PHYSICAL_ABUSE,),
    "Hears a young child screaming and an adult shouting most evenings at a flat above the shops on "
    "Harbour Road; does not know the family's name or the flat number.",
)
MIDWIFE = Source(
    city.HOSPITAL,
    "3F",
    Channel.EMAIL,
    "Bethan Lowe",
    "Safeguarding midwife",
    "safeguarding.midwives@sht.nhs.test",
    (C.DOMESTIC_ABUSE, C.SUBSTANCE_MISUSE),
    "Booking appointment at 20 weeks: mother discloses her partner's violence and daily cannabis use; "
    "a pre-birth assessment is needed.",
)
SCHOOL_SOURCE, POLICE_SOURCE, HOSPITAL_SOURCE = SOURCES[0], SOURCES[2], SOURCES[3]
QUESTIONS = {
    city.POLICE: "Any call-outs, crime reports or intelligence about the family or the address in the last two years?",
    city.HOSPITAL: "Any attendances, admissions or safeguarding notes about the child in the last year?",
    city.SCHOOL: "Attendance, presentation and any concerns logged about the child this school year?",
}
RATIONALE: dict[str, str] = {
    Outcome.NO_FURTHER_ACTION: "Checks show a one-off incident, resolved; the family have support in place.",
    Outcome.ADVICE: "Needs met by universal services; the referrer is advised and the family signposted.",
    Outcome.EARLY_HELP: "Additional needs with parental consent; a family support worker will offer help.",
    Outcome.ASSESSMENT: "Needs appear complex; a child and family assessment is needed under section 17.",
    Outcome.STRATEGY: "Reasonable cause to suspect significant harm: strategy discussion today (section 47).",
}
HISTORY_OUTCOMES = (
    (Outcome.NO_FURTHER_ACTION,) * 3
    + (Outcome.ADVICE,) * 3
    + (Outcome.EARLY_HELP,) * 3
    + (Outcome.ASSESSMENT,) * 2
    + (Outcome.STRATEGY,)
)
