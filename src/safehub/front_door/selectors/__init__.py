"""Reads of the front door, each starting from its policy's scope."""
