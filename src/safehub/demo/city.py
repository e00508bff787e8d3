"""The synthetic demo city: its agencies, teams and one member of staff in each role.

Every name here is invented. The e-mail domain `demo.safehub.test` uses the reserved `.test`
top-level domain, so no demo address can ever reach a real mailbox, and `demo_totp` uses it to
refuse any account that is not a demo one.
"""

from dataclasses import dataclass

from safehub.accounts.constants import AgencyKind, Role, TeamKind

DEMO_DOMAIN = "demo.safehub.test"

# One shared password for every demo user, printed on screen. Long enough for the R8 validators,
# and free of the council's and the system's own names so the bootstrap validation accepts it.
DEMO_PASSWORD = "amber-kestrel-harbour-lantern"  # noqa: S105  # nosec B105  # pragma: allowlist secret

SITE_URL = "http://127.0.0.1:8000"

COUNCIL = "council"
POLICE = "police"
HOSPITAL = "hospital"
SCHOOL = "school_park"


@dataclass(frozen=True)
class AgencySpec:
    key: str
    name: str
    kind: str
    code: str = ""


AGENCIES = (
    AgencySpec(COUNCIL, "Safehub City Council Children's Services", AgencyKind.CHILDRENS_SERVICES),
    AgencySpec(POLICE, "Safehub Constabulary", AgencyKind.POLICE, "SH99"),
    AgencySpec(HOSPITAL, "Safehub Teaching Hospitals NHS Trust", AgencyKind.HEALTH_TRUST, "XSH"),
    AgencySpec("gp_riverside", "Riverside Medical Practice", AgencyKind.GP_PRACTICE, "X99001"),
    AgencySpec("gp_northgate", "Northgate Surgery", AgencyKind.GP_PRACTICE, "X99002"),
    AgencySpec(SCHOOL, "Safehub Park Primary School", AgencyKind.SCHOOL, "999001"),
    AgencySpec("school_aidan", "St Aidan's CE Primary School", AgencyKind.SCHOOL, "999002"),
    AgencySpec("school_harbour", "Harbourside Academy", AgencyKind.SCHOOL, "999003"),
    AgencySpec("school_westfield", "Westfield High School", AgencyKind.SCHOOL, "999004"),
    AgencySpec("probation", "Probation Service – Safehub", AgencyKind.PROBATION),  # noqa: RUF001
    AgencySpec("housing", "Safehub Homes", AgencyKind.HOUSING),
    AgencySpec("vol_family", "Safehub Family Support Network", AgencyKind.VOLUNTARY),
    AgencySpec("vol_youth", "Brighter Futures Youth Project", AgencyKind.VOLUNTARY),
)


@dataclass(frozen=True)
class TeamSpec:
    key: str
    name: str
    kind: str
    agency: str


TEAMS = (
    TeamSpec("mash", "Multi-Agency Safeguarding Hub", TeamKind.MASH, COUNCIL),
    TeamSpec("early_help", "Early Help Hub", TeamKind.EARLY_HELP, COUNCIL),
    TeamSpec("assessment", "Assessment Team", TeamKind.ASSESSMENT, COUNCIL),
    TeamSpec("cp", "Child Protection Team", TeamKind.CHILD_PROTECTION, COUNCIL),
    TeamSpec("cic", "Children in Care Team", TeamKind.CHILDREN_IN_CARE, COUNCIL),
    TeamSpec("fostering", "Fostering Service", TeamKind.FOSTERING, COUNCIL),
    TeamSpec("adoption", "Adoption Service", TeamKind.ADOPTION, COUNCIL),
    TeamSpec("iro", "IRO and Conference Service", TeamKind.IRO_SERVICE, COUNCIL),
    TeamSpec("performance", "Performance and Intelligence", TeamKind.PERFORMANCE, COUNCIL),
    TeamSpec("ig", "Information Governance", TeamKind.INFORMATION_GOVERNANCE, COUNCIL),
    TeamSpec("police_mash", "MASH Police Team", TeamKind.PARTNER, POLICE),
    TeamSpec("hospital_safeguarding", "Hospital Safeguarding Team", TeamKind.PARTNER, HOSPITAL),
)


@dataclass(frozen=True)
class UserSpec:
    role: str
    full_name: str
    job_title: str
    agency: str
    teams: tuple[str, ...] = ()
    manages: tuple[str, ...] = ()
    # The part before the @ when a role has a second demo user (default: the role's name).
    login: str = ""

    @property
    def email(self) -> str:
        return f"{self.login or self.role.replace('_', '.')}@{DEMO_DOMAIN}"


