"""Roles, agency kinds, team kinds and what each role may do (the role x function matrix, R18).

A role grants *functions* ("may open the audit log"); which *records* a user may see is decided
by the access policies, from relationships (allocation, team, agency) and grants.
"""

from django.db import models


class Role(models.TextChoices):
    MASH_MANAGER = "mash_manager", "MASH manager"
    MASH_SOCIAL_WORKER = "mash_social_worker", "MASH social worker"
    MASH_PARTNER = "mash_partner", "MASH partner officer"
    REFERRER = "referrer", "Referring professional"
    EARLY_HELP = "early_help", "Early help practitioner"
    # A school, health or voluntary-sector professional leading or joining a family's early help.
    EARLY_HELP_PARTNER = "early_help_partner", "Early help partner professional"
    SOCIAL_WORKER = "social_worker", "Social worker"
    TEAM_MANAGER = "team_manager", "Team manager"
    IRO = "iro", "IRO / conference chair"
    PERFORMANCE_ANALYST = "performance_analyst", "Performance analyst"
    DATA_OFFICER = "data_officer", "Returns and data quality officer"
    PARTNERSHIP_MANAGER = "partnership_manager", "Safeguarding partnership manager"
    # A police, health, education or probation safeguarding lead: answers a review's requests for
    # their agency, updates the actions their agency owns, and audits the cases they are given.
    LEARNING_PARTNER = "learning_partner", "Partner agency safeguarding lead"
    IG_OFFICER = "ig_officer", "Information governance officer"
    SYSADMIN = "sysadmin", "System administrator"


class AgencyKind(models.TextChoices):
    CHILDRENS_SERVICES = "childrens_services", "Council children's services"
    POLICE = "police", "Police"
    HEALTH_TRUST = "health_trust", "Health trust"
    GP_PRACTICE = "gp_practice", "GP practice"
    SCHOOL = "school", "School"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    VOLUNTARY = "voluntary", "Voluntary organisation"


class TeamKind(models.TextChoices):
    MASH = "mash", "MASH"
    EARLY_HELP = "early_help", "Early help"
    ASSESSMENT = "assessment", "Assessment"
    CHILD_PROTECTION = "child_protection", "Child protection"
    CHILDREN_IN_CARE = "children_in_care", "Children in care"
    FOSTERING = "fostering", "Fostering"
    ADOPTION = "adoption", "Adoption"
    IRO_SERVICE = "iro_service", "IRO service"
    PERFORMANCE = "performance", "Performance"
    INFORMATION_GOVERNANCE = "information_governance", "Information governance"
    PARTNER = "partner", "Partner agency team"


