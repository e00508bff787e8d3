"""Run the feed: cut it into batches, write or send each, record each batch and audit it.

Each batch is its own transaction: its `FeedBatch`, its audit event and (when kept) the children's
`FeedState` commit together, so a failure part-way leaves every earlier batch fully recorded and
the next delta starts from exactly what the DfE accepted.

A dry run writes files and never moves `FeedState` unless asked (`record_state`): it is a look at
what would go, and must not make the next real delta skip the changes it showed. A council that
submits the written files by another route asks for `record_state`, so its deltas follow on.
"""

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction

from safehub.audit.constants import Outcome, Verb
from safehub.audit.services.record import record_event
from safehub.platform import clock

from ..constants import FeedBatchStatus
from ..models import FeedBatch, FeedState
from .feed import FeedRecord, build_feed, payload_hash
from .transport import SendError, Transport


@dataclass
class FeedResult:
    records: int = 0
    batches: list[FeedBatch] = field(default_factory=list)
    accepted: int = 0
    failed: str = ""


def batches_of(records: list[FeedRecord], size: int) -> list[list[FeedRecord]]:
    if size < 1:
        raise ValueError("SAFEHUB_DFE_API_BATCH_SIZE must be 1 or more")
    return [records[i : i + size] for i in range(0, len(records), size)]


def _keep_state(batch: list[FeedRecord]) -> None:
    now = clock.now()
    for record in batch:
        if record.state is None:
            FeedState.objects.filter(person_id=record.person_id).delete()
            continue
        FeedState.objects.update_or_create(
            person_id=record.person_id,
            defaults={
                "child_id": record.child_id,
                "payload": record.state,
                "payload_hash": payload_hash(record.state),
                "sent_at": now,
            },
        )


def _write(path: Path, records: list[dict[str, Any]]) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".batch-", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(records, out, indent=1, sort_keys=False)
    os.replace(temporary, path)


def _save_batch(
    *, actor: Any, mode: str, status: str, batch: list[FeedRecord], verb: str, keep: bool, **fields: Any
) -> FeedBatch:
    with transaction.atomic():
        saved = FeedBatch.objects.create(
            mode=mode,
            status=status,
            records=len(batch),
            purged=sum(1 for r in batch if r.purged),
            started_by=actor,
            **fields,
        )
        # Personal data leaves the system here (R27): one event per batch naming every child in it.
        record_event(
            actor=actor,
            verb=verb,
            target=saved,
            section="dfe_api",
            purpose="DfE children's social care data",
            outcome=Outcome.SUCCESS
            if status in (FeedBatchStatus.WRITTEN, FeedBatchStatus.SENT)
            else Outcome.FAILURE,
            result_ids=[r.person_id for r in batch],
        )
        if keep:
            _keep_state(batch)
    return saved


def dry_run(
    *,
    mode: str,
    out: Path,
    actor: Any,
    batch_size: int,
    record_state: bool = False,
    today: date | None = None,
) -> FeedResult:
    records = build_feed(mode, today=today or clock.today())
    result = FeedResult(records=len(records))
    out.mkdir(parents=True, exist_ok=True)
    for number, batch in enumerate(batches_of(records, batch_size), start=1):
        path = out / f"batch-{number:04d}.json"
        _write(path, [r.record for r in batch])
        result.batches.append(
            _save_batch(
                actor=actor,
                mode=mode,
                status=FeedBatchStatus.WRITTEN,
                batch=batch,
                verb=Verb.EXPORT,
                keep=record_state,
                written_to=str(path),
            )
        )
    return result


def send(
    *, mode: str, transport: Transport, actor: Any, batch_size: int, today: date | None = None
) -> FeedResult:
    records = build_feed(mode, today=today or clock.today())
    result = FeedResult(records=len(records))
    for batch in batches_of(records, batch_size):
        try:
            status, answer = transport.post_batch([r.record for r in batch])
        except SendError as error:
            refused = error.status is not None and error.status < 500
            result.batches.append(
                _save_batch(
                    actor=actor,
                    mode=mode,
                    status=FeedBatchStatus.REFUSED if refused else FeedBatchStatus.FAILED,
                    batch=batch,
                    verb=Verb.SHARE,
                    keep=False,
                    response={"status": error.status, "error": str(error)},
                )
            )
            # Later batches wait for the next run: the state still says what the DfE holds.
            result.failed = str(error)
            break
        result.batches.append(
            _save_batch(
                actor=actor,
                mode=mode,
                status=FeedBatchStatus.SENT,
                batch=batch,
                verb=Verb.SHARE,
                keep=True,
                response={"status": status, "items": answer},
            )
        )
        result.accepted += len(batch)
    return result
