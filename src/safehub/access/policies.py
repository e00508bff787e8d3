"""The policy layer: one object per aggregate answers `can`, `check` and `scope` (R19).

A policy's `scope` and `can` must agree: a record is in `scope(actor, qs)` exactly when
`can(actor, "view", record)` is true. Every list, search, count and detail read goes through
them, so nothing leaks by a side door. Restricted and sealed records are filtered here, once,
before any domain rule runs.
"""

from typing import Any, ClassVar, Generic, TypeVar

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
