"""Flagged-adult alerts (issue 3, item 5): who is told, and what each recipient may read.

The service that raises alerts is `safehub.people.services.alerts.flagged_adult_linked`; this
package holds the recipient registry and the inbox reads.
"""

from .registry import allocated_workers_for, register_allocated_workers

__all__ = ["allocated_workers_for", "register_allocated_workers"]
