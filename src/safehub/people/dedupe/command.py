"""`safehub people dedupe [--out FILE] [--threshold 0.9] [--as-user EMAIL]` (ADR 0002 s.8).

Exports every match profile, runs Splink with the active trained model (no retraining), clusters
at the threshold and queues clusters of two or more for review; nothing is merged automatically.
"""

import argparse
import csv
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safehub.accounts.constants import Capability
from safehub.accounts.models import User
from safehub.platform import clock

from ..constants import AGENCY_IDENTIFIER_KINDS
from ..models import DuplicateCluster, PersonIdentifier, PersonMatchProfile
from ..models.duplicates import ClusterStatus
from ..services.dedupe import ClusterFound, dedupe_run_failed, dedupe_run_save, member_key
from .splink_run import DEFAULT_MEMORY_LIMIT, DedupeResult, run_dedupe

NAME = "dedupe"
HELP = "Find likely duplicate people with the trained matcher and queue them for review."
CSV_HEADER = ("cluster_id", "person_id", "source_id")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", type=Path, metavar="FILE", help="Also write the clusters as CSV: " + ",".join(CSV_HEADER)
    )
    parser.add_argument(
        "--threshold",
        type=float,
        default=0.9,
        help="Match probability at which two records join a cluster (default %(default)s)",
    )
    parser.add_argument(
        "--as-user",
        metavar="EMAIL",
        help="The user the run is recorded as (needs the merge-people function); default: the system",
    )
    parser.add_argument(
        "--memory-limit", default=DEFAULT_MEMORY_LIMIT, help="DuckDB memory limit (default %(default)s)"
    )


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    result, run = dedupe(
        threshold=options["threshold"],
        as_user=options.get("as_user"),
        out=options.get("out"),
        memory_limit=options["memory_limit"],
        out_stream=command.stderr,
    )
    command.stdout.write(
        f"{result.people:,} people, {result.pairs:,} pairs scored, {len(result.clusters):,} clusters found, "
        f"{run.clusters_queued:,} new in the review queue ({result.seconds.get('total', 0):.1f}s: "
        + ", ".join(f"{step} {seconds:.1f}s" for step, seconds in result.seconds.items() if step != "total")
        + ")"
    )
    if options.get("out"):
        command.stdout.write(f"Clusters written to {options['out']}")


def dedupe(
    *,
    threshold: float = 0.9,
    as_user: str | None = None,
    out: Path | None = None,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    out_stream: Any = None,
) -> tuple[DedupeResult, Any]:
    """The whole run, callable from the benchmark: returns Splink's result and the saved run."""
    from ..matching.splink_model import active_model, linker_settings, profiles_table

    if not 0 < threshold <= 1:
        raise CommandError("--threshold must be a probability above 0 and at most 1, e.g. 0.9")
    actor = _actor(as_user) if as_user else None
    model = active_model()
    if model is None:
        raise CommandError(
            "No trained matcher model is active. Run `safehub people train-matcher` first: "
            "dedupe scores with the stored weights and never trains."
        )
    if out is not None:
        _check_writable(out)
    stream = out_stream or sys.stderr
    started_at = clock.now()
    started = time.monotonic()
    progress = _Progress(stream, PersonMatchProfile.objects.count())
    try:
        progress.step("exporting profiles")
        profiles = PersonMatchProfile.objects.filter(person__merged_into__isnull=True).order_by("pk")
        table = profiles_table(profiles, on_rows=progress.rows)
        export_seconds = time.monotonic() - started
        result = run_dedupe(
            table,
            linker_settings(model),
            threshold=threshold,
            on_step=progress.step,
            memory_limit=memory_limit,
        )
        result.seconds = {"export": export_seconds, **result.seconds}
        result.seconds.pop("total", None)
        progress.step("saving the review queue")
        mark = time.monotonic()
        run = dedupe_run_save(
            actor=actor,
            clusters=[ClusterFound(members=cluster.members) for cluster in result.clusters],
            threshold=threshold,
            started_at=started_at,
            model_version=model.version,
            people_scored=result.people,
            pairs_scored=result.pairs,
            duration_seconds=time.monotonic() - started,
        )
        result.seconds["save"] = time.monotonic() - mark
    except CommandError:
        raise
    except Exception as error:
        dedupe_run_failed(actor=actor, threshold=threshold, started_at=started_at, error=repr(error))
        raise
    finally:
        progress.finish()
    if out is not None:
        mark = time.monotonic()
        write_csv(out, result)
        result.seconds["csv"] = time.monotonic() - mark
    result.seconds["total"] = time.monotonic() - started
    return result, run


