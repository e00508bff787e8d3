"""The policy layer: one object per aggregate answers `can`, `check` and `scope` (R19).

A policy's `scope` and `can` must agree: a record is in `scope(actor, qs)` exactly when
`can(actor, "view", record)` is true. Every list, search, count and detail read goes through
them, so nothing leaks by a side door. Restricted and sealed records are filtered here, once,
before any domain rule runs.
"""

from collections.abc import Iterable
from typing import Any, ClassVar, Generic, TypeVar, cast

from django.db import models

from safehub.platform.errors import NotFoundOrForbidden

from . import selectors

M = TypeVar("M", bound=models.Model)


class Policy(Generic[M]):
    """Subclasses set `model` and implement `base_scope` and `base_can` for unrestricted records."""

    model: ClassVar[type[models.Model]]
    actions: ClassVar[tuple[str, ...]] = ("view", "change")

    # --- to implement -------------------------------------------------------------------------
    def base_scope(self, actor: Any, qs: models.QuerySet[M], action: str) -> models.QuerySet[M]:
        raise NotImplementedError

    def base_can(self, actor: Any, action: str, obj: M) -> bool:
        raise NotImplementedError

    # --- the public face ----------------------------------------------------------------------
    @property
    def object_type(self) -> str:
        return self.model._meta.label_lower

    def scope(self, actor: Any, qs: models.QuerySet[M], action: str = "view") -> models.QuerySet[M]:
        # The same gates as `can`, in the same order, so the two cannot disagree (R19).
        if not _active(actor) or action not in self.actions:
            return qs.none()
        qs = self.base_scope(actor, qs, action)
        hidden = selectors.hidden_ids(actor=actor, object_type=self.object_type)
        return qs.exclude(pk__in=hidden)

    def visible(self, actor: Any, ids: Iterable[Any], action: str = "view") -> list[M]:
        """`scope(actor, model.objects.filter(pk__in=ids))` for a short list of ids, as a list.

        The same records, found more cheaply for a hot path such as a search's candidates: the
        restriction filter is a nested subquery that costs milliseconds to build on every call,
        and it is only needed for ids that have a restriction row. So the base scope is read
        first and the restriction rows of what it returned are looked up after; if there are any,
        those records (only) are put through the full `scope`. Reading the records before their
        restriction rows keeps this safe against a restriction added meanwhile: one committed
        before the restriction lookup is seen there; one committed after it came after the read.
        """
        wanted = list(ids)
        if not wanted or not _active(actor) or action not in self.actions:
            return []
        manager = cast("models.Manager[M]", self.model._default_manager)
        found = list(self.base_scope(actor, manager.filter(pk__in=wanted).order_by(), action))
        restricted = selectors.restricted_among(
            object_type=self.object_type, object_ids=[obj.pk for obj in found]
        )
        if restricted:
            opened = self.scope(actor, manager.filter(pk__in=restricted), action)
            allowed = set(opened.values_list("pk", flat=True))
            found = [obj for obj in found if obj.pk not in restricted or obj.pk in allowed]
        return found

    def can(self, actor: Any, action: str, obj: M) -> bool:
        if not _active(actor) or action not in self.actions:
            return False
        if not selectors.may_open(actor=actor, object_type=self.object_type, object_id=obj.pk):
            return False
        return self.base_can(actor, action, obj)

    def check(self, actor: Any, action: str, obj: M) -> None:
        """Raise the one answer for "missing" and "forbidden" alike, so ids cannot be probed."""
        if not self.can(actor, action, obj):
            raise NotFoundOrForbidden()


def _active(actor: Any) -> bool:
    return bool(actor is not None and getattr(actor, "is_authenticated", False) and actor.is_active)


# --- registry: apps above `access` register their policies in AppConfig.ready() ----------------
_registry: dict[str, Policy[Any]] = {}


def register(policy: Policy[Any]) -> Policy[Any]:
    _registry[policy.object_type] = policy
    return policy


def policy_for(object_type: str) -> Policy[Any]:
    try:
        return _registry[object_type]
    except KeyError:
        raise NotFoundOrForbidden() from None


def registered() -> dict[str, Policy[Any]]:
    return dict(_registry)


def object_for(actor: Any, object_type: str, object_id: Any) -> models.Model:
    """Load any registered record for `actor`, through its policy; 404 if absent or not allowed."""
    policy = policy_for(object_type)
    obj = policy.scope(actor, policy.model._default_manager.all()).filter(pk=object_id).first()
    if obj is None:
        raise NotFoundOrForbidden()
    return obj
