"""Django settings for the verifyd-bench django-phone-verify peer.

Started by `scripts/bench-peers.sh serve django PORT`, which sets
  PEER_DB      SQLite file to create (in a fresh temp dir; migrated before serving)
  PEER_SECRET  a random SECRET_KEY for this run (django-phone-verify signs its session
               tokens with it, HS256 JWT)
Production settings: DEBUG off, no request logging (Django only logs requests under
runserver; gunicorn's access log is off in gunicorn.conf.py).
"""
import os

BASE_DIR = os.path.dirname(os.path.abspath(__file__))

SECRET_KEY = os.environ["PEER_SECRET"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    # DRF's default authentication classes need these two (AnonymousUser).
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "rest_framework",
    "phonenumber_field",
    "phone_verify",
]

# Django's startproject middleware, less sessions/auth/messages (no app here uses
# them). DRF views are CSRF-exempt as usual for an API.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "benchpeer.urls"
WSGI_APPLICATION = "benchpeer.wsgi.application"

# SQLite in WAL mode (readers never block the writer and a commit is one append + fsync
# to the log; synchronous stays at SQLite's default FULL, so commits are durable).
# gunicorn runs several threads, each with its own connection, so writers can meet:
# "timeout" is the busy timeout in seconds, and transaction_mode IMMEDIATE takes the
# write lock at BEGIN (Django's documented remedy for "database is locked" under
# concurrent writes). CONN_MAX_AGE=None keeps one connection per thread open instead
# of reconnecting (and re-running the PRAGMA) on every request.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["PEER_DB"],
        "CONN_MAX_AGE": None,
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL",
        },
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"
USE_I18N = True
LANGUAGE_CODE = "en-us"

# An API: JSON in and out, no browsable-API HTML renderer. Authentication, permission
# and throttling settings are DRF's defaults (no throttling by default).
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
}

# The security code is the sandbox-style fixed code below (see benchpeer/backends.py:
# the package's own sandbox backends would call Twilio/Nexmo for every code). All other
# values are the package's defaults: 6 digits, 600 s expiry, 5 failed attempts, and
# codes are single use.
BENCH_SECURITY_CODE = "246810"
PHONE_VERIFICATION = {
    "BACKEND": "benchpeer.backends.NoSMSSandboxBackend",
    "OPTIONS": {"SANDBOX_TOKEN": BENCH_SECURITY_CODE},
    "TOKEN_LENGTH": 6,
    "MESSAGE": "Welcome to {app}! Please use security code {security_code} to proceed.",
    "APP_NAME": "verifyd-bench",
    "SECURITY_CODE_EXPIRATION_SECONDS": 600,
    "MAX_FAILED_ATTEMPTS": 5,
    "VERIFY_SECURITY_CODE_ONLY_ONCE": True,
}
