# Issue 3. Holds only the operations for the models its owner added (see docs/adr/0002-person-matching.md).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("people", "0005_duplicates")]

    operations = []
