"""Services: freezing is enforced here (not only in the pages); edits, clones, re-imports."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from parindex.core.errors import ConflictError, ServiceError
from parindex.core.models import AuditEntry
from parindex.frameworks.examples import COMMUNES_QUESTIONNAIRES, COMMUNES_SET, DEPARTMENTS_SET
from parindex.frameworks.models import (
    CriterionNode,
    DraftComment,
    DraftInvitation,
    FrameworkStatus,
    FrameworkVersion,
)
from parindex.frameworks.selectors import get_engine_framework, version_document
from parindex.frameworks.services import (
    FrameworkFileError,
    draft_comment_add,
    draft_comments_set_open,
    draft_invite_units,
    draft_uninvite_unit,
    framework_clone,
    framework_delete_draft,
    framework_freeze,
    framework_reimport,
    framework_update_node,
)
from parindex.scoring.yamlio import canonical_sha256

from .conftest import Province, import_file
from .helpers import department_doc, find, yaml_bytes


@pytest.fixture
def frozen(province: Province, department_set: FrameworkVersion) -> FrameworkVersion:
    return framework_freeze(version=department_set, actor=province["organiser"], reason="Mở đợt")


def _snapshot(version: FrameworkVersion) -> tuple[str, str, int]:
    version.refresh_from_db()
    return (
        version.canonical_yaml,
        version.sha256,
        CriterionNode.objects.filter(framework=version).count(),
    )


# --- freezing -----------------------------------------------------------------------------


def test_freeze_is_idempotent_and_closes_comments(
    province: Province, department_set: FrameworkVersion
) -> None:
    draft_comments_set_open(actor=province["organiser"], version=department_set, is_open=True)
    frozen = framework_freeze(version=department_set, actor=province["organiser"])
    assert frozen.status == FrameworkStatus.FROZEN
    assert frozen.frozen_at is not None
    assert frozen.comments_open is False
    again = framework_freeze(version=frozen, actor=province["organiser"])
    assert again.revision == frozen.revision
    assert AuditEntry.objects.filter(action="framework.freeze").count() == 1


def test_frozen_version_refuses_reimport(province: Province, frozen: FrameworkVersion) -> None:
    before = _snapshot(frozen)
    doc = department_doc()
    find(doc, "1.1")["name"] = "Kế hoạch CCHC"
    with pytest.raises(ServiceError, match="đã khóa"):
        framework_reimport(
            actor=province["organiser"], version=frozen, filename="s.yaml", content=yaml_bytes(doc)
        )
    assert _snapshot(frozen) == before


def test_frozen_version_refuses_node_update(province: Province, frozen: FrameworkVersion) -> None:
    before = _snapshot(frozen)
    with pytest.raises(ServiceError, match="đã khóa"):
        framework_update_node(
            actor=province["organiser"],
            version=frozen,
            code="1.1",
            changes={"name": "Khác"},
            expected_revision=frozen.revision,
        )
    assert _snapshot(frozen) == before


def test_frozen_version_refuses_delete(province: Province, frozen: FrameworkVersion) -> None:
    with pytest.raises(ServiceError, match="đã khóa"):
        framework_delete_draft(actor=province["organiser"], version=frozen)
    assert FrameworkVersion.objects.filter(pk=frozen.pk).exists()


def test_frozen_version_refuses_comment_workflow(
    province: Province, frozen: FrameworkVersion
) -> None:
    with pytest.raises(ServiceError, match="đã khóa"):
        draft_invite_units(actor=province["organiser"], version=frozen, units=[province.son_linh])
    with pytest.raises(ServiceError, match="đã khóa"):
        draft_comments_set_open(actor=province["organiser"], version=frozen, is_open=True)
    with pytest.raises(ServiceError, match="đã khóa"):
        draft_uninvite_unit(actor=province["organiser"], version=frozen, unit=province.son_linh)


def test_freeze_checked_on_the_locked_row(
    province: Province, department_set: FrameworkVersion
) -> None:
    stale = FrameworkVersion.objects.get(pk=department_set.pk)  # loaded while still a draft
    framework_freeze(version=department_set, actor=province["organiser"])
    with pytest.raises(ServiceError, match="đã khóa"):
        framework_update_node(
            actor=province["organiser"],
            version=stale,
            code="1.1",
            changes={"name": "Khác"},
            expected_revision=None,  # type: ignore[arg-type]
        )
    with pytest.raises(ServiceError, match="đã khóa"):
        draft_comments_set_open(actor=province["organiser"], version=stale, is_open=True)


# --- editing a draft ----------------------------------------------------------------------


def test_update_node_restores_yaml_sha_and_rows(
    province: Province, department_set: FrameworkVersion
) -> None:
    version = framework_update_node(
        actor=province["organiser"],
        version=department_set,
        code="1.4.1",
        changes={
            "name": "Thực hiện kế hoạch tuyên truyền",
            "guidance": "Theo báo cáo năm.",
            "evidence": "",
            "evidence_hint": "",
            "owner_hint": "Văn phòng",
        },
        expected_revision=department_set.revision,
    )
    doc = version_document(version)
    node = find(doc, "1.4.1")
    assert node["name"] == "Thực hiện kế hoạch tuyên truyền"
    assert "evidence" not in node and "evidence_hint" not in node
    assert version.sha256 == canonical_sha256(doc)
    row = CriterionNode.objects.get(framework=version, code="1.4.1")
    assert row.name == "Thực hiện kế hoạch tuyên truyền"
    assert row.name_folded == "thuc hien ke hoach tuyen truyen"
    assert row.evidence == "optional"  # inherited again
    assert row.owner_hint == "Văn phòng"
    assert get_engine_framework(version).node("1.4.1").guidance == "Theo báo cáo năm."
    entry = AuditEntry.objects.get(action="framework.node_update")
    assert entry.changes["name"][1] == "Thực hiện kế hoạch tuyên truyền"


def test_update_points_rechecked_by_the_engine(
    province: Province, department_set: FrameworkVersion
) -> None:
    before = _snapshot(department_set)
    with pytest.raises(FrameworkFileError) as caught:
        framework_update_node(
            actor=province["organiser"],
            version=department_set,
            code="1.1.1",
            changes={"max": "1,5"},
            expected_revision=department_set.revision,
        )
    assert [p.node for p in caught.value.errors] == ["1.1"]
    assert _snapshot(department_set) == before
    # a capped parent accepts more: 1.4's children may add up beyond its max
    version = framework_update_node(
        actor=province["organiser"],
        version=department_set,
        code="1.4.2",
        changes={"max": "2"},
        expected_revision=department_set.revision,
    )
    assert CriterionNode.objects.get(framework=version, code="1.4.2").max_points == Decimal(2)


def test_update_with_a_stale_revision_conflicts(
    province: Province, department_set: FrameworkVersion
) -> None:
    stale = department_set.revision
    framework_update_node(
        actor=province["organiser"],
        version=department_set,
        code="1",
        changes={"name": "Chỉ đạo, điều hành"},
        expected_revision=stale,
    )
    with pytest.raises(ConflictError):
        framework_update_node(
            actor=province["organiser"],
            version=department_set,
            code="2",
            changes={"name": "Thể chế"},
            expected_revision=stale,
        )


def test_update_unknown_node_or_field(province: Province, department_set: FrameworkVersion) -> None:
    with pytest.raises(ServiceError, match="không có tiêu chí"):
        framework_update_node(
            actor=province["organiser"],
            version=department_set,
            code="99",
            changes={"name": "x"},
            expected_revision=department_set.revision,
        )
    with pytest.raises(ServiceError, match="Không sửa được"):
        framework_update_node(
            actor=province["organiser"],
            version=department_set,
            code="1",
            changes={"rule": "manual"},
            expected_revision=department_set.revision,
        )


def test_unchanged_update_is_a_no_op(province: Province, department_set: FrameworkVersion) -> None:
    version = framework_update_node(
        actor=province["organiser"],
        version=department_set,
        code="1",
        changes={"name": "Công tác chỉ đạo, điều hành CCHC"},
        expected_revision=department_set.revision,
    )
    assert version.revision == department_set.revision
    assert not AuditEntry.objects.filter(action="framework.node_update").exists()


def test_reimport_replaces_a_draft(province: Province, department_set: FrameworkVersion) -> None:
    doc = department_doc()
    find(doc, "7.1")["name"] = "Văn bản điện tử"
    version = framework_reimport(
        actor=province["organiser"],
        version=department_set,
        filename="moi.yaml",
        content=yaml_bytes(doc),
        expected_revision=department_set.revision,
    )
    assert version.pk == department_set.pk
    assert version.number == department_set.number
    assert version.sha256 == canonical_sha256(doc)
    assert CriterionNode.objects.get(framework=version, code="7.1").name == "Văn bản điện tử"
    assert version.source_filename == "moi.yaml"


def test_reimport_refuses_another_code(
    province: Province, department_set: FrameworkVersion
) -> None:
    with pytest.raises(ServiceError, match="khác mã"):
        framework_reimport(
            actor=province["organiser"],
            version=department_set,
            filename=COMMUNES_SET.name,
            content=COMMUNES_SET.read_bytes(),
        )


def test_reimport_with_errors_keeps_the_draft(
    province: Province, department_set: FrameworkVersion
) -> None:
    before = _snapshot(department_set)
    doc = department_doc()
    find(doc, "7.1")["max"] = Decimal(9)
    with pytest.raises(FrameworkFileError):
        framework_reimport(
            actor=province["organiser"],
            version=department_set,
            filename="loi.yaml",
            content=yaml_bytes(doc),
        )
    assert _snapshot(department_set) == before


# --- clone and delete ---------------------------------------------------------------------


def test_clone_of_a_frozen_version(province: Province, frozen: FrameworkVersion) -> None:
    clone = framework_clone(actor=province["organiser"], version=frozen)
    assert clone.status == FrameworkStatus.DRAFT
    assert clone.derived_from == frozen
    assert (clone.code, clone.number) == (frozen.code, frozen.number + 1)
    assert clone.canonical_yaml == frozen.canonical_yaml
    assert clone.sha256 == frozen.sha256


def test_clone_for_next_year(province: Province, frozen: FrameworkVersion) -> None:
    clone = framework_clone(
        actor=province["organiser"], version=frozen, new_code="vd-so-2026", year=2026
    )
    assert (clone.code, clone.number, clone.year) == ("vd-so-2026", 1, 2026)
    assert (
        clone.name == "Bộ tiêu chí xác định Chỉ số CCHC của các sở, ban, ngành năm 2026 (minh họa)"
    )
    doc = version_document(clone)
    assert doc["year"] == Decimal(2026)
    assert AuditEntry.objects.filter(action="framework.clone", object_id=str(clone.pk)).exists()


def test_clone_keeps_separate_questionnaires(province: Province) -> None:
    version = import_file(province, COMMUNES_SET, COMMUNES_QUESTIONNAIRES)
    clone = framework_clone(actor=province["organiser"], version=version)
    assert clone.questionnaires_sha256 == version.questionnaires_sha256
    assert clone.warnings == []
    assert list(clone.questionnaires.values_list("code", "is_inline")) == [("lanh-dao", False)]


def test_delete_draft(province: Province, department_set: FrameworkVersion) -> None:
    DraftInvitation.objects.create(framework=department_set, unit=province.so_tu_phap)
    framework_delete_draft(actor=province["organiser"], version=department_set)
    assert not FrameworkVersion.objects.filter(pk=department_set.pk).exists()
    assert not CriterionNode.objects.filter(framework_id=department_set.pk).exists()
    assert AuditEntry.objects.filter(action="framework.delete").exists()


@pytest.mark.parametrize("role", ["other_organiser", "chairman", "council", "head", "observer"])
def test_only_managers_change_a_set(
    province: Province, department_set: FrameworkVersion, role: str
) -> None:
    actor = province[role]
    with pytest.raises(PermissionDenied):
        framework_update_node(
            actor=actor,
            version=department_set,
            code="1",
            changes={"name": "x"},
            expected_revision=department_set.revision,
        )
    with pytest.raises(PermissionDenied):
        framework_clone(actor=actor, version=department_set)
    with pytest.raises(PermissionDenied):
        framework_delete_draft(actor=actor, version=department_set)
    with pytest.raises(PermissionDenied):
        framework_reimport(
            actor=actor,
            version=department_set,
            filename="s.yaml",
            content=DEPARTMENTS_SET.read_bytes(),
        )


def test_invitations_only_for_the_organisers_units(
    province: Province, department_set: FrameworkVersion
) -> None:
    with pytest.raises(ServiceError, match="danh sách của cơ quan ban hành"):
        draft_invite_units(
            actor=province["organiser"], version=department_set, units=[province.foreign]
        )
    created = draft_invite_units(
        actor=province["organiser"],
        version=department_set,
        units=[province.son_linh, province.so_tu_phap],
    )
    assert len(created) == 2
    assert (
        draft_invite_units(
            actor=province["organiser"], version=department_set, units=[province.son_linh]
        )
        == []
    )


def test_comment_on_unknown_node_is_refused(
    province: Province, department_set: FrameworkVersion
) -> None:
    draft_invite_units(
        actor=province["organiser"], version=department_set, units=[province.son_linh]
    )
    draft_comments_set_open(actor=province["organiser"], version=department_set, is_open=True)
    department_set.refresh_from_db()
    with pytest.raises(ServiceError, match="không có tiêu chí"):
        draft_comment_add(
            actor=province["head"],
            version=department_set,
            unit=province.son_linh,
            node_code="42",
            text="?",
        )
    with pytest.raises(ServiceError):
        draft_comment_add(
            actor=province["head"],
            version=department_set,
            unit=province.son_linh,
            node_code="1",
            text="   ",
        )
    assert DraftComment.objects.count() == 0
