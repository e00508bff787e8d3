"""SSD table adapters (issue 7): filled in by the adapter work."""
