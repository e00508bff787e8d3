"""Bringing the code lists in line with the reference files, in one transaction.

Codes are upserted, never deleted: a code that has left its source is disabled from the sync
date (returns for earlier years still need it) and is enabled again if it comes back.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from safehub.audit.constants import Verb
from safehub.audit.services import record_event

from ..loaders import PREFIXES, LoadedFile, LoadedList, load_all
from ..models import Code, CodeList

ACTOR_LABEL = "sync_reference_data"
_LIST_FIELDS = ("name", "source", "description")
_CODE_FIELDS = ("label", "sort_order", "source_row")


@dataclass
class SyncReport:
    """What a sync changed (or, on a dry run, would change). Codes are "key:code" strings."""

    dry_run: bool = False
    files: list[LoadedFile] = field(default_factory=list)
    lists_created: list[str] = field(default_factory=list)
    lists_updated: list[str] = field(default_factory=list)
    codes_added: list[str] = field(default_factory=list)
    codes_updated: list[str] = field(default_factory=list)
    codes_disabled: list[str] = field(default_factory=list)
    codes_reenabled: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(
            (
                self.lists_created,
                self.lists_updated,
                self.codes_added,
                self.codes_updated,
                self.codes_disabled,
                self.codes_reenabled,
            )
        )

    def summary(self) -> str:
        return (
            f"{len(self.lists_created)} lists created, {len(self.lists_updated)} lists updated, "
            f"{len(self.codes_added)} codes added, {len(self.codes_updated)} updated, "
            f"{len(self.codes_disabled)} disabled, {len(self.codes_reenabled)} re-enabled"
        )


@dataclass
class _ListChanges:
    created: bool = False
    updated: bool = False
    added: list[Code] = field(default_factory=list)
    changed: list[Code] = field(default_factory=list)
    disabled: list[Code] = field(default_factory=list)
    reenabled: list[Code] = field(default_factory=list)

    def any(self) -> bool:
        return (
            self.created
            or self.updated
            or bool(self.added or self.changed or self.disabled or self.reenabled)
        )


def reference_data_sync(
    *,
    actor: Any = None,
    source_dir: Path,
    today: date,
    dry_run: bool = False,
    progress: Callable[[LoadedFile], None] | None = None,
) -> SyncReport:
    """Upsert every code list from `source_dir`; disable codes the sources no longer list.

    Every file is read before anything is written, so a malformed file changes nothing
    (loaders raise SourceError). The writes and their audit events share one transaction; a
    dry run performs them and rolls back, so its report is exactly what a real run would do.
    """
    files = load_all(Path(source_dir))
    report = SyncReport(dry_run=dry_run, files=files)
    if progress:
        for loaded in files:
            progress(loaded)
    loaded_lists = {code_list.key: code_list for loaded in files for code_list in loaded.lists}
    user = actor if getattr(actor, "is_authenticated", False) else None
    reason = f"{ACTOR_LABEL} {today.isoformat()}"

    with transaction.atomic():
        existing = {cl.key: cl for cl in CodeList.objects.filter(_managed_keys())}
        codes_by_list: dict[Any, dict[str, Code]] = {}
        for code in Code.objects.filter(code_list__in=list(existing.values())):
            codes_by_list.setdefault(code.code_list_id, {})[code.code] = code

        changes: dict[str, tuple[CodeList, _ListChanges]] = {}
        new_lists: list[CodeList] = []
        updated_lists: list[CodeList] = []
        for key, source_list in loaded_lists.items():
            code_list, delta = _merge_list(existing.get(key), source_list)
            if delta.created:
                new_lists.append(code_list)
            elif delta.updated:
                updated_lists.append(code_list)
            _merge_codes(code_list, source_list, codes_by_list.get(code_list.pk, {}), today, delta)
            changes[key] = (code_list, delta)
        for key, code_list in existing.items():
            if key not in loaded_lists:
                # The whole list has left its source (e.g. an SSD file was withdrawn).
                delta = _ListChanges()
                _disable_missing(codes_by_list.get(code_list.pk, {}), set(), today, delta)
                changes[key] = (code_list, delta)

        bulk_create_with_history(new_lists, CodeList, default_user=user, default_change_reason=reason)
        _bulk_update(updated_lists, CodeList, _LIST_FIELDS, user, reason)
        all_changes = [delta for _, delta in changes.values()]
        added = [code for delta in all_changes for code in delta.added]
        bulk_create_with_history(added, Code, default_user=user, default_change_reason=reason)
        edited = [
            code for delta in all_changes for code in (*delta.changed, *delta.disabled, *delta.reenabled)
        ]
        _bulk_update(edited, Code, (*_CODE_FIELDS, "disabled_from"), user, reason)

        for key, (code_list, delta) in changes.items():
            if not delta.any():
                continue
            _report(report, key, delta)
            record_event(
                actor=actor,
                actor_label=ACTOR_LABEL,
                verb=Verb.CREATE if delta.created else Verb.UPDATE,
                object_type="reference_data.codelist",
                object_id=code_list.pk,
                section=key,
                reason=_describe(delta),
            )
        if dry_run:
            transaction.set_rollback(True)
    return report


def _managed_keys() -> Q:
    query = Q(pk__in=[])
    for prefix in PREFIXES:
        query |= Q(key__startswith=f"{prefix}.")
    return query


def _merge_list(code_list: CodeList | None, loaded: LoadedList) -> tuple[CodeList, _ListChanges]:
    values = {name: getattr(loaded, name) for name in _LIST_FIELDS}
    if code_list is None:
        return CodeList(key=loaded.key, **values), _ListChanges(created=True)
    delta = _ListChanges()
    for name, value in values.items():
        if getattr(code_list, name) != value:
            setattr(code_list, name, value)
            delta.updated = True
    return code_list, delta


def _merge_codes(
    code_list: CodeList, loaded: LoadedList, current: dict[str, Code], today: date, delta: _ListChanges
) -> None:
    for item in loaded.codes:
        code = current.get(item.code)
        if code is None:
            delta.added.append(
                Code(
                    code_list=code_list,
                    code=item.code,
                    label=item.label,
                    sort_order=item.sort_order,
                    source_row=item.source_row,
                )
            )
            continue
        edited = False
        for name in _CODE_FIELDS:
            if getattr(code, name) != getattr(item, name):
                setattr(code, name, getattr(item, name))
                edited = True
        if code.disabled_from is not None:
            code.disabled_from = None
            delta.reenabled.append(code)
        elif edited:
            delta.changed.append(code)
    _disable_missing(current, {item.code for item in loaded.codes}, today, delta)


def _disable_missing(current: dict[str, Code], present: set[str], today: date, delta: _ListChanges) -> None:
    for value, code in current.items():
        if value not in present and code.disabled_from is None:
            # A code first valid after `today` cannot be disabled before it starts (check constraint).
            code.disabled_from = max(today, code.valid_from) if code.valid_from else today
            delta.disabled.append(code)


def _bulk_update(objs: list[Any], model: Any, fields: tuple[str, ...], user: Any, reason: str) -> None:
    if not objs:
        return
    stamp = timezone.now()
    for obj in objs:
        obj.updated_at = stamp  # bulk_update skips auto_now, so stamp the change ourselves.
    bulk_update_with_history(
        objs, model, [*fields, "updated_at"], default_user=user, default_change_reason=reason
    )


def _report(report: SyncReport, key: str, delta: _ListChanges) -> None:
    if delta.created:
        report.lists_created.append(key)
    elif delta.updated:
        report.lists_updated.append(key)
    report.codes_added += [f"{key}:{code.code}" for code in delta.added]
    report.codes_updated += [f"{key}:{code.code}" for code in delta.changed]
    report.codes_disabled += [f"{key}:{code.code}" for code in delta.disabled]
    report.codes_reenabled += [f"{key}:{code.code}" for code in delta.reenabled]


def _describe(delta: _ListChanges) -> str:
    parts = [
        f"{len(delta.added)} added",
        f"{len(delta.changed)} updated",
        f"{len(delta.disabled)} disabled",
        f"{len(delta.reenabled)} re-enabled",
    ]
    if delta.disabled:
        parts.append("disabled: " + ", ".join(code.code for code in delta.disabled))
    if delta.reenabled:
        parts.append("re-enabled: " + ", ".join(code.code for code in delta.reenabled))
    return "; ".join(parts)
