"""The feed: a full snapshot, or the daily delta against what the DfE last accepted (`FeedState`).

Delta rules (STATUTORY.md §5):
- a child not sent before goes in whole; an unchanged child is left out;
- a changed child carries its ids and `child_details` (required on every record) and only the
  blocks that changed: `health_and_wellbeing` whole, and in `social_care_episodes` only the episodes
  that changed, each with its own fields and only the changed items of its lists;
- what disappeared is sent with `"purge": true`, but the DfE allows purge only on
  social_care_episodes, child_protection_plans, child_in_need_plans, health_and_wellbeing and
  care_leavers. When an item of another list (an assessment, a section 47, a placement, the
  adoption block) disappears, the only allowed way to remove it is to purge its whole episode: the
  delta does that, and the state kept for the child leaves the episode out, so the next run sends
  the episode again, whole, without the removed item;
- a record whose child was merged into another is purged whole (the DfE must not count the child
  twice). A child who only drops out of the cohort's window is not purged: the DfE keeps the history.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from safehub.people.models import Person

from ..constants import FeedMode
from ..identity import child_ids_for
from ..models import FeedState
from .payload import child_payload, cohort

EPISODE_ID = "social_care_episode_id"
# Each list in an episode, the key of its items' ids, and whether the DfE lets an item be purged.
EPISODE_LISTS: dict[str, tuple[str, bool]] = {
    "child_and_family_assessments": ("child_and_family_assessment_id", False),
    "child_in_need_plans": ("child_in_need_plan_id", True),
    "section_47_assessments": ("section_47_assessment_id", False),
    "child_protection_plans": ("child_protection_plan_id", True),
    "child_looked_after_placements": ("child_looked_after_placement_id", False),
}
EPISODE_FIELDS = (
    "referral_date",
    "referral_source",
    "referral_no_further_action_flag",
    "closure_date",
    "closure_reason",
)


@dataclass
class FeedRecord:
    """One record to send, and the state to keep once the DfE has accepted it (None: forget it)."""

    person_id: UUID
    child_id: str
    record: dict[str, Any]
    state: dict[str, Any] | None

    @property
    def purged(self) -> bool:
        return bool(self.record["Children"].get("purge"))


def payload_hash(payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _by_id(items: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {item[key]: item for item in items}


def _episode_delta(before: dict[str, Any], now: dict[str, Any]) -> dict[str, Any] | None:
    """The changed parts of one episode; None when a removal can only be sent as an episode purge."""
    out: dict[str, Any] = {EPISODE_ID: now[EPISODE_ID], **{f: now.get(f) for f in EPISODE_FIELDS}}
    if before.get("care_worker_details") != now.get("care_worker_details"):
        out["care_worker_details"] = now.get("care_worker_details", [])
    for block, (key, purgeable) in EPISODE_LISTS.items():
        old, new = _by_id(before.get(block, []), key), _by_id(now.get(block, []), key)
        changed = [item for item_id, item in new.items() if old.get(item_id) != item]
        gone = [item_id for item_id in old if item_id not in new]
        if gone and not purgeable:
            return None
        changed += [{key: item_id, "purge": True} for item_id in gone]
        if changed:
            out[block] = changed
    if before.get("adoption") != now.get("adoption"):
        if "adoption" not in now:
            return None
        out["adoption"] = now["adoption"]
    if before.get("care_leavers") != now.get("care_leavers"):
        out["care_leavers"] = now.get("care_leavers") or {"purge": True}
    out["purge"] = False
    return out


def child_delta(before: dict[str, Any], now: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(record to send, state to keep) for a child whose payload changed since `before`."""
    old, new = before["Children"], now["Children"]
    children: dict[str, Any] = {
        "la_child_id": new["la_child_id"],
        "mis_child_id": new["mis_child_id"],
        "purge": False,
        "child_details": new["child_details"],
    }
    if old.get("health_and_wellbeing") != new.get("health_and_wellbeing"):
        children["health_and_wellbeing"] = new.get("health_and_wellbeing") or {"purge": True}
    state = json.loads(json.dumps(now))
    old_episodes = _by_id(old.get("social_care_episodes", []), EPISODE_ID)
    new_episodes = _by_id(new.get("social_care_episodes", []), EPISODE_ID)
    episodes: list[dict[str, Any]] = []
    resend_later: set[str] = set()
    for episode_id, episode in new_episodes.items():
        previous = old_episodes.get(episode_id)
        if previous is None:
            episodes.append(episode)
        elif previous != episode:
            changed = _episode_delta(previous, episode)
            if changed is None:
                episodes.append({EPISODE_ID: episode_id, "purge": True})
                resend_later.add(episode_id)
            else:
                episodes.append(changed)
    episodes += [{EPISODE_ID: eid, "purge": True} for eid in old_episodes if eid not in new_episodes]
    if episodes:
        children["social_care_episodes"] = episodes
    if resend_later:
        state["Children"]["social_care_episodes"] = [
            e for e in state["Children"]["social_care_episodes"] if e[EPISODE_ID] not in resend_later
        ]
    return {"la_code": now["la_code"], "Children": children}, state


def _purge_record(state: FeedState) -> dict[str, Any]:
    return {
        "la_code": state.payload.get("la_code"),
        "Children": {"la_child_id": state.child_id, "mis_child_id": str(state.person_id), "purge": True},
    }


def build_feed(mode: str, *, today: date) -> list[FeedRecord]:
    """The records to send today, in a stable order (by person id), purges last."""
    people = cohort(today)
    ids = child_ids_for(p.pk for p in people)
    states = {s.person_id: s for s in FeedState.objects.all()} if mode == FeedMode.DELTA else {}
    records: list[FeedRecord] = []
    for person in people:
        payload = child_payload(person, child_id=ids[person.pk])
        state = states.get(person.pk)
        if state is None:
            records.append(FeedRecord(person.pk, ids[person.pk], payload, payload))
        elif state.payload_hash != payload_hash(payload):
            record, keep = child_delta(state.payload, payload)
            records.append(FeedRecord(person.pk, ids[person.pk], record, keep))
    if mode == FeedMode.DELTA:
        merged = set(
            Person.objects.filter(pk__in=list(states), merged_into__isnull=False).values_list("pk", flat=True)
        )
        for person_id in sorted(merged, key=str):
            state = states[person_id]
            records.append(FeedRecord(person_id, state.child_id, _purge_record(state), None))
    return records
