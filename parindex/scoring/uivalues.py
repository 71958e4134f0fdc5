"""Reading values typed in Vietnamese web forms: the meanings live in
:mod:`parindex.exchange.values` (shared with every spreadsheet reader); the engine re-exports
them here for its web-form API."""

from __future__ import annotations

from parindex.exchange.values import (
    UIValueError,
    parse_bool_text,
    parse_date_text,
    parse_number_text,
)

__all__ = ["UIValueError", "parse_bool_text", "parse_date_text", "parse_number_text"]
