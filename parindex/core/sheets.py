"""The limits every .xlsx importer reads uploads with, from the settings (``SHEET_LIMITS``)."""

from __future__ import annotations

from django.conf import settings

from parindex.exchange.workbooks import Limits


def sheet_limits(*, rows: int | None = None) -> Limits:
    """The configured limits, with at most ``rows`` rows per sheet when an importer needs
    fewer than the setting."""
    configured = Limits(**getattr(settings, "SHEET_LIMITS", {}))
    return configured.with_rows(rows) if rows is not None else configured