HEALTH_PARTNER_EMAIL = f"health.partner@{DEMO_DOMAIN}"
GP_REFERRER_EMAIL = f"gp.referrer@{DEMO_DOMAIN}"
# Casework (issue 5): a second social worker, so that caseloads and allocation have a choice.
SOCIAL_WORKER2_EMAIL = f"social.worker2@{DEMO_DOMAIN}"
# Learning (issue 10): the police's and the health trust's safeguarding leads.
POLICE_LEAD_EMAIL = f"police.lead@{DEMO_DOMAIN}"
DESIGNATED_NURSE_EMAIL = f"designated.nurse@{DEMO_DOMAIN}"


# The system administrator comes first: it creates everyone else through the accounts services.
USERS = (
    UserSpec(Role.SYSADMIN, "Drew Kettering", "Systems administrator", COUNCIL),
    UserSpec(Role.MASH_MANAGER, "Morgan Ashdown", "MASH team manager", COUNCIL, manages=("mash",)),
    UserSpec(Role.MASH_SOCIAL_WORKER, "Jordan Ellery", "MASH social worker", COUNCIL, teams=("mash",)),
    UserSpec(Role.MASH_PARTNER, "Sam Whitlock", "Detective constable, MASH", POLICE, teams=("police_mash",)),
    UserSpec(Role.REFERRER, "Alex Pendry", "Designated safeguarding lead", SCHOOL),
    UserSpec(Role.EARLY_HELP, "Casey Thornbury", "Family support worker", COUNCIL, teams=("early_help",)),
    UserSpec(Role.SOCIAL_WORKER, "Riley Haddon", "Social worker", COUNCIL, teams=("assessment", "cp")),
    UserSpec(Role.TEAM_MANAGER, "Jamie Fairlie", "Team manager", COUNCIL, manages=("cp", "assessment")),
    UserSpec(Role.IRO, "Taylor Brennock", "Independent reviewing officer", COUNCIL, teams=("iro",)),
    UserSpec(
        Role.PERFORMANCE_ANALYST, "Robin Castell", "Performance analyst", COUNCIL, teams=("performance",)
    ),
    UserSpec(
        Role.DATA_OFFICER,
        "Harper Quayle",
        "Returns and data quality officer",
        COUNCIL,
        teams=("performance",),
    ),
    UserSpec(Role.PARTNERSHIP_MANAGER, "Avery Lindqvist", "Safeguarding partnership manager", COUNCIL),
    UserSpec(Role.IG_OFFICER, "Quinn Marlowe", "Information governance officer", COUNCIL, manages=("ig",)),
    # The front door's second partner and second referrer (issue 4): answers from health, and a
    # GP's referral through the portal.
    UserSpec(
        Role.MASH_PARTNER,
        "Nell Okonjo",
        "Named nurse for safeguarding children",
        HOSPITAL,
        teams=("hospital_safeguarding",),
        login="health.partner",
    ),
    UserSpec(
        Role.REFERRER,
        "Dr Ellis Marr",
        "GP and practice safeguarding lead",
        "gp_riverside",
        login="gp.referrer",
    ),
    # Casework (issue 5): a second social worker in the child protection team.
    UserSpec(
        Role.SOCIAL_WORKER, "Kit Marsden", "Social worker", COUNCIL, teams=("cp",), login="social.worker2"
    ),
    # Early help (issue 9): a school's lead professional and a health visitor, who see only the
    # families whose Team Around the Family they are on.
    UserSpec(
        Role.EARLY_HELP_PARTNER,
        "Rowan Achterberg",
        "Designated safeguarding lead and early help lead",
        SCHOOL,
        login="school.lead",
    ),
    UserSpec(
        Role.EARLY_HELP_PARTNER,
        "Bea Tillotson",
        "Health visitor",
        HOSPITAL,
        login="health.visitor",
    ),
    # Learning and quality assurance (issue 10): partner agencies' safeguarding leads, who answer
    # the reviews' requests to their agency, update its actions and audit the cases they are given.
    UserSpec(
        Role.LEARNING_PARTNER,
        "Rhian Calloway",
        "Detective inspector, public protection (safeguarding lead)",
        POLICE,
        login="police.lead",
    ),
    UserSpec(
        Role.LEARNING_PARTNER,
        "Priya Ashcombe",
        "Designated nurse for safeguarding children",
        HOSPITAL,
        login="designated.nurse",
    ),
)


def is_demo_email(email: str) -> bool:
    return email.strip().lower().endswith(f"@{DEMO_DOMAIN}")
