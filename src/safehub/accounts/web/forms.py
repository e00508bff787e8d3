"""Administration forms. Every ModelForm lists its fields (R46): nothing else can be posted in."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from ..constants import Role
from ..models import Agency, Team, User


class VersionField(forms.IntegerField):
    """The version the user opened; the service turns a stale one into a conflict (R49)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, **kwargs)


class UserForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "email", "job_title", "role", "agency"]
        labels = {"full_name": "Full name", "email": "Email address", "job_title": "Job title (optional)"}
        help_texts = {"email": "The person signs in with this address, and the password link is sent to it."}

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency = self.fields["agency"]
        agency.queryset = agencies  # type: ignore[attr-defined]
        agency.empty_label = "Choose an agency"  # type: ignore[attr-defined]
        agency.required = True
        self.fields["role"].choices = [("", "Choose a role"), *Role.choices]  # type: ignore[attr-defined]

    def user_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class UserCreateForm(UserForm):
    teams = forms.ModelMultipleChoiceField(
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Teams (optional)",
    )

    def __init__(self, *args: Any, teams: QuerySet[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = teams  # type: ignore[attr-defined]
        self.fields["teams"].label_from_instance = lambda t: f"{t.name} ({t.agency})"  # type: ignore[attr-defined]


class UserEditForm(UserForm):
    version = VersionField()

    def __init__(self, *args: Any, editing_self: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing_self:
            # Separation of duties (R26): shown, not changeable. The service refuses it anyway.
            for name in ("role", "agency"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "Another administrator must change your own role or agency."


class UserFilterForm(forms.Form):
    role = forms.ChoiceField(choices=[("", "Any role"), *Role.choices], required=False)
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), required=False, empty_label="Any agency")
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, empty_label="Any team")
    active = forms.ChoiceField(
        choices=[("", "Active and deactivated"), ("yes", "Active only"), ("no", "Deactivated only")],
        required=False,
        label="Status",
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], teams: QuerySet[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    """The confirmation step of a destructive action; the reason goes into the audit trail."""

    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason",
        help_text="This is recorded in the audit trail.",
        error_messages={"required": "Enter a reason"},
    )

    def __init__(self, *args: Any, reason_required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
        if not reason_required:
            self.fields["reason"].label = "Reason (optional)"


class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["name", "kind", "ods_code", "is_active"]
        labels = {
            "name": "Name",
            "kind": "Kind of agency",
            "ods_code": "ODS or URN code (optional)",
            "is_active": "Open",
        }


class AgencyEditForm(AgencyForm):
    version = VersionField()


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "kind", "agency", "is_active"]
        labels = {"name": "Name", "kind": "Kind of team", "is_active": "Open"}

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["agency"].empty_label = "Choose an agency"  # type: ignore[attr-defined]


class TeamEditForm(TeamForm):
    version = VersionField()


class MemberAddForm(forms.Form):
    email = forms.EmailField(
        label="Email address of the person to add",
        error_messages={"required": "Enter the email address of the person to add"},
    )
    is_manager = forms.BooleanField(required=False, label="They manage this team")
