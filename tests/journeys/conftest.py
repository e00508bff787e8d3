"""Journeys run Playwright's sync API, which keeps an asyncio loop running in this thread.

Django refuses ORM calls from a thread with a running loop (its async-safety check); the ORM
calls here are test set-up in the main thread while the live server answers from its own
threads, so the check is switched off for journeys.
"""

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
