"""API authentication: scoped keys for partner systems, MFA-verified sessions for staff (R7, R24)."""

from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header
from rest_framework.request import Request

from safehub.platform import context

from .constants import KeyStatus
from .models import ApiKey
from .selectors import api_key_for_token, has_second_factor
from .services import api_key_mark_used, api_key_record_refusal
from .tokens import parse_token

# One message for every refusal, so a caller cannot tell a wrong secret from a revoked key.
REFUSED = "The API key is not valid. It may be wrong, expired or revoked."


def bind_api_channel(*, session_hash: str = "") -> None:
    """Mark the rest of this request as arriving over the API, for the audit trail (R27)."""
    current = context.current()
    context.bind(
        context.RequestContext(
            request_id=current.request_id,
            ip=current.ip,
            session_hash=session_hash or current.session_hash,
            channel="api",
        )
    )


class ApiKeyAuthentication(BaseAuthentication):
    """`Authorization: Bearer shk_<prefix>_<secret>`. The request then acts as the key's user."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiKey] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None  # not ours: let session authentication try
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(REFUSED)
        try:
            token = header[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed(REFUSED) from None
        parsed = parse_token(token)
        if parsed is None:
            raise exceptions.AuthenticationFailed(REFUSED)
        presented = api_key_for_token(prefix=parsed[0], secret=parsed[1])
        key = presented.key
        if key is None:
            raise exceptions.AuthenticationFailed(REFUSED)
        refusal = self._refusal(key, secret_matches=presented.secret_matches)
        if refusal:
            api_key_record_refusal(key=key, reason=refusal)
            raise exceptions.AuthenticationFailed(REFUSED)
        api_key_mark_used(key=key)
        # The prefix names the key (it is not a secret), so the audit trail says which key acted.
        bind_api_channel(session_hash=f"key:{key.prefix}")
        return key.user, key

    @staticmethod
    def _refusal(key: ApiKey, *, secret_matches: bool) -> str:
        if not secret_matches:
            return "wrong secret"
        if key.status == KeyStatus.REVOKED:
            return "key revoked"
        if key.status == KeyStatus.EXPIRED:
            return "key expired"
        if not key.user.is_active:
            return "acting user deactivated"
        return ""

    def authenticate_header(self, request: Request) -> str:
        # Being first in DEFAULT_AUTHENTICATION_CLASSES, this makes DRF answer 401, not 403.
        return f'{self.keyword} realm="api"'


class MFARequired(exceptions.PermissionDenied):
    default_detail = "Set up a second factor (an authenticator app or security key) before using the API."
    default_code = "mfa_required"


class MFASessionAuthentication(SessionAuthentication):
    """A signed-in staff session, refused unless its user has enrolled a second factor (R7).

    CSRF is enforced (by SessionAuthentication) on every unsafe method, so a page on another site
    cannot drive the API with a staff member's cookie.
    """

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if not has_second_factor(user=user):
            raise MFARequired()
        bind_api_channel()
        return result
