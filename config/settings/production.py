"""Production: everything secret or deployment-specific must come from the environment (R6)."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env_str("SAFEHUB_SECRET_KEY")
SECRET_KEY_FALLBACKS = env_list("SAFEHUB_SECRET_KEY_FALLBACKS")
SAFEHUB_AUDIT_HMAC_KEY = env_str("SAFEHUB_AUDIT_HMAC_KEY")
ALLOWED_HOSTS = env_list("SAFEHUB_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("SAFEHUB_CSRF_TRUSTED_ORIGINS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("The environment variable SAFEHUB_ALLOWED_HOSTS must be set.")
if len(SAFEHUB_AUDIT_HMAC_KEY) < 32:
    raise ImproperlyConfigured("SAFEHUB_AUDIT_HMAC_KEY must be at least 32 characters.")

SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 63072000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SAFEHUB_TRUSTED_PROXY_COUNT = env_int("SAFEHUB_TRUSTED_PROXY_COUNT", 1)
AXES_IPWARE_PROXY_COUNT = SAFEHUB_TRUSTED_PROXY_COUNT

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env_str("SAFEHUB_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("SAFEHUB_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("SAFEHUB_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("SAFEHUB_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("SAFEHUB_EMAIL_USE_TLS", True)
