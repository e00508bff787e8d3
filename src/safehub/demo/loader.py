"""Building the demo city through the same services staff use, so the demo data has the audit
trail, history and validation that real data would have.

Everything happens in one transaction: a load that fails part-way leaves nothing behind.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.test.utils import override_settings

from safehub.access.constants import Level, RestrictionReason
from safehub.access.models import BreakGlassAccess
from safehub.access.selectors import restriction_get
from safehub.access.services import grant_request, record_restrict, record_unrestrict
from safehub.accounts.constants import Role
from safehub.accounts.models import Agency, Team, User
from safehub.accounts.services.bootstrap import admin_bootstrap
from safehub.accounts.services.organisations import agency_create, team_add_member, team_create
from safehub.accounts.services.users import user_create
from safehub.audit.constants import Verb
from safehub.audit.models import AuditEvent
from safehub.audit.services import record_event
from safehub.people.models import Person
from safehub.people.services import person_create
from safehub.platform import clock

from . import casework as casework_demo  # issue 5 (helper G)
from . import city, families, front_door, totp
from . import early_help as early_help_demo  # issue 9
from . import learning as learning_demo  # issue 10
from . import looked_after as looked_after_demo  # issue 6
from . import reporting as reporting_demo  # issue 8
from . import returns as returns_demo  # issue 7
from .people import PersonSpec, households

COMMAND_LABEL = "safehub load_demo_city"
PERSON_TYPE = Person._meta.label_lower

Advance = Callable[[str], None]


@dataclass(frozen=True)
class Login:
    role: str
    email: str
    password: str
    secret: str
    code: str


def is_loaded() -> bool:
    return User.objects.filter(email__iendswith=f"@{city.DEMO_DOMAIN}").exists()


MIN_PEOPLE = 30


def steps(people: int) -> int:
    """How many times `load` advances the progress bar."""
    return (
        len(city.AGENCIES)
        + len(city.TEAMS)
        + len(city.USERS)
        + _generated(people)
        + 1
        + families.STEPS
        + front_door.STEPS
        + casework_demo.STEPS  # issue 5
        + early_help_demo.STEPS  # issue 9
        + learning_demo.STEPS  # issue 10
        + looked_after_demo.STEPS  # issue 6
        + returns_demo.STEPS  # issue 7
        + reporting_demo.STEPS  # issue 8
    )


def _generated(people: int) -> int:
    # Added after the households: the sealed namesake and the family networks' own people.
    return max(people, MIN_PEOPLE) - 1 - families.EXTRA_PEOPLE


def load(
    *,
    seed: int,
    people: int,
    advance: Advance,
    validate_returns: bool = True,
    warn: Callable[[str], None] = lambda _: None,
) -> families.Hint:
    """Load the city; returns what to search for to see a restricted record reported as a match.

    `validate_returns`: run the DfE validators on the demo's returns (seconds each; tests that do
    not look at the returns skip it). `warn` hears what the loader could not do, e.g. validate."""
    # Demo users get their password here, so the "choose your password" welcome e-mails that
    # `user_create` sends would only be noise on the console: discard them.
    quiet_mail = override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    with quiet_mail, transaction.atomic():
        admin = _ensure_admin()
        agencies = _ensure_agencies(admin, advance)
        teams = _ensure_teams(admin, agencies, advance)
        users = _ensure_users(admin, agencies, teams, advance)
        _set_credentials(users, seed)
        learning_demo.wipe(_demo_people_ids())  # issue 10: incidents and case audits name children
        returns_demo.wipe()  # issue 7: the returns name the demo's children
        reporting_demo.wipe()  # issue 8
        looked_after_demo.wipe(_demo_people_ids())  # issue 6: its rows protect the cases and people
        early_help_demo.wipe(_demo_people_ids())  # issue 9: its members protect the involvements
        casework_demo.wipe(_demo_people_ids())  # issue 5: its rows reference people and contacts
        front_door.wipe()
        _wipe_people(users[Role.IG_OFFICER])
        hint = _create_people(users, agencies, seed, people, advance)
        front_door.load(users=users, agencies=agencies, seed=seed, people=people, advance=advance)
        # Issue 5: children's cases, after the front door (it accepts some of the MASH's handovers).
        casework_demo.load(users=users, agencies=agencies, teams=teams, seed=seed, advance=advance)
        # Issue 6: children in care, after the casework (it takes the children it needs first).
        looked_after_demo.load(users=users, agencies=agencies, teams=teams, seed=seed, advance=advance)
        # Issue 9: early help for families with no open casework (after the care stories took theirs).
        early_help_demo.load(users=users, agencies=agencies, teams=teams, seed=seed, advance=advance)
        # Issue 10: the partnership's reviews, action plans and case audit, about children above.
        learning_demo.load(users=users, agencies=agencies, advance=advance)
        # Issue 7: last year's and this year's returns, produced from everything above.
        summary = returns_demo.load(users=users, advance=advance, validate=validate_returns)
        # Issue 8: the population the indicators' rates per 10,000 are worked out against.
        reporting_demo.load(people=people, advance=advance)
        for warning in summary.warnings:
            warn(warning)
        return hint


def _ensure_admin() -> User:
    spec = city.USERS[0]
    admin = User.objects.filter(email=spec.email).first()
    if admin is None:
        # force: a developer's own administrator may already exist in this database.
        admin = admin_bootstrap(
            email=spec.email, full_name=spec.full_name, password=city.DEMO_PASSWORD, force=True
        )
    return admin


def _ensure_agencies(admin: User, advance: Advance) -> dict[str, Agency]:
    agencies = {}
    for spec in city.AGENCIES:
        agency = Agency.objects.filter(name=spec.name).first()
        if agency is None:
            agency = agency_create(actor=admin, name=spec.name, kind=spec.kind, ods_code=spec.code)
        agencies[spec.key] = agency
        advance("agencies")
    return agencies


def _ensure_teams(admin: User, agencies: dict[str, Agency], advance: Advance) -> dict[str, Team]:
    teams = {}
    for spec in city.TEAMS:
        agency = agencies[spec.agency]
        team = Team.objects.filter(agency=agency, name=spec.name).first()
        if team is None:
            team = team_create(actor=admin, name=spec.name, kind=spec.kind, agency=agency)
        teams[spec.key] = team
        advance("teams")
    return teams


def _ensure_users(
    admin: User, agencies: dict[str, Agency], teams: dict[str, Team], advance: Advance
) -> dict[str, User]:
    users = {Role.SYSADMIN.value: admin}
    advance("users")
    for spec in city.USERS[1:]:
        user = User.objects.filter(email=spec.email).first()
        if user is None:
            user = user_create(
                actor=admin,
                email=spec.email,
                full_name=spec.full_name,
                role=spec.role,
                agency=agencies[spec.agency],
                job_title=spec.job_title,
                teams=[teams[key] for key in spec.teams],
                site_url=city.SITE_URL,
            )
            for key in spec.manages:
                team_add_member(actor=admin, team=teams[key], user=user, is_manager=True)
        # By role for the first user in it, and by e-mail for every user (a role may have two).
        users.setdefault(spec.role, user)
        users[spec.email] = user
        advance("users")
    return users


def _set_credentials(users: dict[str, User], seed: int) -> None:
    """The shared demo password and a TOTP secret derived from the seed, for every demo user."""
    # One hash for all: PBKDF2 is slow on purpose, and twelve of them would double the load time.
    hashed = make_password(city.DEMO_PASSWORD)
    unique = list({u.pk: u for u in users.values()}.values())
    User.objects.filter(pk__in=[u.pk for u in unique]).update(password=hashed)
    for user in unique:
        totp.enrol(user, totp.derive_secret(seed, user.email))
        for verb, section in ((Verb.PASSWORD_CHANGE, ""), (Verb.FACTOR_CHANGE, "totp")):
            record_event(actor=None, actor_label=COMMAND_LABEL, verb=verb, target=user, section=section)


def _demo_people_ids() -> list[uuid.UUID]:
    """People that a demo user created: the demo's own, and whatever testers added in the UI."""
    ids = AuditEvent.objects.filter(
        verb=Verb.CREATE, object_type=PERSON_TYPE, actor__email__iendswith=f"@{city.DEMO_DOMAIN}"
    ).values_list("object_id", flat=True)
    return [uuid.UUID(pk) for pk in ids]


