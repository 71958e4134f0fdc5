"""Who sees and does what: a role × page table, and the queryset scopers."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from parindex.frameworks.models import FrameworkVersion
from parindex.frameworks.permissions import (
    can_comment_on_draft,
    can_import_framework,
    can_manage_framework,
    frameworks_visible_to,
    import_organisers,
)
from parindex.frameworks.services import (
    draft_comments_set_open,
    draft_invite_units,
    framework_freeze,
)

from .conftest import ROLES, Province

OK, LOGIN, FORBIDDEN, MISSING = 200, 302, 403, 404

# page → expected status per role, for a draft of the organiser open for comments, to which
# the unit of head/focal/officer (Sơn Lĩnh) is invited.
DRAFT_PAGES: dict[str, dict[str, int]] = {
    "list": dict.fromkeys(ROLES, OK) | {"anonymous": LOGIN},
    "detail": {
        "admin": OK,
        "organiser": OK,
        "other_organiser": MISSING,
        "chairman": OK,
        "council": OK,
        "head": OK,
        "focal": OK,
        "officer": OK,
        "observer": OK,
        "anonymous": LOGIN,
    },
    "download": {
        "admin": OK,
        "organiser": OK,
        "other_organiser": MISSING,
        "chairman": OK,
        "council": OK,
        "head": OK,
        "focal": OK,
        "officer": OK,
        "observer": OK,
        "anonymous": LOGIN,
    },
    "upload": {
        "admin": OK,
        "organiser": OK,
        "other_organiser": OK,
        "chairman": FORBIDDEN,
        "council": FORBIDDEN,
        "head": FORBIDDEN,
        "focal": FORBIDDEN,
        "officer": FORBIDDEN,
        "observer": FORBIDDEN,
        "anonymous": LOGIN,
    },
    "edit": {
        "admin": OK,
        "organiser": OK,
        "other_organiser": MISSING,
        "chairman": FORBIDDEN,
        "council": FORBIDDEN,
        "head": FORBIDDEN,
        "focal": FORBIDDEN,
        "officer": FORBIDDEN,
        "observer": FORBIDDEN,
        "anonymous": LOGIN,
    },
    "clone": {
        "admin": OK,
        "organiser": OK,
        "other_organiser": MISSING,
        "chairman": FORBIDDEN,
        "council": FORBIDDEN,
        "head": FORBIDDEN,
        "focal": FORBIDDEN,
        "officer": FORBIDDEN,
        "observer": FORBIDDEN,
        "anonymous": LOGIN,
    },
    "reimport": {
        "admin": OK,
        "organiser": OK,
        "other_organiser": MISSING,
        "chairman": FORBIDDEN,
        "council": FORBIDDEN,
        "head": FORBIDDEN,
        "focal": FORBIDDEN,
        "officer": FORBIDDEN,
        "observer": FORBIDDEN,
        "anonymous": LOGIN,
    },
    "invitations": {
        "admin": OK,
        "organiser": OK,
        "other_organiser": MISSING,
        "chairman": FORBIDDEN,
        "council": FORBIDDEN,
        "head": FORBIDDEN,
        "focal": FORBIDDEN,
        "officer": FORBIDDEN,
        "observer": FORBIDDEN,
        "anonymous": LOGIN,
    },
    "comments": {
        "admin": OK,
        "organiser": OK,
        "other_organiser": MISSING,
        "chairman": OK,
        "council": OK,
        "head": FORBIDDEN,
        "focal": FORBIDDEN,
        "officer": FORBIDDEN,
        "observer": OK,
        "anonymous": LOGIN,
    },
    "unit_comments": {
        "admin": FORBIDDEN,
        "organiser": FORBIDDEN,
        "other_organiser": MISSING,
        "chairman": FORBIDDEN,
        "council": FORBIDDEN,
        "head": OK,
        "focal": OK,
        "officer": OK,
        "observer": FORBIDDEN,
        "anonymous": LOGIN,
    },
    "compare": dict.fromkeys(ROLES, OK) | {"anonymous": LOGIN},
}


def _url(page: str, version: FrameworkVersion) -> str:
    base = f"/bo-tieu-chi/{version.pk}/"
    return {
        "list": "/bo-tieu-chi/",
        "detail": base,
        "download": base + "xlsx/",
        "upload": "/bo-tieu-chi/tai-len/",
        "edit": base + "tieu-chi/1.4.1/sua/",
        "clone": base + "sao-chep/",
        "reimport": base + "nhap-lai/",
        "invitations": base + "lay-y-kien/",
        "comments": base + "y-kien/",
        "unit_comments": base + "gop-y/",
        "compare": f"/bo-tieu-chi/so-sanh/?b={version.pk}",
    }[page]


@pytest.fixture
def open_draft(province: Province, commune_set: FrameworkVersion) -> FrameworkVersion:
    draft_invite_units(actor=province["organiser"], version=commune_set, units=[province.son_linh])
    return draft_comments_set_open(actor=province["organiser"], version=commune_set, is_open=True)


def _client(province: Province, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(province[role])
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(DRAFT_PAGES))
def test_pages_by_role(
    province: Province, open_draft: FrameworkVersion, page: str, role: str
) -> None:
    response = _client(province, role).get(_url(page, open_draft))
    assert response.status_code == DRAFT_PAGES[page][role]
    if response.status_code == LOGIN:
        assert response["Location"].startswith("/tai-khoan/dang-nhap/")


def test_uninvited_unit_does_not_see_a_draft(
    province: Province, open_draft: FrameworkVersion
) -> None:
    client = _client(province, "ky_anh_head")
    assert client.get(_url("detail", open_draft)).status_code == MISSING
    assert client.get(_url("unit_comments", open_draft)).status_code == MISSING


def test_units_see_the_frozen_versions_of_their_organiser(
    province: Province, commune_set: FrameworkVersion
) -> None:
    framework_freeze(version=commune_set, actor=province["organiser"])
    for role in ("head", "focal", "officer", "ky_anh_head"):
        assert _client(province, role).get(_url("detail", commune_set)).status_code == OK
    assert (
        _client(province, "foreign_officer").get(_url("detail", commune_set)).status_code == MISSING
    )
    # frozen: the editing pages are closed even to the organiser (the page says why)
    organiser = _client(province, "organiser")
    assert organiser.get(_url("edit", commune_set)).status_code == LOGIN
    assert organiser.get(_url("reimport", commune_set)).status_code == LOGIN
    detail = organiser.get(_url("detail", commune_set)).content.decode()
    assert "Nhập lại từ tệp" not in detail and "Xóa dự thảo" not in detail
    assert "Sao chép thành dự thảo mới" in detail


def test_visible_to_scopes(province: Province, open_draft: FrameworkVersion) -> None:
    def visible(who: Any) -> set[int]:
        return set(frameworks_visible_to(who).values_list("pk", flat=True))

    assert visible(province["admin"]) == {open_draft.pk}
    assert visible(province["organiser"]) == {open_draft.pk}
    assert visible(province["other_organiser"]) == set()
    assert visible(province["head"]) == {open_draft.pk}
    assert visible(province["ky_anh_head"]) == set()
    assert visible(None) == set()


def test_management_helpers(province: Province, open_draft: FrameworkVersion) -> None:
    assert can_manage_framework(province["organiser"], open_draft)
    assert can_manage_framework(province["admin"], open_draft)
    assert not can_manage_framework(province["chairman"], open_draft)
    assert not can_manage_framework(province["other_organiser"], open_draft)
    assert can_import_framework(province["organiser"], province.org)
    assert not can_import_framework(province["organiser"], province.other_org)
    assert list(import_organisers(province["organiser"])) == [province.org]
    assert set(import_organisers(province["admin"])) == {province.org, province.other_org}
    assert can_comment_on_draft(province["officer"], open_draft, province.son_linh)
    assert not can_comment_on_draft(province["officer"], open_draft, province.ky_anh)
    assert not can_comment_on_draft(province["observer"], open_draft)
    assert not can_comment_on_draft(province["organiser"], open_draft)
