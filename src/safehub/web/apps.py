from pathlib import Path
from typing import Any

from django.apps import AppConfig
from django.conf import settings

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


class WebConfig(AppConfig):
    name = "safehub.web"
    label = "web"
    verbose_name = "Staff web interface"

    def ready(self) -> None:
        _prefer_web_templates()


def _prefer_web_templates() -> None:
    """Make our GOV.UK versions of allauth's templates win over allauth's own.

    The app-directories loader searches apps in INSTALLED_APPS order and allauth comes before
    safehub.web, so `allauth/layouts/base.html`, `account/login.html` and friends would otherwise
    resolve to allauth's unstyled originals. Listing this directory in the engine's DIRS is the
    documented way to override a third-party app's templates; doing it here (before any template
    engine is built) keeps the rule next to the templates. Idempotent, and a no-op once settings
    list the directory themselves.
    """
    engines: list[dict[str, Any]] = settings.TEMPLATES
    for engine in engines:
        if engine.get("BACKEND") != "django.template.backends.django.DjangoTemplates":
            continue
        configured = list(engine.get("DIRS") or [])
        if TEMPLATES_DIR not in [Path(d).resolve() for d in configured]:
            engine["DIRS"] = [TEMPLATES_DIR, *configured]
