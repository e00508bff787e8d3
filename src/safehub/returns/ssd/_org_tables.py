"""ssd_department -> accounts.Team and ssd_professionals -> an inactive accounts.User.

Legacy allocations name a worker; the worker may have left years ago. Each professional becomes an
account that is never active and has no usable password, so it can hold history but can never sign
in. Teams belong to the council's children's services agency.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import ClassVar

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from safehub.accounts.constants import Role, TeamKind
from safehub.accounts.models import Team, TeamMembership, User
from safehub.platform import clock

from ._people_common import council_agency, each_row
from .base import ExportContext, LoadContext, Problem, Row, RowRefused, required, row_hash

# A team's kind from words in its name; SSD does not say what a department does.
_KIND_WORDS = (
    ("mash", TeamKind.MASH),
    ("front door", TeamKind.MASH),
    ("early help", TeamKind.EARLY_HELP),
    ("child protection", TeamKind.CHILD_PROTECTION),
    ("children in care", TeamKind.CHILDREN_IN_CARE),
    ("looked after", TeamKind.CHILDREN_IN_CARE),
    ("leaving care", TeamKind.CHILDREN_IN_CARE),
    ("fostering", TeamKind.FOSTERING),
    ("adoption", TeamKind.ADOPTION),
    ("iro", TeamKind.IRO_SERVICE),
    ("performance", TeamKind.PERFORMANCE),
)
_NAME_MAX = Team._meta.get_field("name").max_length or 200
# Imported workers' addresses: the reserved .invalid domain (RFC 2606) can never receive mail.
LEGACY_EMAIL_DOMAIN = "legacy-ssd.invalid"


def team_kind(name: str) -> str:
    lowered = name.casefold()
    for word, kind in _KIND_WORDS:
        if re.search(rf"\b{re.escape(word)}\b", lowered):
            return kind
    return TeamKind.ASSESSMENT


class DepartmentTable:
    name: ClassVar[str] = "ssd_department"
    id_field: ClassVar[str] = "dept_team_id"
    fields: ClassVar[tuple[str, ...]] = (
        "dept_team_id",
        "dept_team_name",
        "dept_team_parent_id",
        "dept_team_parent_name",
    )
    depends_on: ClassVar[tuple[str, ...]] = ()
    references: ClassVar[dict[str, str]] = {"dept_team_parent_id": "ssd_department"}
    # Teams have no parent in Safehub yet.
    not_kept: ClassVar[tuple[str, ...]] = ("dept_team_parent_id", "dept_team_parent_name")

    def load(self, rows: Sequence[Row], ctx: LoadContext) -> list[Problem]:
        """New teams in one INSERT: the unique team name per agency is left to the database, so
        two departments with one name make the runner redo the batch row by row."""
        agency = council_agency(ctx.actor)
        problems: list[Problem] = []
        new: list[tuple[Row, Team]] = []
        for row in rows:
            row_id = row[self.id_field]
            try:
                name = required(row, "dept_team_name")
                if len(name) > _NAME_MAX:
                    raise RowRefused(
                        "dept_team_name", f"dept_team_name is longer than {_NAME_MAX} characters"
                    )
            except RowRefused as refused:
                problems.append(Problem(self.name, row_id, refused.field, refused.problem))
                continue
            known = ctx.known(self.name, row_id)
            if known is None:
                new.append((row, Team(name=name, kind=team_kind(name), agency=agency, updated_by=ctx.actor)))
                continue
            team = Team.objects.get(pk=known)
            if team.name != name:
                team.name, team.version, team.updated_by = name, team.version + 1, ctx.actor
                team.save()
            ctx.remember(self.name, row_id, "accounts.team", team.pk, row_hash(row))
        if new:
            bulk_create_with_history([team for _, team in new], Team, default_user=ctx.actor)
            for row, team in new:
                ctx.remember(self.name, row[self.id_field], "accounts.team", team.pk, row_hash(row))
        return problems

    def export(self, ctx: ExportContext) -> Iterator[Row]:
        teams = Team.objects.filter(agency=council_agency(ctx.actor))
        rows = [
            {"dept_team_id": ctx.ssd_id(self.name, team.pk, "DEPT"), "dept_team_name": team.name}
            for team in teams
        ]
        yield from sorted(rows, key=lambda row: row["dept_team_id"])


class ProfessionalTable:
    name: ClassVar[str] = "ssd_professionals"
    id_field: ClassVar[str] = "prof_professional_id"
    fields: ClassVar[tuple[str, ...]] = (
        "prof_professional_id",
        "prof_staff_id",
        "prof_professional_name",
        "prof_social_worker_registration_no",
        "prof_professional_job_title",
        "prof_professional_caseload",
        "prof_professional_department",
        "prof_full_time_equivalency",
        "prof_agency_worker_flag",
    )
    depends_on: ClassVar[tuple[str, ...]] = ("ssd_department",)
    references: ClassVar[dict[str, str]] = {}
    not_kept: ClassVar[tuple[str, ...]] = (
        "prof_staff_id",
        "prof_social_worker_registration_no",
        "prof_professional_caseload",
        "prof_full_time_equivalency",
        "prof_agency_worker_flag",
    )

    def load(self, rows: Sequence[Row], ctx: LoadContext) -> list[Problem]:
        return each_row(self.name, self.id_field, rows, ctx, self._load_one)

    def _load_one(self, row: Row, ctx: LoadContext) -> None:
        agency = council_agency(ctx.actor)
        full_name = required(row, "prof_professional_name")
        department = (row.get("prof_professional_department") or "").strip()
        team = None
        if department:
            team = Team.objects.filter(agency=agency, name=department).first()
            if team is None:
                raise RowRefused(
                    "prof_professional_department",
                    f"prof_professional_department {department!r} is not a team in ssd_department",
                )
        known = ctx.known(self.name, row[self.id_field])
        user = User.objects.get(pk=known) if known else User(email=legacy_email(row[self.id_field]))
        user.full_name = full_name[:200]
        user.job_title = (row.get("prof_professional_job_title") or "")[:200]
        user.role = Role.SOCIAL_WORKER
        user.agency = agency
        # Never active, never able to sign in: the account only holds the worker's history.
        user.is_active = False
        user.deactivated_at = user.deactivated_at or clock.now()
        user.set_unusable_password()
        user.updated_by = ctx.actor
        user.updated_at = clock.now()
        user.full_clean()
        user.save()
        with transaction.atomic():
            TeamMembership.objects.filter(user=user).exclude(team=team).delete()
            if team is not None:
                TeamMembership.objects.get_or_create(team=team, user=user)
        ctx.remember(self.name, row[self.id_field], "accounts.user", user.pk, row_hash(row))

    def export(self, ctx: ExportContext) -> Iterator[Row]:
        workers = User.objects.filter(
            agency=council_agency(ctx.actor), role=Role.SOCIAL_WORKER
        ).prefetch_related("memberships__team")
        rows = []
        for user in workers:
            teams = sorted(membership.team.name for membership in user.memberships.all())
            rows.append(
                {
                    "prof_professional_id": ctx.ssd_id(self.name, user.pk, "PROF"),
                    "prof_professional_name": user.full_name,
                    "prof_professional_job_title": user.job_title,
                    "prof_professional_department": teams[0] if teams else "",
                }
            )
        yield from sorted(rows, key=lambda row: row["prof_professional_id"])


def legacy_email(professional_id: str) -> str:
    local = re.sub(r"[^a-z0-9]+", "-", professional_id.casefold()).strip("-")[:40] or "worker"
    return f"ssd-{local}@{LEGACY_EMAIL_DOMAIN}"
