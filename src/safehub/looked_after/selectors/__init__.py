"""Reads of the children in care record, one module per area."""