def write_csv(path: Path, result: DedupeResult) -> None:
    """One row per agency record (`agency:value`); a person with none still gets a row with it empty.

    `cluster_id` is the review-queue cluster's id where the queue holds these members (new now, or
    waiting / judged earlier), so the file and the queue say the same thing.
    """
    keys = {member_key(cluster.person_ids): cluster for cluster in result.clusters}
    queued: dict[str, Any] = {}
    ordered = list(keys)
    for start in range(0, len(ordered), 900):  # bounded IN lists (SQLite's parameter limit)
        queued.update(
            DuplicateCluster.objects.filter(
                member_key__in=ordered[start : start + 900],
                status__in=[ClusterStatus.OPEN, ClusterStatus.NOT_DUPLICATES],
            ).values_list("member_key", "pk")
        )
    people = [person_id for cluster in result.clusters for person_id in cluster.person_ids]
    sources: dict[str, list[str]] = {}
    for start in range(0, len(people), 900):
        rows = PersonIdentifier.objects.filter(
            person_id__in=people[start : start + 900],
            kind__in=sorted(AGENCY_IDENTIFIER_KINDS),
            removed_at__isnull=True,
        ).values_list("person_id", "issuing_agency__ods_code", "issuing_agency__name", "value")
        for holder, code, name, value in rows:
            sources.setdefault(str(holder), []).append(f"{code or name}:{value}")
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        for number, (key, cluster) in enumerate(keys.items(), start=1):
            cluster_id = str(queued.get(key, f"run-{number}"))
            for person_id in cluster.person_ids:
                for source in sorted(sources.get(str(person_id), [])) or [""]:
                    writer.writerow([_cell(cluster_id), _cell(person_id), _cell(source)])


def _cell(value: object) -> str:
    """A cell a spreadsheet cannot read as a formula (R42)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _actor(email: str) -> User:
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise CommandError(f"No user has the email address {email}")
    if not user.is_active:
        raise CommandError(f"{user.email} is deactivated, so cannot run dedupe")
    if not user.has_capability(Capability.MERGE_PEOPLE):
        raise CommandError(
            f"{user.email} may not run dedupe: their role lacks '{Capability.MERGE_PEOPLE.label}'"
        )
    return user


def _check_writable(path: Path) -> None:
    if path.exists() and path.is_dir():
        raise CommandError(f"--out {path} is a directory; give a file name")
    if not path.parent.exists():
        raise CommandError(f"--out {path}: the directory {path.parent} does not exist")


class _Progress:
    """A bar for the export (the one long step with a count), then one line per Splink step."""

    WIDTH = 30

    def __init__(self, out: Any, total: int) -> None:
        self.out, self.total = out, max(total, 1)
        self.started = time.monotonic()
        self.inline = False

    def rows(self, done: int) -> None:
        filled = min(self.WIDTH, self.WIDTH * done // self.total)
        self.out.write(f"\r[{'#' * filled}{'-' * (self.WIDTH - filled)}] {done:,}/{self.total:,} profiles")
        self.out.flush()
        self.inline = True

    def step(self, label: str) -> None:
        self._end_line()
        self.out.write(f"{time.monotonic() - self.started:7.1f}s  {label}\n")
        self.out.flush()

    def finish(self) -> None:
        self._end_line()

    def _end_line(self) -> None:
        if self.inline:
            self.out.write("\n")
            self.inline = False
