"""`safehub people match-file QUERIES.csv --out RESULTS.csv --as-user EMAIL`: batch tracing.

A partner agency checks a list of people against the index. Each row (the import header, with
`source_id` as the query id) goes through the same `person_match` service as an interactive search,
as the named user, so their access applies and every query is audited. Writes
`query_id,rank,person_id,source_ids,probability,latency_ms` (up to 10 rows per query; `source_ids`
are the agencies' own ids as `agency:value` joined by `|`; `latency_ms` is the service's time for
that query in this process). A query with no candidate writes no row; a refused query is reported
with its line and reasons and the rest go on.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ..constants import IMPORT_HEADER, IdentifierKind

NAME = "match-file"
HELP = "Match each row of a CSV (the import header) against the index and write the top 10 candidates."
OUT_HEADER = ("query_id", "rank", "person_id", "source_ids", "probability", "latency_ms")
_NATIONAL_LABELS = frozenset({IdentifierKind.NHS_NUMBER, IdentifierKind.UPN, IdentifierKind.FORMER_UPN})
SHOWN_ERRORS = 50


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="UTF-8 CSV with the header " + ",".join(IMPORT_HEADER))
    parser.add_argument("--out", type=Path, required=True, metavar="FILE", help="Where to write the results")
    parser.add_argument(
        "--as-user", required=True, metavar="EMAIL", help="The user the searches are made (and audited) as"
    )


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    from ..imports.command import _Progress
    from ..services.match import person_match

    actor = _actor(options["as_user"])
    path: Path = options["file"]
    try:
        with path.open("rb") as raw:
            total = max(sum(1 for _ in raw) - 1, 0)
        source = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror or error}") from error
    try:
        out = options["out"].open("w", encoding="utf-8", newline="")
    except OSError as error:
        source.close()
        raise CommandError(f"Cannot write {options['out']}: {error.strerror or error}") from error
    progress = _Progress(command.stderr, total)
    latencies: list[float] = []
    refused = matched = shown = 0
    with source, out:
        reader = csv.DictReader(source)
        missing = [name for name in IMPORT_HEADER if name not in (reader.fieldnames or [])]
        if missing:
            raise CommandError(
                f"{path}: the header lacks {', '.join(missing)}; expected {','.join(IMPORT_HEADER)}"
            )
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(OUT_HEADER)
        for done, row in enumerate(reader, start=1):
            query_id = (row.get("source_id") or "").strip()
            query = {
                k: (row.get(k) or "")
                for k in IMPORT_HEADER
                if k != "source_id" and (row.get(k) or "").strip()
            }
            started = time.perf_counter()
            try:
                if not query_id:
                    raise ValidationError({"source_id": ["Enter an id for this query"]})
                result = person_match(actor=actor, query=query)
            except ValidationError as error:
                refused += 1
                if shown < SHOWN_ERRORS:
                    shown += 1
                    progress.break_line()
                    command.stderr.write(f"line {done + 1} ({query_id or 'no source_id'}): {_reasons(error)}")
                progress.update(done)
                continue
            latency = (time.perf_counter() - started) * 1000
            latencies.append(latency)
            matched += bool(result.candidates)
            for rank, candidate in enumerate(result.candidates, start=1):
                writer.writerow(
                    (
                        query_id,
                        rank,
                        candidate.person_id,
                        "|".join(f"{a}:{v}" for a, v in candidate.identifiers if a not in _NATIONAL_LABELS),
                        f"{candidate.probability:.6f}",
                        f"{latency:.2f}",
                    )
                )
            progress.update(done)
    progress.finish()
    if refused > shown:
        command.stderr.write(f"... and {refused - shown} more refused rows")
    command.stdout.write(_summary(len(latencies) + refused, matched, refused, latencies, progress.seconds))
    if refused:
        raise CommandError(f"{refused} rows were refused (reasons above)", returncode=2)


def _summary(rows: int, matched: int, refused: int, latencies: list[float], seconds: float) -> str:
    timing = ""
    if latencies:
        ordered = sorted(latencies)
        p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        timing = f"; latency median {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms"
    return (
        f"{rows} queries: {matched} with candidates, {rows - matched - refused} with none, "
        f"{refused} refused ({seconds:.1f}s{timing})"
    )


def _reasons(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
    return "; ".join(error.messages)


def _actor(email: str) -> Any:
    from safehub.accounts.constants import Capability
    from safehub.accounts.models import User

    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise CommandError(f"No user has the email address {email}")
    if not user.is_active:
        raise CommandError(f"{user.email} is deactivated, so cannot search")
    if not user.has_capability(Capability.VIEW_PEOPLE):
        raise CommandError(
            f"{user.email} may not search people: their role lacks '{Capability.VIEW_PEOPLE.label}'"
        )
    return user
