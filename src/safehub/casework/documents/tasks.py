"""The background virus scan: a thin, idempotent wrapper around `document_scan` (R43, R51).

`document_upload` enqueues it with `transaction.on_commit`, so a scan never runs for an upload
that rolled back. With the database task backend a worker (`manage.py db_worker`) picks it up;
if the worker is down the document simply stays quarantined until it runs, or until
`manage.py scan_documents` rescans (R57).
"""

from django_tasks import task

from safehub.platform import context


@task()
def scan_document(document_id: str) -> str:
    """Scan one document; returns its status afterwards. Running it twice is harmless."""
    from ..services.documents import document_scan_by_id

    token = context.bind(context.RequestContext(channel="task"))
    try:
        return document_scan_by_id(document_id)
    finally:
        context.reset(token)