class Capability(models.TextChoices):
    """Functions a role may use. Each view names the one it needs."""

    MANAGE_USERS = "manage_users", "Manage users, agencies and teams"
    MANAGE_API_KEYS = "manage_api_keys", "Manage API keys for partner systems"
    MANAGE_CALENDAR = "manage_calendar", "Manage local closures"
    VIEW_PEOPLE = "view_people", "Search and view people"
    EDIT_PEOPLE = "edit_people", "Record and edit people"
    VIEW_ACCESS_LOG = "view_access_log", "See who has accessed a record"
    VIEW_AUDIT = "view_audit", "Search the audit trail"
    BREAK_GLASS = "break_glass", "Use emergency access"
    REVIEW_BREAK_GLASS = "review_break_glass", "Review emergency access"
    MANAGE_GRANTS = "manage_grants", "Restrict records and grant access"
    APPROVE_GRANTS = "approve_grants", "Approve sealed-record grants"
    MERGE_PEOPLE = "merge_people", "Review duplicates and merge people"
    VIEW_CONTACTS = "view_contacts", "See the MASH queue and contacts"
    RECORD_CONTACTS = "record_contacts", "Record contacts and request information from partners"
    SCREEN_CONTACTS = "screen_contacts", "Set RAG ratings and decide what to share"
    AUTHORISE_DECISIONS = "authorise_decisions", "Authorise MASH decisions"
    MANAGE_CLOCKS = "manage_clocks", "Set the MASH clocks"
    ANSWER_REQUESTS = "answer_requests", "Answer information requests for your agency"
    SUBMIT_REFERRALS = "submit_referrals", "Submit referrals through the portal and follow them"
    VIEW_MASH_DASHBOARD = "view_mash_dashboard", "See the MASH dashboard"
    VIEW_CASES = "view_cases", "See child in need and child protection records"
    RECORD_CASEWORK = "record_casework", "Record casework: assessments, visits, notes, documents"
    MANAGE_CASES = "manage_cases", "Allocate cases, authorise assessments and close cases"
    CHAIR_CONFERENCES = "chair_conferences", "Record child protection conferences and their decisions"
    MANAGE_CASE_SETTINGS = (
        "manage_case_settings",
        "Set local visit frequencies, caseload weights and letter templates",
    )
    MANAGE_HOUSEHOLDS = (
        "manage_households",
        "Record and approve foster carers, adopters and supported lodgings",
    )
    VIEW_SUFFICIENCY = "view_sufficiency", "See placement sufficiency: children needing homes and vacancies"
    VIEW_RETURNS = "view_returns", "See statutory returns and what the DfE validators found"
    VIEW_EARLY_HELP = "view_early_help", "See early help episodes"
    RECORD_EARLY_HELP = (
        "record_early_help",
        "Record early help: assessments, consent, TAF meetings, family plans and reviews",
    )
    MANAGE_EARLY_HELP = (
        "manage_early_help",
        "Open and close early help episodes, decide requests for support, step families up",
    )
    REQUEST_EARLY_HELP = "request_early_help", "Ask the early help team to support a family"
    VIEW_EARLY_HELP_DASHBOARD = "view_early_help_dashboard", "See the early help dashboard"
    VIEW_LEARNING = "view_learning", "See serious incident reviews, action plans and case audits"
    MANAGE_LEARNING = (
        "manage_learning",
        "Run reviews and audits: notifications, rapid and practice reviews, action sign-off, moderation, themes",
    )
    NOTIFY_INCIDENTS = "notify_incidents", "Record a serious incident notification about a child"
    CONTRIBUTE_LEARNING = (
        "contribute_learning",
        "Answer a review's requests for your agency, update your agency's actions, audit cases you are given",
    )
    VIEW_LEARNING_REPORT = "view_learning_report", "See the partnership board's report on reviews and actions"
    PREPARE_RETURNS = (
        "prepare_returns",
        "Produce statutory returns, run the DfE validators, explain queries, import and export SSD extracts",
    )


# Roles whose work is case work inside children's services: they see unrestricted people.
CASEWORK_ROLES = frozenset(
    {
        Role.MASH_MANAGER,
        Role.MASH_SOCIAL_WORKER,
        Role.EARLY_HELP,
        Role.SOCIAL_WORKER,
        Role.TEAM_MANAGER,
        Role.IRO,
        # Fixes the records the DfE validators flag, so reaches every unrestricted child.
        Role.DATA_OFFICER,
    }
)

# Roles that must use a phishing-resistant factor (WebAuthn) once one is enrolled (ASVS 6.3.3 L3).
PRIVILEGED_ROLES = frozenset({Role.SYSADMIN, Role.IG_OFFICER})

