from .sync import SyncReport, reference_data_sync

__all__ = ["SyncReport", "reference_data_sync"]
