# Issue 3. Holds only the operations for the models its owner added (see docs/adr/0002-person-matching.md).
# The match profile, and the blocking-key index widened to (kind, value, person) so a key lookup
# never reads the table; the person's own index is dropped (the unique constraint leads with it).
# Then every existing person's keys (of the earlier kinds) are rebuilt and their profile written.
from typing import Any

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F

from safehub.people.normalise import profile_fields, profile_values, stored_keys

_CHUNK = 2000


def rebuild_profiles_and_keys(apps: Any, schema_editor: Any) -> None:
    """What `person_refresh_match_keys` does, for everyone already recorded, with this migration's
    models (the services' own queries use today's models, which a migration must not)."""
    person_model = apps.get_model("people", "Person")
    name_model = apps.get_model("people", "PersonName")
    address_model = apps.get_model("people", "PersonAddress")
    identifier_model = apps.get_model("people", "PersonIdentifier")
    key_model = apps.get_model("people", "PersonMatchKey")
    profile_model = apps.get_model("people", "PersonMatchProfile")
    key_model.objects.all().delete()
    ids = list(person_model.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        names: dict[Any, list[tuple[str, str]]] = {}
        for person_id, given, family in (
            name_model.objects.filter(person_id__in=chunk)
            .order_by("valid_to", F("valid_from").desc(nulls_last=True), "created_at")
            .values_list("person_id", "given_name", "family_name")
        ):
            names.setdefault(person_id, []).append((given, family))
        postcodes: dict[Any, list[str]] = {}
        for person_id, postcode in (
            address_model.objects.filter(person_id__in=chunk)
            .exclude(address__postcode="")
            .order_by(F("valid_to").desc(nulls_first=True), F("valid_from").desc(nulls_last=True))
            .values_list("person_id", "address__postcode")
        ):
            postcodes.setdefault(person_id, []).append(postcode)
        upns: dict[Any, list[str]] = {}
        for person_id, value in (
            identifier_model.objects.filter(
                person_id__in=chunk, kind__in=["upn", "former_upn"], removed_at__isnull=True
            )
            .order_by("-kind", "-created_at")
            .values_list("person_id", "value")
        ):
            upns.setdefault(person_id, []).append(value)
        keys: list[Any] = []
        profiles: list[Any] = []
        for person in person_model.objects.filter(pk__in=chunk):
            known = names.get(person.pk, [])
            values = profile_values(
                given_names=[person.given_name, person.preferred_name, *(given for given, _ in known)],
                family_names=[person.family_name, *(family for _, family in known)],
                date_of_birth=person.date_of_birth,
                sex=person.sex,
                postcodes=postcodes.get(person.pk, []),
                nhs_number=person.nhs_number,
                upns=upns.get(person.pk, []),
            )
            profiles.append(profile_model(person_id=person.pk, **profile_fields(values)))
            keys.extend(key_model(person_id=person.pk, kind=k, value=v) for k, v in stored_keys(values))
        profile_model.objects.bulk_create(profiles)
        key_model.objects.bulk_create(keys)


class Migration(migrations.Migration):
    dependencies = [("people", "0002_person_index")]

    operations = [
        migrations.CreateModel(
            name="PersonMatchProfile",
            fields=[
                (
                    "person",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="match_profile",
                        serialize=False,
                        to="people.person",
                    ),
                ),
                ("given_names", models.CharField(blank=True, max_length=500)),
                ("family_names", models.CharField(blank=True, max_length=500)),
                ("date_of_birth", models.DateField(null=True)),
                ("sex", models.CharField(blank=True, max_length=1)),
                ("postcodes", models.CharField(blank=True, max_length=200)),
                ("nhs_number", models.CharField(blank=True, max_length=10)),
                ("upns", models.CharField(blank=True, max_length=100)),
            ],
        ),
        migrations.RemoveIndex(
            model_name="personmatchkey",
            name="people_pers_kind_34a922_idx",
        ),
        migrations.AlterField(
            model_name="personmatchkey",
            name="person",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="match_keys",
                to="people.person",
            ),
        ),
        migrations.AddIndex(
            model_name="personmatchkey",
            index=models.Index(fields=["kind", "value", "person"], name="person_match_key_lookup"),
        ),
        migrations.RunPython(rebuild_profiles_and_keys, migrations.RunPython.noop, elidable=True),
    ]