C = Capability
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.MASH_MANAGER: frozenset(
        {
            C.VIEW_PEOPLE,
            C.EDIT_PEOPLE,
            C.VIEW_ACCESS_LOG,
            C.BREAK_GLASS,
            C.MERGE_PEOPLE,
            C.VIEW_CONTACTS,
            C.RECORD_CONTACTS,
            C.SCREEN_CONTACTS,
            C.AUTHORISE_DECISIONS,
            C.MANAGE_CLOCKS,
            C.VIEW_MASH_DASHBOARD,
            C.VIEW_CASES,
            C.VIEW_EARLY_HELP,
        }
    ),
    Role.MASH_SOCIAL_WORKER: frozenset(
        {
            C.VIEW_PEOPLE,
            C.EDIT_PEOPLE,
            C.BREAK_GLASS,
            C.VIEW_CONTACTS,
            C.RECORD_CONTACTS,
            C.VIEW_CASES,
            C.VIEW_EARLY_HELP,
        }
    ),
    # A partner officer sees only the requests addressed to their agency (issue 4, item 5).
    Role.MASH_PARTNER: frozenset({C.ANSWER_REQUESTS}),
    # A referring professional sees only what they submitted, in the portal (issue 4, item 2).
    Role.REFERRER: frozenset({C.SUBMIT_REFERRALS, C.REQUEST_EARLY_HELP}),
    Role.EARLY_HELP: frozenset(
        {
            C.VIEW_PEOPLE,
            C.EDIT_PEOPLE,
            C.VIEW_EARLY_HELP,
            C.RECORD_EARLY_HELP,
            C.MANAGE_EARLY_HELP,
            C.VIEW_EARLY_HELP_DASHBOARD,
        }
    ),
    # A partner professional sees only the episodes they are a TAF member of (issue 9, item 3) and
    # cannot search people: what they know of a family comes from those episodes.
    Role.EARLY_HELP_PARTNER: frozenset({C.VIEW_EARLY_HELP, C.RECORD_EARLY_HELP, C.REQUEST_EARLY_HELP}),
    Role.SOCIAL_WORKER: frozenset(
        {
            C.VIEW_PEOPLE,
            C.EDIT_PEOPLE,
            C.BREAK_GLASS,
            C.VIEW_CASES,
            C.RECORD_CASEWORK,
            C.MANAGE_HOUSEHOLDS,
            C.VIEW_EARLY_HELP,
        }
    ),
    # Managers decide merges: a wrong merge hides one child inside another's record (T16).
    Role.TEAM_MANAGER: frozenset(
        {
            C.VIEW_PEOPLE,
            C.EDIT_PEOPLE,
            C.VIEW_ACCESS_LOG,
            C.BREAK_GLASS,
            C.MERGE_PEOPLE,
            C.VIEW_CASES,
            C.RECORD_CASEWORK,
            C.MANAGE_CASES,
            C.MANAGE_CASE_SETTINGS,
            C.MANAGE_HOUSEHOLDS,
            C.VIEW_SUFFICIENCY,
            C.VIEW_RETURNS,
            C.VIEW_EARLY_HELP,
            # Council managers tell the partnership of a serious incident, own council actions
            # and audit cases (issue 10).
            C.NOTIFY_INCIDENTS,
            C.CONTRIBUTE_LEARNING,
        }
    ),
    # Conference chairs record conferences and their decisions; they do not run the case.
    Role.IRO: frozenset({C.VIEW_PEOPLE, C.BREAK_GLASS, C.VIEW_CASES, C.CHAIR_CONFERENCES}),
    # Aggregates only: the dashboard shows counts, never a child (R22).
    # Returns: the status and the findings by rule; producing and downloading whole returns
    # (every child's record) is the returns and data quality officer's.
    Role.PERFORMANCE_ANALYST: frozenset(
        {
            C.VIEW_MASH_DASHBOARD,
            C.VIEW_SUFFICIENCY,
            C.VIEW_RETURNS,
            C.VIEW_EARLY_HELP_DASHBOARD,
            C.VIEW_LEARNING_REPORT,
        }
    ),
    # The returns team: produces the returns and corrects at source what the validators flag, so
    # it reads children's records and records casework (corrections are audited like any other).
    Role.DATA_OFFICER: frozenset(
        {
            C.VIEW_PEOPLE,
            C.EDIT_PEOPLE,
            C.VIEW_CASES,
            C.RECORD_CASEWORK,
            C.VIEW_RETURNS,
            C.PREPARE_RETURNS,
            C.VIEW_MASH_DASHBOARD,
        }
    ),
    # Runs the learning cycle for the partnership. No people search: a notification names the child
    # because a council manager recorded it from the child's record; audits sample their cases.
    Role.PARTNERSHIP_MANAGER: frozenset(
        {
            C.VIEW_MASH_DASHBOARD,
            C.VIEW_LEARNING,
            C.MANAGE_LEARNING,
            C.CONTRIBUTE_LEARNING,
            C.VIEW_LEARNING_REPORT,
        }
    ),
    # Sees only what is addressed to their agency or assigned to them (issue 10; R18, R19).
    Role.LEARNING_PARTNER: frozenset({C.CONTRIBUTE_LEARNING}),
    Role.IG_OFFICER: frozenset(
        {
            C.VIEW_ACCESS_LOG,
            C.VIEW_AUDIT,
            C.REVIEW_BREAK_GLASS,
            C.MANAGE_GRANTS,
            C.APPROVE_GRANTS,
        }
    ),
    Role.SYSADMIN: frozenset({C.MANAGE_USERS, C.MANAGE_API_KEYS, C.MANAGE_CALENDAR}),
}
