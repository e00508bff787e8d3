from .involvement import Allocation, CaseloadWeight, Involvement
from .record import CaseNote, Document, LetterTemplate
from .task import Task, TimescaleSetting

__all__ = [
    "Allocation",
    "CaseNote",
    "CaseloadWeight",
    "Document",
    "Involvement",
    "LetterTemplate",
    "Task",
    "TimescaleSetting",
]
