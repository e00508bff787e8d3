# Issue 3. Holds only the operations for the models its owner added (see docs/adr/0002-person-matching.md).
# Dedupe runs, the review queue, merges and Person.merged_into (ADR 0002 s.8).

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0004_matcher_model'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='DedupeRun',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('started_at', models.DateTimeField()),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('model_version', models.PositiveIntegerField(blank=True, null=True)),
                ('threshold', models.FloatField()),
                ('people_scored', models.PositiveIntegerField(default=0)),
                ('pairs_scored', models.PositiveBigIntegerField(default=0)),
                ('clusters_found', models.PositiveIntegerField(default=0)),
                ('clusters_queued', models.PositiveIntegerField(default=0)),
                ('status', models.CharField(choices=[('running', 'Running'), ('completed', 'Completed'), ('failed', 'Failed')], default='running', max_length=10)),
                ('duration_seconds', models.FloatField(blank=True, null=True)),
                ('error', models.TextField(blank=True)),
            ],
            options={
                'ordering': ['-started_at'],
            },
        ),
        migrations.CreateModel(
            name='DuplicateCluster',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('version', models.PositiveIntegerField(default=1)),
                ('status', models.CharField(choices=[('open', 'Waiting for review'), ('merged', 'Merged'), ('not_duplicates', 'Not duplicates'), ('partly_merged', 'Partly merged')], default='open', max_length=15)),
                ('member_key', models.CharField(db_index=True, max_length=2000)),
                ('max_probability', models.FloatField(default=0)),
                ('decision_reason', models.TextField(blank=True)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'ordering': ['-max_probability', 'created_at'],
            },
        ),
        migrations.CreateModel(
            name='DuplicateClusterMember',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('probability', models.FloatField()),
            ],
            options={
                'ordering': ['cluster', '-probability'],
            },
        ),
        migrations.CreateModel(
            name='PersonMerge',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('version', models.PositiveIntegerField(default=1)),
                ('status', models.CharField(choices=[('pending', 'Waiting for a second approver'), ('completed', 'Merged'), ('unmerged', 'Unmerged')], max_length=10)),
                ('reason', models.TextField()),
                ('decided_at', models.DateTimeField()),
                ('approved_at', models.DateTimeField(blank=True, null=True)),
                ('merged_at', models.DateTimeField(blank=True, null=True)),
                ('unmerged_at', models.DateTimeField(blank=True, null=True)),
                ('unmerge_reason', models.TextField(blank=True)),
            ],
            options={
                'ordering': ['-decided_at'],
            },
        ),
        migrations.CreateModel(
            name='PersonMergeChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.PositiveIntegerField()),
                ('action', models.CharField(choices=[('moved', 'Field changed'), ('kept', 'Left on the absorbed person'), ('created', 'Row created')], max_length=10)),
                ('model_label', models.CharField(max_length=100)),
                ('object_id', models.CharField(max_length=64)),
                ('field', models.CharField(blank=True, max_length=100)),
                ('from_value', models.CharField(blank=True, max_length=200, null=True)),
                ('to_value', models.CharField(blank=True, max_length=200, null=True)),
                ('note', models.CharField(blank=True, max_length=200)),
            ],
            options={
                'ordering': ['merge', 'seq'],
            },
        ),
        migrations.AddField(
            model_name='historicalperson',
            name='merged_into',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='people.person'),
        ),
        migrations.AddField(
            model_name='person',
            name='merged_into',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='absorbed_people', to='people.person'),
        ),
        migrations.AddConstraint(
            model_name='person',
            constraint=models.CheckConstraint(condition=models.Q(('merged_into', models.F('id')), _negated=True), name='person_not_merged_into_self', violation_error_message='A record cannot be merged into itself.'),
        ),
        migrations.AddField(
            model_name='deduperun',
            name='started_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='duplicatecluster',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='duplicatecluster',
            name='run',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='clusters', to='people.deduperun'),
        ),
        migrations.AddField(
            model_name='duplicatecluster',
            name='updated_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='duplicateclustermember',
            name='cluster',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='members', to='people.duplicatecluster'),
        ),
        migrations.AddField(
            model_name='duplicateclustermember',
            name='person',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='duplicate_memberships', to='people.person'),
        ),
        migrations.AddField(
            model_name='personmerge',
            name='absorbed',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='merges_as_absorbed', to='people.person'),
        ),
        migrations.AddField(
            model_name='personmerge',
            name='approved_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='personmerge',
            name='cluster',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='merges', to='people.duplicatecluster'),
        ),
        migrations.AddField(
            model_name='personmerge',
            name='decided_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='personmerge',
            name='survivor',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='merges_as_survivor', to='people.person'),
        ),
        migrations.AddField(
            model_name='personmerge',
            name='unmerged_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='personmerge',
            name='updated_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='personmergechange',
            name='merge',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='changes', to='people.personmerge'),
        ),
        migrations.AddConstraint(
            model_name='deduperun',
            constraint=models.CheckConstraint(condition=models.Q(('threshold__gt', 0), ('threshold__lte', 1)), name='dedupe_run_threshold_probability', violation_error_message='The threshold is a probability above 0 and at most 1.'),
        ),
        migrations.AddIndex(
            model_name='duplicatecluster',
            index=models.Index(fields=['status', 'member_key'], name='people_dupl_status_7c2b3b_idx'),
        ),
        migrations.AddConstraint(
            model_name='duplicatecluster',
            constraint=models.CheckConstraint(condition=models.Q(('status', 'open'), models.Q(('decided_by__isnull', False), ('decided_at__isnull', False), models.Q(('decision_reason', ''), _negated=True)), _connector='OR'), name='duplicate_cluster_decision_recorded', violation_error_message='Record who decided, when and why.'),
        ),
        migrations.AddConstraint(
            model_name='duplicateclustermember',
            constraint=models.UniqueConstraint(fields=('cluster', 'person'), name='duplicate_cluster_member_unique'),
        ),
        migrations.AddConstraint(
            model_name='personmerge',
            constraint=models.CheckConstraint(condition=models.Q(('survivor', models.F('absorbed')), _negated=True), name='person_merge_two_people', violation_error_message='Choose two different people.'),
        ),
        migrations.AddConstraint(
            model_name='personmerge',
            constraint=models.CheckConstraint(condition=models.Q(('reason', ''), _negated=True), name='person_merge_reason_recorded', violation_error_message='Say why these records are the same person.'),
        ),
        migrations.AddConstraint(
            model_name='personmerge',
            constraint=models.CheckConstraint(condition=models.Q(('approved_by__isnull', True), models.Q(('approved_by', models.F('decided_by')), _negated=True), _connector='OR'), name='person_merge_not_self_approved', violation_error_message='Someone other than the person who decided must approve the merge.'),
        ),
        migrations.AddConstraint(
            model_name='personmerge',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['pending', 'completed'])), fields=('absorbed',), name='person_merge_one_live_per_absorbed', violation_error_message='This record is already merged, or waiting to be merged.'),
        ),
        migrations.AddConstraint(
            model_name='personmergechange',
            constraint=models.UniqueConstraint(fields=('merge', 'seq'), name='person_merge_change_seq_unique'),
        ),
    ]
