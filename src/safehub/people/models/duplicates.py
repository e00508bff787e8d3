"""Likely duplicates and what was decided about them: dedupe runs, review clusters, merges (ADR 0002 s.8).

A merge never deletes anything. It re-points the rows that referred to the absorbed person at the
survivor and writes down, row by row, what it moved (`PersonMergeChange`), so an unmerge can put
every link back exactly as it was (T16).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from safehub.platform.models import BaseModel, VersionedModel

from .person import Person


class DedupeRunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


class ClusterStatus(models.TextChoices):
    OPEN = "open", "Waiting for review"
    MERGED = "merged", "Merged"
    NOT_DUPLICATES = "not_duplicates", "Not duplicates"
    PARTLY_MERGED = "partly_merged", "Partly merged"


class MergeStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a second approver"
    COMPLETED = "completed", "Merged"
    UNMERGED = "unmerged", "Unmerged"


class MergeChangeAction(models.TextChoices):
    MOVED = "moved", "Field changed"
    KEPT = "kept", "Left on the absorbed person"
    CREATED = "created", "Row created"


class DedupeRun(BaseModel):
    """One `safehub people dedupe` run: what it scored with, what it found and how long it took."""

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    model_version = models.PositiveIntegerField(null=True, blank=True)
    threshold = models.FloatField()
    people_scored = models.PositiveIntegerField(default=0)
    pairs_scored = models.PositiveBigIntegerField(default=0)
    clusters_found = models.PositiveIntegerField(default=0)
    clusters_queued = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=DedupeRunStatus.choices, default=DedupeRunStatus.RUNNING)
    duration_seconds = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold__gt=0) & Q(threshold__lte=1),
                name="dedupe_run_threshold_probability",
                violation_error_message="The threshold is a probability above 0 and at most 1.",
            ),
        ]

    def __str__(self) -> str:
        return f"Dedupe run {self.started_at:%d %b %Y %H:%M} ({self.get_status_display()})"


class DuplicateCluster(VersionedModel):
    """People a dedupe run thinks may be one person, waiting for a human decision.

    `member_key` is the sorted member ids: a re-run recognises a cluster already open or already
    judged "not duplicates" and does not queue it again.
    """

    run = models.ForeignKey(DedupeRun, on_delete=models.PROTECT, related_name="clusters")
    status = models.CharField(max_length=15, choices=ClusterStatus.choices, default=ClusterStatus.OPEN)
    member_key = models.CharField(max_length=2000, db_index=True)
    max_probability = models.FloatField(default=0)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-max_probability", "created_at"]
        indexes = [models.Index(fields=["status", "member_key"])]
        constraints = [
            # A decision is never anonymous nor unexplained (issue 3: "nothing is merged without a
            # recorded decision").
            models.CheckConstraint(
                condition=Q(status=ClusterStatus.OPEN)
                | (Q(decided_by__isnull=False) & Q(decided_at__isnull=False) & ~Q(decision_reason="")),
                name="duplicate_cluster_decision_recorded",
                violation_error_message="Record who decided, when and why.",
            ),
        ]

    def __str__(self) -> str:
        return f"Possible duplicates ({self.get_status_display()})"


class DuplicateClusterMember(BaseModel):
    cluster = models.ForeignKey(DuplicateCluster, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="duplicate_memberships")
    # The best match probability between this person and another member of the cluster.
    probability = models.FloatField()

    class Meta:
        ordering = ["cluster", "-probability"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "person"], name="duplicate_cluster_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.cluster_id} ({self.probability:.3f})"


class PersonMerge(VersionedModel):
    """The decision that `absorbed` is the same person as `survivor`, and its undoing."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_as_survivor")
    absorbed = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_as_absorbed")
    cluster = models.ForeignKey(
        DuplicateCluster, null=True, blank=True, on_delete=models.PROTECT, related_name="merges"
    )
    status = models.CharField(max_length=10, choices=MergeStatus.choices)
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    merged_at = models.DateTimeField(null=True, blank=True)
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unmerged_at = models.DateTimeField(null=True, blank=True)
    unmerge_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(survivor=F("absorbed")),
                name="person_merge_two_people",
                violation_error_message="Choose two different people.",
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="person_merge_reason_recorded",
                violation_error_message="Say why these records are the same person.",
            ),
            # Four-eyes (R26) in the database as well as the service.
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("decided_by")),
                name="person_merge_not_self_approved",
                violation_error_message="Someone other than the person who decided must approve the merge.",
            ),
            # A person is absorbed by at most one live merge.
            models.UniqueConstraint(
                fields=["absorbed"],
                condition=Q(status__in=[MergeStatus.PENDING, MergeStatus.COMPLETED]),
                name="person_merge_one_live_per_absorbed",
                violation_error_message="This record is already merged, or waiting to be merged.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.absorbed_id} into {self.survivor_id} ({self.get_status_display()})"


class PersonMergeChange(models.Model):
    """One row a merge touched: enough to put it back (`from_value`) and to see it was not changed since."""

    merge = models.ForeignKey(PersonMerge, on_delete=models.CASCADE, related_name="changes")
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=10, choices=MergeChangeAction.choices)
    model_label = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    field = models.CharField(max_length=100, blank=True)
    # NULL is a field that was empty (None); "" is an empty string. Unmerge must restore which it was.
    from_value = models.CharField(max_length=200, blank=True, null=True)  # noqa: DJ001
    to_value = models.CharField(max_length=200, blank=True, null=True)  # noqa: DJ001
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["merge", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["merge", "seq"], name="person_merge_change_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.model_label} {self.object_id}.{self.field}: {self.from_value} -> {self.to_value}"
