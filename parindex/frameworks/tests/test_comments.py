"""Comments on drafts: invited units comment per node, others are refused, the organiser
sees them per node and marks each handled."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from parindex.core.models import AuditEntry
from parindex.frameworks.models import DraftComment, FrameworkVersion
from parindex.frameworks.services import (
    draft_comment_add,
    draft_comment_handle,
    draft_comments_set_open,
    draft_invite_units,
    framework_freeze,
)

from .conftest import Province


@pytest.fixture
def draft(province: Province, department_set: FrameworkVersion) -> FrameworkVersion:
    draft_invite_units(
        actor=province["organiser"],
        version=department_set,
        units=[province.son_linh, province.so_tu_phap],
    )
    return draft_comments_set_open(
        actor=province["organiser"], version=department_set, is_open=True
    )


def test_invited_unit_comments_per_node(province: Province, draft: FrameworkVersion) -> None:
    comment = draft_comment_add(
        actor=province["officer"],
        version=draft,
        unit=province.son_linh,
        node_code="1.4.2",
        text="Đề nghị bổ sung hình thức tuyên truyền qua Zalo.",
    )
    assert (comment.node_code, comment.unit, comment.author) == (
        "1.4.2",
        province.son_linh,
        province["officer"],
    )
    general = draft_comment_add(
        actor=province["head"], version=draft, unit=province.son_linh, node_code="", text="Chung"
    )
    assert general.node_code == ""
    assert AuditEntry.objects.filter(action="framework.comment").count() == 2


@pytest.mark.parametrize("role", ["ky_anh_head", "foreign_officer", "organiser", "observer"])
def test_uninvited_people_cannot_comment(
    province: Province, draft: FrameworkVersion, role: str
) -> None:
    unit = province.ky_anh if role == "ky_anh_head" else province.son_linh
    with pytest.raises(PermissionDenied):
        draft_comment_add(actor=province[role], version=draft, unit=unit, node_code="1", text="x")
    assert DraftComment.objects.count() == 0


def test_no_comment_for_another_unit(province: Province, draft: FrameworkVersion) -> None:
    with pytest.raises(PermissionDenied):  # invited, but not the commenter's own unit
        draft_comment_add(
            actor=province["officer"],
            version=draft,
            unit=province.so_tu_phap,
            node_code="1",
            text="x",
        )


def test_closed_or_frozen_drafts_take_no_comment(
    province: Province, draft: FrameworkVersion
) -> None:
    closed = draft_comments_set_open(actor=province["organiser"], version=draft, is_open=False)
    with pytest.raises(PermissionDenied):
        draft_comment_add(
            actor=province["head"], version=closed, unit=province.son_linh, node_code="1", text="x"
        )
    reopened = draft_comments_set_open(actor=province["organiser"], version=closed, is_open=True)
    frozen = framework_freeze(version=reopened, actor=province["organiser"])
    with pytest.raises(PermissionDenied):
        draft_comment_add(
            actor=province["head"], version=frozen, unit=province.son_linh, node_code="1", text="x"
        )


def test_organiser_marks_a_comment_handled(province: Province, draft: FrameworkVersion) -> None:
    comment = draft_comment_add(
        actor=province["focal"], version=draft, unit=province.son_linh, node_code="3.2", text="?"
    )
    handled = draft_comment_handle(
        actor=province["organiser"], comment=comment, is_handled=True, response="Đã tiếp thu."
    )
    assert handled.is_handled and handled.response == "Đã tiếp thu."
    assert handled.handled_by == province["organiser"] and handled.handled_at is not None
    reopened = draft_comment_handle(
        actor=province["organiser"], comment=handled, is_handled=False, response="Đã tiếp thu."
    )
    assert not reopened.is_handled and reopened.handled_at is None
    with pytest.raises(PermissionDenied):
        draft_comment_handle(actor=province["head"], comment=comment, is_handled=True)
    with pytest.raises(PermissionDenied):
        draft_comment_handle(actor=province["chairman"], comment=comment, is_handled=True)


def test_comment_flow_through_the_pages(province: Province, draft: FrameworkVersion) -> None:
    unit_client = Client()
    unit_client.force_login(province["officer"])
    listing = unit_client.get("/bo-tieu-chi/").content.decode()
    assert f'href="/bo-tieu-chi/{draft.pk}/gop-y/"' in listing
    page = unit_client.get(f"/bo-tieu-chi/{draft.pk}/gop-y/")
    assert page.status_code == 200
    assert "Góp ý chung cho cả dự thảo" in page.content.decode()
    sent = unit_client.post(
        f"/bo-tieu-chi/{draft.pk}/gop-y/",
        {"node_code": "1.4.1", "unit": province.son_linh.pk, "text": "Nên tính theo quý."},
    )
    assert sent.status_code == 302
    assert sent["Location"].endswith("#tc-1.4.1")
    page = unit_client.get(f"/bo-tieu-chi/{draft.pk}/gop-y/").content.decode()
    assert "Nên tính theo quý." in page

    # another unit's officer does not see it
    other = Client()
    other.force_login(province["ky_anh_head"])
    assert other.get(f"/bo-tieu-chi/{draft.pk}/gop-y/").status_code == 404

    organiser = Client()
    organiser.force_login(province["organiser"])
    overview = organiser.get(f"/bo-tieu-chi/{draft.pk}/y-kien/").content.decode()
    assert "1.4.1. Mức độ thực hiện kế hoạch tuyên truyền CCHC" in overview
    assert "Nên tính theo quý." in overview and "UBND xã Sơn Lĩnh" in overview
    comment = DraftComment.objects.get()
    done = organiser.post(
        f"/bo-tieu-chi/{draft.pk}/y-kien/{comment.pk}/",
        {"is_handled": "on", "response": "Tiếp thu, sửa hướng dẫn."},
    )
    assert done.status_code == 302
    comment.refresh_from_db()
    assert comment.is_handled and comment.response == "Tiếp thu, sửa hướng dẫn."
    pending = organiser.get(f"/bo-tieu-chi/{draft.pk}/y-kien/?loc=chua-xu-ly").content.decode()
    assert "Nên tính theo quý." not in pending
    detail = organiser.get(f"/bo-tieu-chi/{draft.pk}/").content.decode()
    assert "Ý kiến góp ý (1)" in detail
    # the unit sees the response
    assert (
        "Tiếp thu, sửa hướng dẫn."
        in unit_client.get(f"/bo-tieu-chi/{draft.pk}/gop-y/").content.decode()
    )


def test_closed_comment_page_is_read_only(province: Province, draft: FrameworkVersion) -> None:
    draft_comments_set_open(actor=province["organiser"], version=draft, is_open=False)
    client = Client()
    client.force_login(province["head"])
    page = client.get(f"/bo-tieu-chi/{draft.pk}/gop-y/").content.decode()
    assert "không còn nhận góp ý" in page and "Gửi góp ý" not in page
    refused = client.post(
        f"/bo-tieu-chi/{draft.pk}/gop-y/",
        {"node_code": "1", "unit": province.son_linh.pk, "text": "x"},
    )
    assert refused.status_code == 403


def test_invitations_page(province: Province, department_set: FrameworkVersion) -> None:
    client = Client()
    client.force_login(province["organiser"])
    page = client.get(f"/bo-tieu-chi/{department_set.pk}/lay-y-kien/").content.decode()
    assert "UBND xã Sơn Lĩnh" in page and "Diễn Châu" not in page
    invited = client.post(
        f"/bo-tieu-chi/{department_set.pk}/lay-y-kien/",
        {"action": "invite", "units": [province.so_tu_phap.pk], "closes_on": "15/12/2025"},
    )
    assert invited.status_code == 302
    invitation = department_set.invitations.get()
    assert (invitation.unit, invitation.closes_on.isoformat()) == (
        province.so_tu_phap,
        "2025-12-15",
    )
    department_set.refresh_from_db()
    opened = client.post(
        f"/bo-tieu-chi/{department_set.pk}/lay-y-kien/",
        {"action": "open", "revision": department_set.revision},
    )
    assert opened.status_code == 302
    department_set.refresh_from_db()
    assert department_set.comments_open
    client.post(
        f"/bo-tieu-chi/{department_set.pk}/lay-y-kien/",
        {"action": "remove", "unit": province.so_tu_phap.pk},
    )
    assert not department_set.invitations.exists()
