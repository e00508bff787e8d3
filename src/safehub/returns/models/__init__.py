from .feed import FeedBatch, FeedState
from .identity import ChildIdSequence, ChildReturnId
from .returns import ProducedReturn, QueryExplanation, ReturnPart, ValidationIssue, ValidationRun
from .ssd import ImportRejection, ImportRun, ImportRunTable, SsdRecord

__all__ = [
    "ChildIdSequence",
    "ChildReturnId",
    "FeedBatch",
    "FeedState",
    "ImportRejection",
    "ImportRun",
    "ImportRunTable",
    "ProducedReturn",
    "QueryExplanation",
    "ReturnPart",
    "SsdRecord",
    "ValidationIssue",
    "ValidationRun",
]
