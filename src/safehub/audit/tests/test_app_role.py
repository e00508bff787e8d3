"""The application's PostgreSQL role cannot rewrite the audit trail (R29(a))."""

import pytest
from django.core.management import CommandError, call_command
from django.db import ProgrammingError, connection, transaction

from safehub.audit.constants import Verb
from safehub.audit.services import record_event

pytestmark = pytest.mark.django_db

ROLE = "safehub_app_test"


def test_app_role_may_append_but_not_update_delete_or_truncate(make_user):
    user = make_user()
    event = record_event(actor=user, verb=Verb.VIEW, target=user)
    if connection.vendor != "postgresql":
        # SQLite has no roles: there the triggers are the guard, and the command says so.
        with pytest.raises(CommandError, match="only on PostgreSQL"):
            call_command("audit_grant_app_role", ROLE)
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {ROLE}")
        cursor.execute(f"CREATE ROLE {ROLE} NOLOGIN")
    call_command("audit_grant_app_role", ROLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {ROLE}")
        try:
            record_event(actor=user, verb=Verb.VIEW, target=user)  # appending still works
            for statement in (
                "UPDATE audit_auditevent SET verb = 'delete' WHERE id = %s",
                "DELETE FROM audit_auditevent WHERE id = %s",
                "TRUNCATE audit_auditevent",
            ):
                with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
                    cursor.execute(statement, [event.pk] if "%s" in statement else None)
        finally:
            cursor.execute("RESET ROLE")
            cursor.execute(f"DROP OWNED BY {ROLE}")
            cursor.execute(f"DROP ROLE {ROLE}")


def test_unknown_role_is_a_clear_error(db):
    if connection.vendor != "postgresql":
        with pytest.raises(CommandError, match="only on PostgreSQL"):
            call_command("audit_grant_app_role", "nobody_here")
        return
    with pytest.raises(CommandError, match="no PostgreSQL role called"):
        call_command("audit_grant_app_role", "nobody_here")
