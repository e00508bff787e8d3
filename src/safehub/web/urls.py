from django.urls import path

from .views import csp, health, home, session

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("session/status/", session.status, name="session_status"),
    path("session/extend/", session.extend, name="session_extend"),
    path("csp-report/", csp.csp_report, name="csp_report"),
    path("health/", health.health, name="health"),
]
