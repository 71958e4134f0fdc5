"""Showing audit values: stored codes by their Vietnamese names."""

from __future__ import annotations

from parindex.accounts.roles import Role
from parindex.core.audit import labelled


def test_codes_show_by_their_names_from_a_mapping_or_choices() -> None:
    status = labelled({"draft": "Đang chấm điểm", "submitted": "Đã gửi"})
    assert status("submitted") == "Đã gửi"
    assert status(["draft", "submitted"]) == "Đang chấm điểm, Đã gửi"
    assert status([]) == "—"
    assert status("2025-11-05") == "05/11/2025"  # unknown: shown as any stored value
    role = labelled(Role)
    assert role(Role.HEAD.value) == str(Role.HEAD.label)
