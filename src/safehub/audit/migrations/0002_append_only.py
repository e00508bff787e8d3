"""Make the audit trail append-only inside the database itself (R29).

Triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) for every role, the table owner
included. A superuser can still disable them, which is why each row is also HMAC-chained with a
key the database never sees, and why production connects as a role that `safehub
audit_grant_app_role` leaves with only INSERT and SELECT on this table.
"""

from django.db import migrations

from safehub.audit import triggers


def forwards(apps, schema_editor):
    triggers.install(schema_editor.connection)


def backwards(apps, schema_editor):
    triggers.remove(schema_editor.connection)


def create_head(apps, schema_editor):
    apps.get_model("audit", "AuditChainHead").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RunPython(create_head, migrations.RunPython.noop),
    ]
