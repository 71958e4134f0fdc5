"""The action layer in criteria sets: every write locks the stored row (permission and "still a
draft" checked on it), a stale page is a conflict naming both revisions, a multi-row write is all
or nothing, every audit entry is a declared action shown without hashes, and the staged upload
lives outside the pages."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from parindex.core.audit import REGISTRY, AuditAction, audit_lines
from parindex.core.errors import ConflictError, ServiceError
from parindex.core.models import AuditEntry
from parindex.core.staging import TicketExpired, TicketInvalid, TicketUsed
from parindex.frameworks import audit_actions, services, staging
from parindex.frameworks.diff import diff_snapshots, snapshot_of
from parindex.frameworks.examples import COMMUNES_QUESTIONNAIRES, COMMUNES_SET
from parindex.frameworks.models import (
    CriterionNode,
    DraftComment,
    DraftInvitation,
    FrameworkVersion,
)
from parindex.frameworks.services import (
    comments,
    draft_comment_add,
    draft_comment_handle,
    draft_comments_set_open,
    draft_invite_units,
    draft_uninvite_unit,
    editing,
    framework_delete_draft,
    framework_freeze,
    framework_reimport,
    framework_update_node,
    importing,
    versions,
)

from .conftest import Province, import_file
from .helpers import department_doc, find, xlsx_file, yaml_bytes

HEX = re.compile(r"[0-9a-f]{8,}")


def _stale(version: FrameworkVersion) -> FrameworkVersion:
    """A copy of the row as a page loaded it (before someone else's change)."""
    return FrameworkVersion.objects.get(pk=version.pk)


def _state(version: FrameworkVersion) -> tuple[int, str, str, int]:
    row = FrameworkVersion.objects.get(pk=version.pk)
    nodes = CriterionNode.objects.filter(framework=row).count()
    return (row.revision, row.sha256, row.canonical_yaml, nodes)


# --- conflicts carry both revisions ----------------------------------------------------------


def test_node_edit_on_a_stale_page_names_both_revisions(
    province: Province, department_set: FrameworkVersion
) -> None:
    loaded = department_set.revision
    framework_update_node(
        actor=province["organiser"],
        version=department_set,
        code="1",
        changes={"name": "Chỉ đạo, điều hành"},
        expected_revision=loaded,
    )
    before = _state(department_set)
    with pytest.raises(ConflictError) as caught:
        framework_update_node(
            actor=province["organiser"],
            version=department_set,
            code="2",
            changes={"name": "Thể chế"},
            expected_revision=loaded,
        )
    assert (caught.value.expected_revision, caught.value.current_revision) == (loaded, loaded + 1)
    assert caught.value.current.pk == department_set.pk
    assert department_set.name in str(caught.value.messages[0])
    assert "vừa được người khác thay đổi" in str(caught.value.messages[0])
    assert _state(department_set) == before


def test_comments_toggle_on_a_stale_page_names_both_revisions(
    province: Province, department_set: FrameworkVersion
) -> None:
    loaded = department_set.revision
    draft_comments_set_open(
        actor=province["organiser"], version=department_set, is_open=True, expected_revision=loaded
    )
    with pytest.raises(ConflictError) as caught:
        draft_comments_set_open(
            actor=province["organiser"],
            version=department_set,
            is_open=False,
            expected_revision=loaded,
        )
    assert (caught.value.expected_revision, caught.value.current_revision) == (loaded, loaded + 1)
    assert FrameworkVersion.objects.get(pk=department_set.pk).comments_open is True


def test_reimport_of_a_stale_preview_names_both_revisions(
    province: Province, department_set: FrameworkVersion
) -> None:
    loaded = department_set.revision
    draft_comments_set_open(actor=province["organiser"], version=department_set, is_open=True)
    before = _state(department_set)
    doc = department_doc()
    find(doc, "7.1")["name"] = "Văn bản điện tử"
    with pytest.raises(ConflictError) as caught:
        framework_reimport(
            actor=province["organiser"],
            version=department_set,
            filename="moi.yaml",
            content=yaml_bytes(doc),
            expected_revision=loaded,
        )
    assert (caught.value.expected_revision, caught.value.current_revision) == (loaded, loaded + 1)
    assert _state(department_set) == before


def test_confirming_a_stale_reimport_preview_changes_nothing(
    province: Province, department_set: FrameworkVersion
) -> None:
    client = Client()
    client.force_login(province["organiser"])
    doc = department_doc()
    find(doc, "2.4")["name"] = "Đánh giá chất lượng văn bản QPPL"
    html = client.post(
        f"/bo-tieu-chi/{department_set.pk}/nhap-lai/",
        {"file": xlsx_file(yaml_bytes(doc), "so-moi.yaml")},
    ).content.decode()
    ticket = html.split('name="ticket" value="', 1)[1].split('"', 1)[0]
    framework_update_node(  # someone edits the draft meanwhile
        actor=province["admin"],
        version=department_set,
        code="1",
        changes={"name": "Chỉ đạo, điều hành"},
        expected_revision=department_set.revision,
    )
    before = _state(department_set)
    response = client.post("/bo-tieu-chi/tai-len/xac-nhan/", {"ticket": ticket}, follow=True)
    assert response.redirect_chain[-1][0] == f"/bo-tieu-chi/{department_set.pk}/nhap-lai/"
    assert "vừa được người khác thay đổi" in response.content.decode()
    assert _state(department_set) == before
    # the staged copy is gone: the ticket serves no second confirmation
    again = client.post("/bo-tieu-chi/tai-len/xac-nhan/", {"ticket": ticket}, follow=True)
    assert again.redirect_chain[-1][0] == f"/bo-tieu-chi/{department_set.pk}/nhap-lai/"
    assert "Tệp đã được lưu hoặc đã bị xóa. Hãy tải tệp lên lại." in again.content.decode()
    assert _state(department_set) == before


# --- checks on the row as stored ------------------------------------------------------------


def test_uninvite_is_checked_on_the_stored_row(
    province: Province, department_set: FrameworkVersion
) -> None:
    draft_invite_units(
        actor=province["organiser"], version=department_set, units=[province.son_linh]
    )
    page = _stale(department_set)  # loaded while still a draft
    framework_freeze(version=department_set, actor=province["organiser"])
    with pytest.raises(ServiceError, match="đã khóa"):
        draft_uninvite_unit(actor=province["organiser"], version=page, unit=province.son_linh)
    assert DraftInvitation.objects.filter(framework=department_set).count() == 1


def test_delete_is_checked_on_the_stored_row(
    province: Province, department_set: FrameworkVersion
) -> None:
    page = _stale(department_set)
    framework_freeze(version=department_set, actor=province["organiser"])
    with pytest.raises(ServiceError, match="đã khóa"):
        framework_delete_draft(actor=province["organiser"], version=page)
    assert FrameworkVersion.objects.filter(pk=department_set.pk).exists()


def test_delete_of_a_deleted_draft_says_so(
    province: Province, department_set: FrameworkVersion
) -> None:
    page = _stale(department_set)
    framework_delete_draft(actor=province["organiser"], version=department_set)
    with pytest.raises(ServiceError, match="không còn tồn tại"):
        framework_delete_draft(actor=province["organiser"], version=page)


def test_comment_is_checked_on_the_stored_row(
    province: Province, department_set: FrameworkVersion
) -> None:
    draft_invite_units(
        actor=province["organiser"], version=department_set, units=[province.son_linh]
    )
    opened = draft_comments_set_open(
        actor=province["organiser"], version=department_set, is_open=True
    )
    page = _stale(opened)  # the unit's page: open for comments
    draft_comments_set_open(actor=province["organiser"], version=opened, is_open=False)
    with pytest.raises(PermissionDenied):
        draft_comment_add(
            actor=province["head"], version=page, unit=province.son_linh, node_code="1", text="x"
        )
    assert DraftComment.objects.count() == 0


def test_import_is_checked_on_the_stored_organiser(province: Province) -> None:
    with pytest.raises(PermissionDenied):
        services.framework_import(
            actor=province["other_organiser"],
            organiser=province.org,
            filename=COMMUNES_SET.name,
            content=COMMUNES_SET.read_bytes(),
        )
    assert FrameworkVersion.objects.count() == 0


def test_comment_handle_only_by_a_manager_of_the_stored_set(
    province: Province, department_set: FrameworkVersion
) -> None:
    draft_invite_units(
        actor=province["organiser"], version=department_set, units=[province.son_linh]
    )
    draft_comments_set_open(actor=province["organiser"], version=department_set, is_open=True)
    comment = draft_comment_add(
        actor=province["head"],
        version=_stale(department_set),
        unit=province.son_linh,
        node_code="1",
        text="Góp ý",
    )
    with pytest.raises(PermissionDenied):
        draft_comment_handle(actor=province["other_organiser"], comment=comment, is_handled=True)
    comment.refresh_from_db()
    assert not comment.is_handled


# --- all or nothing --------------------------------------------------------------------------


def _failing_audit(*_args: Any, **_kwargs: Any) -> None:
    raise RuntimeError("audit unavailable")


def test_invitations_are_all_or_nothing(
    province: Province, department_set: FrameworkVersion, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ServiceError, match="danh sách của cơ quan ban hành"):
        draft_invite_units(
            actor=province["organiser"],
            version=department_set,
            units=[province.son_linh, province.foreign],
        )
    assert DraftInvitation.objects.count() == 0
    monkeypatch.setattr(comments, "audit_record", _failing_audit)
    with pytest.raises(RuntimeError):
        draft_invite_units(
            actor=province["organiser"],
            version=department_set,
            units=[province.son_linh, province.so_tu_phap],
        )
    assert DraftInvitation.objects.count() == 0


def test_reimport_is_all_or_nothing(
    province: Province, department_set: FrameworkVersion, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _state(department_set)
    doc = department_doc()
    find(doc, "7.1")["name"] = "Văn bản điện tử"
    monkeypatch.setattr(importing, "audit_record", _failing_audit)
    with pytest.raises(RuntimeError):
        framework_reimport(
            actor=province["organiser"],
            version=department_set,
            filename="moi.yaml",
            content=yaml_bytes(doc),
            expected_revision=department_set.revision,
        )
    assert _state(department_set) == before
    assert CriterionNode.objects.get(framework=department_set, code="7.1").name != (
        "Văn bản điện tử"
    )


def test_node_edit_is_all_or_nothing(
    province: Province, department_set: FrameworkVersion, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _state(department_set)
    monkeypatch.setattr(editing, "audit_record", _failing_audit)
    with pytest.raises(RuntimeError):
        framework_update_node(
            actor=province["organiser"],
            version=department_set,
            code="1",
            changes={"name": "Chỉ đạo"},
            expected_revision=department_set.revision,
        )
    assert _state(department_set) == before


def test_clone_is_all_or_nothing(
    province: Province, department_set: FrameworkVersion, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(versions, "audit_record", _failing_audit)
    with pytest.raises(RuntimeError):
        services.framework_clone(actor=province["organiser"], version=department_set)
    assert FrameworkVersion.objects.count() == 1
    assert CriterionNode.objects.exclude(framework=department_set).count() == 0


# --- audit: declared actions, Vietnamese, no hashes ------------------------------------------


def test_every_audit_call_passes_a_declared_action() -> None:
    package = Path(services.__file__).parent
    sources = [path.read_text(encoding="utf-8") for path in sorted(package.glob("*.py"))]
    declared = {
        name for name, value in vars(audit_actions).items() if isinstance(value, AuditAction)
    }
    calls = [
        node
        for source in sources
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "audit_record"
    ]
    assert len(calls) == 11
    for call in calls:
        action = next(k.value for k in call.keywords if k.arg == "action")
        if isinstance(action, ast.Subscript):  # a dict of declared actions
            assert isinstance(action.value, ast.Name) and action.value.id == "COMMENTS_OPEN_ACTIONS"
        else:
            assert isinstance(action, ast.Name) and action.id in declared, ast.dump(action)
    for declared_action in audit_actions.COMMENTS_OPEN_ACTIONS.values():
        assert REGISTRY[declared_action.name] is declared_action


def test_audit_lines_are_vietnamese_and_show_no_hash(
    province: Province, department_set: FrameworkVersion
) -> None:
    organiser = province["organiser"]
    draft_invite_units(actor=organiser, version=department_set, units=[province.son_linh])
    draft_comments_set_open(actor=organiser, version=department_set, is_open=True)
    framework_update_node(
        actor=organiser,
        version=department_set,
        code="1.4.1",
        changes={"max": "2,5", "evidence": "none"},
        expected_revision=FrameworkVersion.objects.get(pk=department_set.pk).revision,
    )
    framework_freeze(version=department_set, actor=organiser, reason="Mở đợt 2026")
    entries = AuditEntry.objects.filter(action__startswith="framework.").order_by("id")
    assert entries.filter(action="framework.import").get().changes["sha256"][1]  # kept
    lines = audit_lines(entries)
    assert [line.label for line in lines] == [
        "Tải lên bộ tiêu chí (dự thảo mới)",
        "Mời đơn vị góp ý dự thảo",
        "Mở lấy ý kiến góp ý dự thảo",
        "Sửa tiêu chí của dự thảo",
        "Khóa bộ tiêu chí (dùng trong đợt đánh giá)",
    ]
    shown = {line.label: {c.field: (c.old, c.new) for c in line.changes} for line in lines}
    assert shown["Tải lên bộ tiêu chí (dự thảo mới)"]["Bản số"] == ("—", "1")
    assert shown["Mời đơn vị góp ý dự thảo"]["Đơn vị được mời"] == ("—", "UBND xã Sơn Lĩnh")
    edit = shown["Sửa tiêu chí của dự thảo"]
    assert edit["Tiêu chí"] == ("1.4.1", "1.4.1")
    assert edit["Tài liệu kiểm chứng"] == ("Bắt buộc", "Không cần")
    assert edit["Điểm tối đa"][1] == "2,5"
    assert shown["Khóa bộ tiêu chí (dùng trong đợt đánh giá)"]["Trạng thái"] == (
        "Dự thảo",
        "Đã khóa (đang dùng)",
    )
    for line in lines:
        for change in line.changes:
            assert change.field != "Thông tin khác"
            assert not HEX.search(f"{change.field} {change.old} {change.new}")


# --- the staged upload -----------------------------------------------------------------------


def test_staging_keeps_the_set_with_its_questionnaires_for_the_uploader(
    province: Province,
) -> None:
    ticket = staging.STAGE.stage(
        [("bo.yaml", b"abc"), ("phieu.yaml", b"def")],
        user=province["organiser"],
        organiser=3,
        target=None,
        expected_revision=None,
    )
    with pytest.raises(TicketInvalid):
        staging.STAGE.take(ticket, user=province["admin"])
    staged = staging.STAGE.take(ticket, user=province["organiser"])
    assert [(f.name, f.content) for f in staged.files] == [
        ("bo.yaml", b"abc"),
        ("phieu.yaml", b"def"),
    ]
    assert dict(staged.meta) == {"organiser": 3, "target": None, "expected_revision": None}


def test_staging_words_each_refusal() -> None:
    assert "quá hạn một giờ" in staging.WORDING.message(TicketExpired())
    assert "không hợp lệ" in staging.WORDING.message(TicketInvalid())
    assert "đã được lưu hoặc đã bị xóa" in staging.WORDING.message(TicketUsed())


# --- no hash in the comparison ---------------------------------------------------------------


def test_changed_questionnaire_is_named_without_its_hash(province: Province) -> None:
    first = import_file(province, COMMUNES_SET, COMMUNES_QUESTIONNAIRES)
    text = COMMUNES_QUESTIONNAIRES[0].read_text(encoding="utf-8")
    changed = text.replace("name:", "name: Sửa -", 1)
    assert changed != text
    second = services.framework_import(
        actor=province["organiser"],
        organiser=province.org,
        filename=COMMUNES_SET.name,
        content=COMMUNES_SET.read_bytes(),
        questionnaires=[(COMMUNES_QUESTIONNAIRES[0].name, changed.encode("utf-8"))],
    )
    assert first.questionnaires_sha256 != second.questionnaires_sha256
    changes = [c for c in diff_snapshots(snapshot_of(first), snapshot_of(second)) if c.code is None]
    questionnaire = [c for c in changes if c.field == "questionnaires"]
    assert [(c.old, c.new) for c in questionnaire] == [
        ("lanh-dao", "lanh-dao (nội dung phiếu đã sửa)")
    ]
    for change in changes:
        assert not HEX.search(f"{change.old} {change.new}")
