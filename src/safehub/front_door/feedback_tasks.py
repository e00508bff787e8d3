"""The background task that e-mails one referrer's feedback (django-tasks, issue 4 item 7).

Thin on purpose: it loads nothing itself and calls the service, which claims the row, sends and
records the outcome. Running it twice is harmless (the second run finds the row sent or claimed).
"""

from django_tasks import task

from .services.feedback import feedback_deliver


@task()
def feedback_send(feedback_id: str) -> str:
    """Send the outbox row `feedback_id`; returns its status afterwards (for the task result)."""
    return feedback_deliver(feedback_id)
