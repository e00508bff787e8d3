"""`safehub audit_grant_app_role ROLE`: set up the PostgreSQL role the application connects as (R29).

Migrations run as the schema owner; the web and worker processes should connect as a separate
login role that this command grants ordinary read/write on Safehub's tables, but only INSERT and
SELECT on the audit trail, so not even a compromised application can rewrite history.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from psycopg import sql

from safehub.audit.models import AuditEvent

# The chain head is the lock that serialises appends, so the app must be able to move it.
_APPEND_ONLY = (AuditEvent._meta.db_table,)


class Command(BaseCommand):
    help = "Grant a PostgreSQL role the application's privileges, with the audit trail append-only."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="An existing PostgreSQL role the application connects as.")

    def handle(self, *args: Any, role: str, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Database roles exist only on PostgreSQL; SQLite relies on the triggers.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(f"There is no PostgreSQL role called {role!r}; create it first.")
        ident = sql.Identifier(role)
        statements = [
            sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(ident),
            sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(
                ident
            ),
            sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(ident),
        ]
        for table in _APPEND_ONLY:
            statements.append(
                sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(sql.Identifier(table), ident)
            )
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(
            self.style.SUCCESS(
                f"{role} may use Safehub's tables; {', '.join(_APPEND_ONLY)} is INSERT/SELECT only."
            )
        )
