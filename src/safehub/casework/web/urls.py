from django.urls import path

from . import allocation_views, note_views, settings_views, task_views

app_name = "casework"

urlpatterns: list = [
    # Tasks (issue 5, item 2)
    path("tasks/", task_views.my_tasks, name="my_tasks"),
    path("tasks/<uuid:id>/done/", task_views.task_done, name="task_done"),
    path("teams/tasks/", task_views.team_tasks, name="team_tasks"),
    path("teams/<uuid:team_id>/tasks/", task_views.team_tasks_for, name="team_tasks_for"),
    path("teams/<uuid:team_id>/compliance/", task_views.compliance, name="compliance"),
    path("involvements/<uuid:id>/tasks/new/", task_views.task_new, name="task_new"),
    # Allocation and caseloads (issue 5, item 4)
    path("allocation/", allocation_views.allocation, name="allocation"),
    path("involvements/<uuid:id>/allocate/", allocation_views.allocate, name="allocate"),
    # Local timescales and caseload weights
    path("settings/", settings_views.settings, name="settings"),
    path("settings/timescales/<slug:key>/", settings_views.timescale_edit, name="timescale_edit"),
    path("settings/weights/<slug:level>/", settings_views.weight_edit, name="weight_edit"),
    # Case notes (issue 5, item 3)
    path("people/<uuid:person_id>/notes/", note_views.notes, name="notes"),
    path("people/<uuid:person_id>/notes/new/", note_views.note_new, name="note_new"),
    path("notes/<uuid:id>/edit/", note_views.note_edit, name="note_edit"),
]