def _wipe_people(ig: User) -> None:
    ids = list(Person.objects.filter(pk__in=_demo_people_ids()).values_list("pk", flat=True))
    if not ids:
        return
    for pk in ids:
        if restriction_get(object_type=PERSON_TYPE, object_id=pk) is not None:
            record_unrestrict(actor=ig, object_type=PERSON_TYPE, object_id=pk, reason="Demo city reset")
    BreakGlassAccess.objects.filter(object_type=PERSON_TYPE, object_id__in=ids).delete()
    _release(ids)
    Person.objects.filter(pk__in=ids).delete()
    families.wipe_places(
        list(User.objects.filter(email__iendswith=f"@{city.DEMO_DOMAIN}").values_list("pk", flat=True))
    )
    record_event(
        actor=None,
        actor_label=f"{COMMAND_LABEL} --reset",
        verb=Verb.DELETE,
        object_type=PERSON_TYPE,
        result_ids=ids,
    )


def _release(ids: list[uuid.UUID]) -> None:
    """Rows elsewhere that protect a demo person from deletion (e.g. flagged-adult alerts) are about
    demo people only, so they go with them. Found from the model graph, so a new table is covered."""
    for relation in Person._meta.related_objects:
        field = relation.field
        if relation.on_delete is models.PROTECT and relation.related_model is not Person:
            relation.related_model._default_manager.filter(**{f"{field.name}__in": ids}).delete()


