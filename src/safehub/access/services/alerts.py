"""Telling information governance that emergency access was used (R23, T19).

The e-mail carries no personal data: who used emergency access, when, the reason code, and where
to review it. The reason text and the record stay inside Safehub.
"""

import logging
import uuid

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils import timezone

from safehub.accounts.constants import Role
from safehub.accounts.models import User

from ..models import BreakGlassAccess

logger = logging.getLogger(__name__)


def information_governance_recipients() -> list[str]:
    return list(
        User.objects.filter(role=Role.IG_OFFICER, is_active=True)
        .order_by("email")
        .values_list("email", flat=True)
    )


def send_break_glass_alert(access_id: uuid.UUID) -> int:
    """One message per officer, so no one sees the others' addresses. Runs after commit (R51)."""
    use = BreakGlassAccess.objects.select_related("user").filter(pk=access_id).first()
    if use is None:
        return 0
    recipients = information_governance_recipients()
    if not recipients:
        logger.warning("break_glass_alert_no_recipients", extra={"break_glass_id": str(access_id)})
        return 0
    started = timezone.localtime(use.started_at)
    link = getattr(settings, "SAFEHUB_BASE_URL", "").rstrip("/") + reverse(
        "access:break_glass_review", args=[use.pk]
    )
    subject = "Safehub: emergency access used - review needed"
    body = (
        f"{use.user} ({use.user.get_role_display()}) used emergency access to a restricted record "
        f"at {started:%H:%M on %d %B %Y}.\n\n"
        f"Reason given: {use.get_reason_code_display()}.\n\n"
        f"Every use needs a recorded review outcome. Review it in Safehub: {link}\n"
    )
    messages = [
        EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[address])
        for address in recipients
    ]
    return get_connection().send_messages(messages) or 0
