"""The form a team manager fills in to take a MASH handover on as referrals (issue 5)."""

from typing import Any

from django import forms

from safehub.accounts.models import Team
from safehub.child_protection.constants import PRIMARY_NEED_LIST
from safehub.reference_data.selectors import code_choices


class HandoverAcceptForm(forms.Form):
    team = forms.ChoiceField(
        label="Team",
        required=False,
        help_text="Leave blank to allocate the children later, from the allocation screen",
    )
    worker = forms.ChoiceField(
        label="Social worker",
        required=False,
        help_text="A member of the team you chose. Leave blank to allocate to the team only",
    )
    primary_need = forms.ChoiceField(
        label="Primary need",
        required=False,
        help_text="The child's main need as it is known now (CIN census). You can change it later",
    )

    def __init__(self, *args: Any, teams: list[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
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
        team_field: Any = self.fields["team"]
        team_field.choices = [("", "Not now"), *((str(t.pk), t.name) for t in teams)]
        worker_field: Any = self.fields["worker"]
        worker_field.choices = [("", "Not now"), *groups]
        need_field: Any = self.fields["primary_need"]
        need_field.choices = [("", "Not known yet"), *code_choices(PRIMARY_NEED_LIST)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        team = self._teams.get(data.get("team") or "")
        worker_key = data.get("worker") or ""
        worker, worker_team = self._workers.get(worker_key, (None, None))
        if worker is not None and team is None:
            self.add_error("team", "Choose the team the social worker belongs to")
        elif (
            worker is not None and team is not None and worker_team is not None and worker_team.pk != team.pk
        ):
            self.add_error("worker", f"{worker} is not a member of {team}: choose someone from that team")
        data["team_obj"] = team
        data["worker_obj"] = worker
        return data