def _create_people(
    users: dict[str, User], agencies: dict[str, Agency], seed: int, count: int, advance: Advance
) -> families.Hint:
    from faker import Faker  # a development dependency: only the demo needs it

    fake = Faker("en_GB")
    fake.seed_instance(seed)
    today = clock.today()
    specs = households(fake, seed, _generated(count), today)
    worker = users[Role.SOCIAL_WORKER]
    created: list[tuple[PersonSpec, Person]] = []
    for spec in specs:
        created.append((spec, person_create(actor=worker, **spec.as_fields())))
        advance("people")
    # The families first: once a record is restricted, even its own social worker cannot change it.
    hint = families.enrich(
        users=users, agencies=agencies, created=created, seed=seed, today=today, advance=advance
    )
    _restrict(users, created, worker, today)
    advance("restrictions")
    return hint


def _restrict(
    users: dict[str, User], created: list[tuple[PersonSpec, Person]], worker: User, today: Any
) -> None:
    """Two restricted children and one sealed, whose name is shared with an ordinary child (R22)."""
    ig, manager = users[Role.IG_OFFICER], users[Role.TEAM_MANAGER]
    children = [person for spec, person in created if spec.child and spec.date_of_birth]
    high_profile, staff_child, namesake = children[0], children[1], children[2]
    record_restrict(
        actor=ig,
        object_type=PERSON_TYPE,
        object_id=high_profile.pk,
        level=Level.RESTRICTED,
        reason=RestrictionReason.HIGH_PROFILE,
    )
    restriction = record_restrict(
        actor=ig,
        object_type=PERSON_TYPE,
        object_id=staff_child.pk,
        level=Level.RESTRICTED,
        reason=RestrictionReason.STAFF_SUBJECT,
    )
    grant_request(
        actor=ig,
        restriction=restriction,
        user=manager,
        reason="Allocated team manager for this family.",
        expires_at=clock.now() + timedelta(days=30),
    )
    adopted = person_create(
        actor=worker,
        given_name=namesake.given_name,
        family_name=namesake.family_name,
        date_of_birth=today - timedelta(days=900),
        sex=namesake.sex,
    )
    record_restrict(
        actor=ig,
        object_type=PERSON_TYPE,
        object_id=adopted.pk,
        level=Level.SEALED,
        reason=RestrictionReason.ADOPTION,
    )


def logins() -> list[Login]:
    """Every demo user with the shared password and their TOTP secret and current code."""
    rows = []
    for spec in city.USERS:
        user = User.objects.filter(email=spec.email).first()
        if user is None:
            continue
        secret = totp.stored_secret(user) or ""
        rows.append(
            Login(
                role=str(Role(spec.role).label),
                email=spec.email,
                password=city.DEMO_PASSWORD,
                secret=secret,
                code=totp.code_now(secret) if secret else "",
            )
        )
    return rows
