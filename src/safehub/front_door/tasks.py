"""Background tasks of the front door: thin, idempotent wrappers around services."""

from django_tasks import task

from safehub.platform import context

from .services.reminders import requests_remind_and_escalate


@task()
def remind_and_escalate_requests() -> list[int]:
    """The reminder and escalation sweep (the same as `manage.py front_door_tick`)."""
    token = context.bind(context.RequestContext(channel="task"))
    try:
        reminded, escalated = requests_remind_and_escalate()
    finally:
        context.reset(token)
    return [reminded, escalated]
