"""Refuse a guessable ``DJANGO_SECRET_KEY`` before the site starts (production settings).

The key signs sessions, password-reset links and sealed temporary passwords: a short one, a
placeholder, Django's ``startproject`` key or one printed in this repository would let anyone
forge them. A good key: ``python -c "import secrets; print(secrets.token_urlsafe(50))"``.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

MIN_LENGTH = 50
MIN_DISTINCT_CHARACTERS = 5
INSECURE_PREFIX = "django-insecure-"
# Keys written in this repository (settings, tests, documentation): public, so never secret.
KNOWN_KEYS = frozenset(
    {
        "test-only-not-secret",  # config/settings/test.py
    }
)
HOW_TO_MAKE_ONE = 'make one with: python -c "import secrets; print(secrets.token_urlsafe(50))"'


def check_secret_key(value: str | None) -> None:
    """Raise ImproperlyConfigured unless ``value`` is long, varied and not a known key."""
    key = (value or "").strip()
    if not key:
        problem = "is not set"
    elif key in KNOWN_KEYS:
        problem = "is a key published in the parindex repository"
    elif key.startswith(INSECURE_PREFIX):
        problem = f"starts with {INSECURE_PREFIX!r} (a development key)"
    elif len(key) < MIN_LENGTH:
        problem = f"is too short ({len(key)} characters; at least {MIN_LENGTH} are needed)"
    elif len(set(key)) < MIN_DISTINCT_CHARACTERS:
        problem = (
            f"has too few different characters ({len(set(key))}; "
            f"at least {MIN_DISTINCT_CHARACTERS} are needed)"
        )
    else:
        return
    raise ImproperlyConfigured(f"DJANGO_SECRET_KEY {problem}; {HOW_TO_MAKE_ONE}")
