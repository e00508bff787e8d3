"""An e-mail backend that always fails, as an unreachable mail server would."""

from collections.abc import Sequence
from smtplib import SMTPServerDisconnected
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[Any]) -> int:
        raise SMTPServerDisconnected("Connection unexpectedly closed (test)")
