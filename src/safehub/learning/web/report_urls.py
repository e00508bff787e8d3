"""Routes for learning pages (namespace `learning_reports`). Every route is in tests/permission_matrix.yml (R18)."""

from django.urls import path

from . import report_views, theme_views

app_name = "learning_reports"

urlpatterns = [
    path("board/", report_views.board, name="board"),
    path("board/overdue-actions.csv", report_views.board_overdue_csv, name="board_overdue_csv"),
    path("themes/", theme_views.themes, name="themes"),
    path("themes/manage/", theme_views.theme_manage, name="theme_manage"),
    path("themes/manage/new/", theme_views.theme_new, name="theme_new"),
    path("themes/manage/<uuid:id>/edit/", theme_views.theme_edit, name="theme_edit"),
    path("themes/manage/<uuid:id>/retire/", theme_views.theme_retire_view, name="theme_retire"),
    path("themes/<uuid:id>/", theme_views.theme_detail, name="theme_detail"),
]
