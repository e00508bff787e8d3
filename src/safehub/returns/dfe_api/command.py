"""`safehub returns dfe-api --mode snapshot|delta [--dry-run --out DIR] [--record-state] --as-user EMAIL`:
the DfE children's social care API feed (issue 7, item 6; ADR 0006 decision 9).

Sending is off by default: without `--dry-run` the command sends only when SAFEHUB_DFE_API_SEND is
true and the endpoint, token endpoint, client id, secret and supplier key are all set.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ..command_user import returns_actor
from ..constants import FeedMode
from .run import FeedResult, dry_run, send
from .transport import Transport, missing_settings

NAME = "dfe-api"
HELP = "Build the DfE children's social care API feed (snapshot or delta); send it when configured."


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--mode", required=True, choices=[m.value for m in FeedMode], help="snapshot or delta"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="Write the batches as JSON files instead of sending"
    )
    parser.add_argument("--out", type=Path, metavar="DIR", help="Where a dry run writes batch-0001.json …")
    parser.add_argument(
        "--record-state",
        action="store_true",
        help="With --dry-run: count the written records as sent, so the next delta starts from them "
        "(only when the files are submitted by another route)",
    )
    parser.add_argument(
        "--as-user",
        metavar="EMAIL",
        help="(default: SAFEHUB_RETURNS_USER) The user the feed is produced (and audited) as",
    )


def _config() -> dict[str, Any]:
    return dict(getattr(settings, "SAFEHUB_DFE_API", {}) or {})


def _batch_size(config: dict[str, Any]) -> int:
    size = config.get("batch_size") or 100
    if not isinstance(size, int) or size < 1:
        raise CommandError(f"SAFEHUB_DFE_API_BATCH_SIZE must be a whole number of 1 or more, not {size!r}")
    return size


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    mode = options["mode"]
    config = _config()
    size = _batch_size(config)
    if options.get("dry_run"):
        if options.get("out") is None:
            raise CommandError("--out: a dry run needs a directory to write the batches to")
        out: Path = options["out"]
        if out.exists() and not out.is_dir():
            raise CommandError(f"--out: {out} is a file; give a directory")
    else:
        if options.get("out") is not None or options.get("record_state"):
            raise CommandError("--out and --record-state go with --dry-run")
        missing = missing_settings(config)
        if missing:
            raise CommandError(
                "Sending to the DfE is off. To send, set "
                + ", ".join(missing)
                + " (settings.SAFEHUB_DFE_API); or look first with --dry-run --out DIR."
            )
    actor = returns_actor(options.get("as_user"))
    if options.get("dry_run"):
        result = dry_run(
            mode=mode, out=out, actor=actor, batch_size=size, record_state=options["record_state"]
        )
        _report(command, result, f"written to {out}")
        return
    transport = Transport(config=config, la_code=settings.SAFEHUB_LA_CODE)
    result = send(mode=mode, transport=transport, actor=actor, batch_size=size)
    _report(command, result, "sent")
    if result.failed:
        raise CommandError(
            f"Stopped after {result.accepted:,} accepted record(s): {result.failed}. "
            "The rest go in the next run."
        )


def _report(command: BaseCommand, result: FeedResult, verb: str) -> None:
    if not result.records:
        command.stdout.write("Nothing to send: no child's record changed since the last accepted feed.")
        return
    command.stdout.write(f"{result.records:,} record(s) in {len(result.batches):,} batch(es) {verb}.")
