from .base import BaseModel, VersionedModel
from .calendar import LocalClosure

__all__ = ["BaseModel", "LocalClosure", "VersionedModel"]
