"""Documents, letters, letter templates and the chronology export, under /casework/documents/."""

from django.urls import path

from . import document_views as views

app_name = "casework_documents"

urlpatterns = [
    path("people/<uuid:person_id>/", views.document_list, name="list"),
    path("people/<uuid:person_id>/upload/", views.upload, name="upload"),
    path("people/<uuid:person_id>/letter/", views.letter_new, name="letter_new"),
    path("people/<uuid:person_id>/chronology.pdf", views.chronology_pdf, name="chronology_pdf"),
    path("<uuid:id>/download/", views.download, name="download"),
    path("templates/", views.template_list, name="templates"),
    path("templates/new/", views.template_new, name="template_new"),
    path("templates/<uuid:id>/edit/", views.template_edit, name="template_edit"),
]
