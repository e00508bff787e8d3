"""The first system administrator, made from the command line: no migration or fixture ever
creates an account (R12), and nobody ships with a default password."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from safehub.platform import clock

from ..constants import Role
from ..models import User
from ._common import audit

COMMAND_LABEL = "safehub create_admin"


def admin_bootstrap(*, email: str, full_name: str, password: str, force: bool = False) -> User:
    """Create a system administrator with `password` (validated by AUTH_PASSWORD_VALIDATORS).

    Refuses when an active system administrator already exists unless `force`: after the first,
    administrators are created in the staff UI by another administrator. The new administrator has
    no second factor, so RequireMFAMiddleware makes them enrol one at their first sign-in (R7).
    """
    email = email.strip().lower()
    with transaction.atomic():
        if not force and User.objects.filter(role=Role.SYSADMIN, is_active=True).exists():
            raise ValidationError(
                "A system administrator already exists. Ask them to create the account in Safehub, "
                "or use --force."
            )
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError({"email": "A user with this email address already exists."})
        user = User(email=email, full_name=full_name.strip(), role=Role.SYSADMIN, updated_at=clock.now())
        validate_password(password, user)
        user.set_password(password)
        # A first administrator may exist before any agency does.
        user.full_clean(exclude=["agency"])
        user.save()
        audit(actor=None, actor_label=COMMAND_LABEL, verb="create", target=user)
        audit(
            actor=None,
            actor_label=COMMAND_LABEL,
            verb="permission_change",
            target=user,
            section="role",
            reason=f"role: {Role.SYSADMIN}",
        )
    return user
