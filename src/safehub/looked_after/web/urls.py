"""Routes under /care/: periods of care and everything recorded under them (issue 6).

Each area keeps its own route list; this module only joins them under one namespace.
"""

from . import period_urls, permanence_urls, review_urls

app_name = "looked_after"

urlpatterns = period_urls.urlpatterns + review_urls.urlpatterns + permanence_urls.urlpatterns
