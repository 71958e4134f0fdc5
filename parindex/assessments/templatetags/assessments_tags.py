"""Small template helpers for the self-assessment pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def node_anchor(code: str) -> str:
    """'1.2.3' → 'n-1-2-3' (the id of the criterion's panel on the scoring page)."""
    return "n-" + str(code).replace(".", "-")
