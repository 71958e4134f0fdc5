"""Importing sets into the database: rows match the engine's tree; errors save nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from parindex.core.models import AuditEntry
from parindex.frameworks.examples import COMMUNES_QUESTIONNAIRES, COMMUNES_SET, DEPARTMENTS_SET
from parindex.frameworks.models import (
    CriterionNode,
    FrameworkQuestionnaire,
    FrameworkStatus,
    FrameworkVersion,
)
from parindex.frameworks.selectors import get_engine_framework
from parindex.frameworks.services import FrameworkFileError, framework_import
from parindex.scoring import Framework, Questionnaire, parse_framework, read_questionnaire
from parindex.scoring.yamlio import canonical_sha256, dump_canonical_yaml, load_flow_text

from .conftest import Province, import_file
from .helpers import commune_doc, department_doc, find, load_doc, set_cell, xlsx_bytes, yaml_bytes


def _engine_tree(path: Path, questionnaire_paths: tuple[Path, ...] = ()) -> Framework:
    qs: list[Questionnaire] = []
    for q in questionnaire_paths:
        questionnaire, _ = read_questionnaire(load_doc(q), file=q.name)
        assert questionnaire is not None
        qs.append(questionnaire)
    framework, problems = parse_framework(load_doc(path), file=path.name, questionnaires=qs)
    assert framework is not None, problems
    return framework


@pytest.mark.parametrize(
    ("path", "questionnaires"),
    [(DEPARTMENTS_SET, ()), (COMMUNES_SET, COMMUNES_QUESTIONNAIRES)],
    ids=["departments", "communes"],
)
def test_rows_match_the_engine_tree(
    province: Province, path: Path, questionnaires: tuple[Path, ...]
) -> None:
    version = import_file(province, path, questionnaires)
    framework = _engine_tree(path, questionnaires)
    rows = list(CriterionNode.objects.filter(framework=version).order_by("position"))
    assert len(rows) == len(framework.order) == version.node_count
    assert version.leaf_count == sum(1 for n in framework.order if n.is_leaf)
    by_pk = {r.pk: r for r in rows}
    doc = load_doc(path)
    for position, (row, node) in enumerate(zip(rows, framework.order, strict=True)):
        assert row.position == position
        assert row.code == node.code
        assert row.depth == node.depth
        parent = by_pk[row.parent_id].code if row.parent_id else None
        assert parent == node.parent
        assert row.name == node.name
        assert row.max_points == node.max
        assert row.is_leaf == node.is_leaf
        assert row.capped == node.capped
        assert row.kind == (node.kind.value if node.kind else "")
        assert row.source == node.source.value  # effective (inherited) values
        assert row.evidence == node.evidence.value
        assert row.owner_hint == (node.owner_hint or "")
        assert row.applies_to == (sorted(node.applies_to) if node.applies_to else None)
        assert row.may_not_apply == node.may_not_apply
        if node.is_leaf:
            assert node.rule is not None
            assert row.rule_kind == node.rule.kind
            raw_rule = find(doc, node.code)["rule"]
            assert load_flow_text(row.rule_text, filename="x", where="x") == raw_rule
        else:
            assert (row.rule_kind, row.rule_text) == ("", "")


def test_version_fields(province: Province, commune_set: FrameworkVersion) -> None:
    doc = commune_doc()
    assert commune_set.code == "vd-xa-2025"
    assert commune_set.number == 1
    assert commune_set.status == FrameworkStatus.DRAFT
    assert commune_set.year == 2025
    assert commune_set.applies_to == ["xa", "phuong", "dac_khu"]
    assert commune_set.max_points == Decimal(100)
    assert commune_set.sha256 == canonical_sha256(doc)
    assert commune_set.canonical_yaml == dump_canonical_yaml(doc)
    assert commune_set.warnings == []
    assert commune_set.source_filename == "vd-xa-2025.yaml"
    questionnaire = FrameworkQuestionnaire.objects.get(framework=commune_set)
    assert (questionnaire.code, questionnaire.is_inline) == ("lanh-dao", False)
    assert commune_set.questionnaires_sha256


def test_inline_questionnaire_row(department_set: FrameworkVersion) -> None:
    row = FrameworkQuestionnaire.objects.get(framework=department_set)
    assert (row.code, row.is_inline) == ("dtxhh-so", True)
    assert department_set.questionnaires_sha256 == ""


def test_engine_framework_is_parsed_once(
    commune_set: FrameworkVersion, django_assert_num_queries: Any
) -> None:
    first = get_engine_framework(commune_set)
    assert set(first.questionnaires) == {"lanh-dao"}
    with django_assert_num_queries(0):
        assert get_engine_framework(commune_set) is first


def test_numbers_increase_per_organiser_and_code(
    province: Province, department_set: FrameworkVersion
) -> None:
    again = import_file(province, DEPARTMENTS_SET)
    assert again.number == 2
    other = framework_import(
        actor=province["other_organiser"],
        organiser=province.other_org,
        filename="vd-so-2025.yaml",
        content=DEPARTMENTS_SET.read_bytes(),
    )
    assert other.number == 1


def test_warnings_are_kept(province: Province) -> None:
    version = import_file(province, COMMUNES_SET)  # without its questionnaire file
    assert len(version.warnings) == 2
    assert all("cảnh báo" in line for line in version.warnings)


def test_upload_with_errors_saves_nothing_and_lists_every_problem(province: Province) -> None:
    doc = department_doc()
    find(doc, "1.1.1")["max"] = Decimal(2)
    find(doc, "7.4")["rule"] = {"yes_no": ["không phải nhãn"]}
    content = xlsx_bytes(doc, set_cell("3.3", "Điểm tối đa", "ba"))
    with pytest.raises(FrameworkFileError) as caught:
        framework_import(
            actor=province["organiser"],
            organiser=province.org,
            filename="so.xlsx",
            content=content,
        )
    problems = caught.value.problems
    assert [p.node for p in problems if p.is_error] == ["3.3"]  # reading stops at the cells
    assert "cột Điểm tối đa" in (problems[0].where or "")
    with pytest.raises(FrameworkFileError) as caught:
        framework_import(
            actor=province["organiser"],
            organiser=province.org,
            filename="so.yaml",
            content=yaml_bytes(doc),
        )
    assert {"1.1", "7.4"} <= {p.node for p in caught.value.errors}
    assert FrameworkVersion.objects.count() == 0
    assert CriterionNode.objects.count() == 0
    assert not AuditEntry.objects.filter(action="framework.import").exists()


def test_points_beyond_the_stored_precision_are_refused(province: Province) -> None:
    doc = department_doc()
    find(doc, "1.4.1")["max"] = Decimal("1.00001")  # 1.4 is capped: the sum may exceed
    with pytest.raises(FrameworkFileError) as caught:
        framework_import(
            actor=province["organiser"],
            organiser=province.org,
            filename="so.yaml",
            content=yaml_bytes(doc),
        )
    assert [p.node for p in caught.value.problems if p.is_error] == ["1.4.1"]
    assert FrameworkVersion.objects.count() == 0


def test_import_is_audited(province: Province, department_set: FrameworkVersion) -> None:
    entry = AuditEntry.objects.get(action="framework.import")
    assert entry.actor == province["organiser"]
    assert entry.object_id == str(department_set.pk)
    assert entry.changes["sha256"] == [None, department_set.sha256]


@pytest.mark.parametrize("role", ["chairman", "council", "head", "observer", "other_organiser"])
def test_only_the_organiser_imports_for_its_body(province: Province, role: str) -> None:
    with pytest.raises(PermissionDenied):
        framework_import(
            actor=province[role],
            organiser=province.org,
            filename="so.yaml",
            content=DEPARTMENTS_SET.read_bytes(),
        )


def test_admin_imports_for_any_organiser(province: Province) -> None:
    version = framework_import(
        actor=province["admin"],
        organiser=province.other_org,
        filename="so.yaml",
        content=DEPARTMENTS_SET.read_bytes(),
    )
    assert version.organiser == province.other_org


def test_sets_are_imported_for_organising_bodies_only(province: Province) -> None:
    with pytest.raises(PermissionDenied):
        framework_import(
            actor=province["admin"],
            organiser=province.son_linh,
            filename="so.yaml",
            content=DEPARTMENTS_SET.read_bytes(),
        )
