"""Development and the embedded `make run` set-up: SQLite in var/, debug on, a local key."""

from __future__ import annotations

import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR, env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)


def _local_secret_key() -> str:
    """A key made once per checkout and kept in var/ (never committed)."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


import os  # noqa: E402

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or _local_secret_key()
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
(VAR_DIR / "staticfiles").mkdir(parents=True, exist_ok=True)
