"""Forms for the episode pages: filters, closure, consent, assessment, the team and its actions.

The services judge what is valid; a form parses what was typed, and its fields carry the
services' keyword names so that a service's `ValidationError` lands at the field it names
(`add_service_errors`). Choices that belong to one episode (its members, its team) are passed in
by the view from the episode it already read through the policy.
"""

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from safehub.accounts.constants import TeamKind
from safehub.accounts.models import Agency, Team, User
from safehub.platform.forms import GovukDateField

# The shared form helpers, re-exported for this app's views.
from safehub.platform.forms import VersionedForm as VersionedForm
from safehub.platform.forms import add_service_errors as add_service_errors
from safehub.platform.forms import show_conflict as show_conflict

from ..constants import ActionStatus, ConsentState, EndReason, MemberRole, NeedArea, TafRole


def date_field(
    label: str, name: str, *, required: bool = True, hint: str = "For example, 27 3 2026"
) -> GovukDateField:
    return GovukDateField(
        label=label, name_in_errors=name, required=required, past=True, allow_today=True, help_text=hint
    )


def text_area(label: str, *, required: bool = False, help_text: str = "", rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=20000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def choices_of(field: forms.Field) -> forms.ChoiceField:
    return cast(forms.ChoiceField, field)


def agency_choices() -> list[tuple[str, str]]:
    return [
        (str(pk), name)
        for pk, name in Agency.objects.filter(is_active=True).order_by("name").values_list("pk", "name")
    ]


class TeamWorkerMixin(forms.Form):
    """The early help team and (optionally) its worker, as "team" and "team:user" choices, the
    same way the MASH handover form offers them."""

    team = forms.ChoiceField(
        label="Early help team", error_messages={"required": "Choose the early help team"}
    )
    worker = forms.ChoiceField(
        label="Practitioner (optional)",
        required=False,
        help_text="A member of the team you chose. Leave blank to allocate to the team only",
    )

    def set_teams(self, teams: Iterable[Team]) -> None:
        teams = list(teams)
        self._teams = {str(team.pk): team for team in teams}
        self._workers: dict[str, tuple[Any, Team]] = {}
        groups: list[tuple[str, list[tuple[str, str]]]] = []
        for team in teams:
            options = []
            for membership in team.memberships.all():
                user = membership.user
                self._workers[f"{team.pk}:{user.pk}"] = (user, team)
                options.append((f"{team.pk}:{user.pk}", str(user)))
            if options:
                groups.append((team.name, options))
        choices_of(self.fields["team"]).choices = [
            ("", "Choose a team"),
            *((k, t.name) for k, t in self._teams.items()),
        ]
        worker_field: Any = self.fields["worker"]
        worker_field.choices = [("", "Not now"), *groups]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        team = self._teams.get(data.get("team") or "")
        worker, worker_team = self._workers.get(data.get("worker") or "", (None, None))
        if worker is not None and team is not None and worker_team is not None and worker_team.pk != team.pk:
            self.add_error("worker", f"{worker} is not a member of {team}: choose someone from that team")
        data["team_obj"] = team
        data["worker_obj"] = worker
        return data


# --- the episode list --------------------------------------------------------------------------


class EpisodeFilterForm(forms.Form):
    """GET filters: codes and ids only, never personal data in a URL (R4)."""

    status = forms.ChoiceField(
        label="Episodes",
        required=False,
        choices=[("open", "Open"), ("closed", "Open and closed")],
    )
    team = forms.ChoiceField(label="Team", required=False)
    mine = forms.BooleanField(label="Only families allocated to me", required=False)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, teams: Iterable[Team] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_of(self.fields["team"]).choices = [("", "Any team"), *((str(t.pk), t.name) for t in teams)]

    def filters(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {"status": "open", "team": "", "mine": False, "page": 1}
        return {
            "status": self.cleaned_data["status"] or "open",
            "team": self.cleaned_data["team"],
            "mine": bool(self.cleaned_data["mine"]),
            "page": self.cleaned_data.get("page") or 1,
        }


# --- closure, lead professional, family members -------------------------------------------------


class CloseForm(VersionedForm):
    closed_on = date_field("Date early help ended", "the date early help ended")
    end_reason = forms.ChoiceField(
        label="Why is early help ending?",
        choices=EndReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why early help is ending"},
    )
    summary = text_area(
        "Closure summary", help_text="What changed for the family, and who supports them from now on"
    )


class MemberChoiceForm(forms.Form):
    """Choose one member of the episode's team (lead professional change, member leaving)."""

    member = forms.ChoiceField(
        label="New lead professional",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the new lead professional"},
    )

    def __init__(self, *args: Any, members: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._members = {str(m.pk): m for m in members}
        choices_of(self.fields["member"]).choices = [
            (k, f"{m.name}, {m.agency.name}") for k, m in self._members.items()
        ]

    def clean_member(self) -> Any:
        return self._members[self.cleaned_data["member"]]


class LeaveForm(forms.Form):
    left_on = date_field("Date they left the team", "the date they left the team")


class FamilyMemberSearchForm(forms.Form):
    """Find the person to add: the same specific-enough search as the person index (R45)."""

    family_name = forms.CharField(label="Family name", max_length=100, required=False)
    given_name = forms.CharField(label="Given name", max_length=100, required=False)
    date_of_birth = GovukDateField(label="Date of birth", name_in_errors="the date of birth", required=False)


class FamilyMemberAddForm(forms.Form):
    person = forms.ChoiceField(
        label="Person", widget=forms.RadioSelect, error_messages={"required": "Choose the person to add"}
    )
    role = forms.ChoiceField(
        label="Their place in the family",
        choices=MemberRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the person's place in the family"},
    )
    joined_on = date_field("Date they joined the family's early help", "the date they joined", required=False)

    def __init__(self, *args: Any, people: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._people = {str(p.pk): p for p in people}
        choices_of(self.fields["person"]).choices = [
            (k, f"{p} (born {p.date_of_birth:%-d %B %Y})" if p.date_of_birth else str(p))
            for k, p in self._people.items()
        ]

    def clean_person(self) -> Any:
        return self._people[self.cleaned_data["person"]]


# --- consent and assessment ---------------------------------------------------------------------


class ConsentForm(forms.Form):
    state = forms.ChoiceField(
        label="The family's consent",
        choices=ConsentState.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the family gave, declined or withdrew consent"},
    )
    recorded_on = date_field("Date", "the date of the consent")
    given_by = forms.ChoiceField(label="Who in the family (optional)", required=False)
    scope = text_area("What the family agreed to", help_text="Who may share what, with whom", rows=3)
    next_steps = text_area(
        "What happens next",
        help_text="Needed when consent is declined or withdrawn: a step-up to the front door, or closing early help",
        rows=3,
    )

    def __init__(self, *args: Any, people: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._people = {str(p.pk): p for p in people}
        choices_of(self.fields["given_by"]).choices = [
            ("", "Not recorded"),
            *((k, str(p)) for k, p in self._people.items()),
        ]

    def clean_given_by(self) -> Any:
        return self._people.get(self.cleaned_data["given_by"] or "")


class AssessmentStartForm(forms.Form):
    started_on = date_field("Date the assessment started", "the date the assessment started")


class AssessmentEditForm(VersionedForm):
    strengths = text_area("The family's strengths")
    needs = forms.MultipleChoiceField(
        label="The family's needs",
        required=False,
        choices=NeedArea.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="The Supporting Families outcome framework's headline needs",
    )
    needs_summary = text_area("What the family needs help with")
    family_views = text_area("The family's views", help_text="In their own words")
    child_views = text_area("The child's or young person's views", help_text="In their own words")


class AssessmentCompleteForm(VersionedForm):
    completed_on = date_field("Date the assessment was completed", "the date the assessment was completed")


# --- the team around the family and its actions ------------------------------------------------


class TafMemberForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=200,
        required=False,
        help_text="Leave blank when you give their Safehub account: the name comes from it",
    )
    email = forms.EmailField(
        label="Their Safehub account's email address (optional)",
        required=False,
        help_text="With an account they can see this family's early help while they are in the team",
    )
    agency = forms.ChoiceField(
        label="Organisation", error_messages={"required": "Choose the member's organisation"}
    )
    job_title = forms.CharField(label="Job title (optional)", max_length=200, required=False)
    role = forms.ChoiceField(
        label="Role in the team", choices=TafRole.choices, initial=TafRole.MEMBER, widget=forms.RadioSelect
    )
    joined_on = date_field("Date they joined the team", "the date they joined")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_of(self.fields["agency"]).choices = [("", "Choose an organisation"), *agency_choices()]

    def clean_agency(self) -> Agency | None:
        return Agency.objects.filter(pk=self.cleaned_data["agency"]).first()

    def clean_email(self) -> Any:
        email = self.cleaned_data["email"]
        if not email:
            return None
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise ValidationError(
                "No Safehub account has that email address: leave it blank and enter their name"
            )
        return user


def owner_field() -> forms.ChoiceField:
    # Not required here: the service refuses an action without an owner, with its own reason.
    return forms.ChoiceField(label="Owner", required=False, help_text="The member of the team who will do it")


class ActionForm(forms.Form):
    description = text_area("What will be done", rows=3)
    owner = owner_field()
    # A due date is usually ahead, so not the past-only date of the other forms; optional here
    # because the service refuses an action without one, with its own reason.
    due_on = GovukDateField(
        label="Due by", name_in_errors="the due date", required=False, help_text="For example, 27 3 2026"
    )
    goal = forms.ChoiceField(label="Towards the plan goal (optional)", required=False)

    def __init__(self, *args: Any, members: Iterable[Any], goals: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._members = {str(m.pk): m for m in members}
        self._goals = {str(g.pk): g for g in goals}
        choices_of(self.fields["owner"]).choices = [
            ("", "Choose the owner"),
            *((k, f"{m.name}, {m.agency.name}") for k, m in self._members.items()),
        ]
        choices_of(self.fields["goal"]).choices = [
            ("", "Not towards a goal"),
            *((k, g.description[:80]) for k, g in self._goals.items()),
        ]

    def clean_owner(self) -> Any:
        return self._members.get(self.cleaned_data["owner"] or "")

    def clean_goal(self) -> Any:
        return self._goals.get(self.cleaned_data["goal"] or "")


class ActionUpdateForm(VersionedForm):
    status = forms.ChoiceField(
        label="Where the action is", choices=ActionStatus.choices, widget=forms.RadioSelect
    )
    completed_on = date_field("Date it was finished", "the date it was finished", required=False)
    progress_note = text_area("Progress", rows=3)
    owner = forms.ChoiceField(label="Owner", required=False)

    def __init__(self, *args: Any, members: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._members = {str(m.pk): m for m in members}
        choices_of(self.fields["owner"]).choices = [
            (k, f"{m.name}, {m.agency.name}") for k, m in self._members.items()
        ]

    def clean_owner(self) -> Any:
        return self._members.get(self.cleaned_data["owner"] or "")


def early_help_teams() -> list[Team]:
    """The active early help teams, with their members for the worker choice."""
    return list(
        Team.objects.filter(kind=TeamKind.EARLY_HELP, is_active=True)
        .prefetch_related("memberships__user")
        .order_by("name")
    )
