"""Production: every secret from the environment, HTTPS cookies, compressed static files.

Variables besides those of base.py:

* ``DJANGO_SECRET_KEY`` (required): at least 50 characters, varied, not a development or
  published key (see config/settings/secret.py); the site refuses to start otherwise.
* ``PARINDEX_HTTPS`` (default 1): the site is reached over HTTPS. Set it to 0 only for an
  internal install served over plain HTTP: then there is no redirect to HTTPS, no HSTS and the
  session and CSRF cookies are not marked Secure (they would never be sent back otherwise).
* ``PARINDEX_SSL_REDIRECT`` (default 1, with HTTPS): 0 when the reverse proxy redirects itself.
* ``PARINDEX_HSTS_SECONDS`` (default 31536000, one year, with HTTPS): how long browsers must
  use HTTPS only, for this host and its subdomains.
"""

from __future__ import annotations

import os

from .base import *  # noqa: F403
from .base import STORAGES, env_bool
from .secret import check_secret_key

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
check_secret_key(SECRET_KEY)
DEBUG = False
HTTPS = env_bool("PARINDEX_HTTPS", True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
# HTTPS only; the reverse proxy may do the redirect itself (PARINDEX_SSL_REDIRECT=0).
SECURE_SSL_REDIRECT = HTTPS and os.environ.get("PARINDEX_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = int(os.environ.get("PARINDEX_HSTS_SECONDS", 365 * 24 * 3600)) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
