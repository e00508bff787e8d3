"""allauth adapters: no self sign-up; audit-friendly security notifications."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Accounts are created by administrators for named staff (R12), never by sign-up."""
        return False


class MFAAdapter(DefaultMFAAdapter):
    def get_totp_label(self, user: Any) -> str:
        return user.email

    def get_totp_issuer(self) -> str:
        return settings.SAFEHUB_COUNCIL_NAME
