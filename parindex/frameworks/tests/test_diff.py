"""Comparing versions: a clone is unchanged; known edits are listed exactly."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

import openpyxl
from django.test import Client

from parindex.frameworks.checking import UploadFile, check_upload
from parindex.frameworks.diff import (
    RULE_DETAIL_CHANGED,
    ChangeKind,
    NodeSnapshot,
    Snapshot,
    diff_snapshots,
    diff_versions,
    diff_xlsx,
    snapshot_of,
    snapshot_of_check,
)
from parindex.frameworks.examples import COMMUNES_QUESTIONNAIRES, COMMUNES_SET
from parindex.frameworks.models import FrameworkVersion
from parindex.frameworks.services import framework_clone, framework_import

from .conftest import Province
from .helpers import commune_doc, find, yaml_bytes

K = ChangeKind
QUESTIONNAIRE = COMMUNES_QUESTIONNAIRES[0]


def test_clone_then_diff_is_empty(province: Province, commune_set: FrameworkVersion) -> None:
    clone = framework_clone(actor=province["organiser"], version=commune_set)
    assert diff_versions(commune_set, clone) == []
    assert diff_versions(clone, commune_set) == []


def test_clone_for_next_year_changes_only_the_set_fields(
    province: Province, commune_set: FrameworkVersion
) -> None:
    clone = framework_clone(
        actor=province["organiser"], version=commune_set, new_code="vd-xa-2026", year=2026
    )
    changes = diff_versions(commune_set, clone)
    assert [(c.kind, c.field) for c in changes] == [
        (K.SET, "code"),
        (K.SET, "name"),
        (K.SET, "year"),
    ]
    assert (changes[2].old, changes[2].new) == ("2025", "2026")


def _edited_commune_doc() -> Any:
    """The commune set with one change of each kind (each parent's sum still adds up)."""
    doc = commune_doc()
    doc["year"] = Decimal(2026)
    # moved: 1.3.1 (0.5) from 1.3 to the end of 1.4; both parents' maxima follow
    one_three, one_four = find(doc, "1.3"), find(doc, "1.4")
    moved = one_three["children"].pop(0)
    one_four["children"].append(moved)
    one_three["max"] = Decimal(1)
    one_four["max"] = Decimal("2.5")
    # rule changed
    find(doc, "1.5")["rule"]["cases"][1]["points"] = "max_points / 4"
    # evidence changed (was inherited: optional)
    find(doc, "3.3")["evidence"] = "required"
    # removed 4.3 (2 points), given to 4.2
    field_four = find(doc, "4")
    field_four["children"] = [c for c in field_four["children"] if c["code"] != "4.3"]
    find(doc, "4.2")["max"] = Decimal(4)
    # added 5.4 (1 point), taken from 5.1
    find(doc, "5.1")["max"] = Decimal(1)
    find(doc, "5")["children"].append(
        {
            "code": "5.4",
            "name": "Thực hiện văn hóa công vụ",
            "max": Decimal(1),
            "rule": {"yes_no": "Có kế hoạch thực hiện văn hóa công vụ"},
        }
    )
    # name changed
    find(doc, "6.1")["name"] = "Ban hành quy chế chi tiêu nội bộ"
    # source changed
    find(doc, "8.3")["source"] = "organiser"
    return doc


def test_diff_of_two_known_versions(province: Province, commune_set: FrameworkVersion) -> None:
    edited = framework_import(
        actor=province["organiser"],
        organiser=province.org,
        filename="vd-xa-2026.yaml",
        content=yaml_bytes(_edited_commune_doc()),
        questionnaires=[(QUESTIONNAIRE.name, QUESTIONNAIRE.read_bytes())],
    )
    changes = diff_versions(commune_set, edited)
    assert [(c.kind, c.code) for c in changes] == [
        (K.SET, None),
        (K.MAX, "1.3"),
        (K.MAX, "1.4"),
        (K.MOVED, "1.3.1"),
        (K.RULE, "1.5"),
        (K.EVIDENCE, "3.3"),
        (K.MAX, "4.2"),
        (K.REMOVED, "4.3"),
        (K.MAX, "5.1"),
        (K.ADDED, "5.4"),
        (K.NAME, "6.1"),
        (K.SOURCE, "8.3"),
    ]
    by = {(c.kind, c.code): c for c in changes}
    assert by[(K.SET, None)].field == "year"
    assert (by[(K.MAX, "1.4")].old, by[(K.MAX, "1.4")].new) == ("2", "2,5")
    assert (by[(K.MOVED, "1.3.1")].old, by[(K.MOVED, "1.3.1")].new) == ("thuộc 1.3", "thuộc 1.4")
    rule = by[(K.RULE, "1.5")]
    # the rule in words on both sides: labels, decimal commas, never the file's text
    assert rule.old.startswith("Nếu Số sáng kiến được công nhận ≥ 2")
    old_lines, new_lines = rule.old.splitlines(), rule.new.splitlines()
    assert old_lines[0] == new_lines[0]  # the first case did not change, the second did
    assert old_lines[1] != new_lines[1] and "= 1" in old_lines[1] and "= 1" in new_lines[1]
    for text in (rule.old, rule.new):
        assert not any(bit in text for bit in ("max_points", "initiatives", "cases", "{", ">="))
    assert (by[(K.EVIDENCE, "3.3")].old, by[(K.EVIDENCE, "3.3")].new) == (
        "Không bắt buộc",
        "Bắt buộc",
    )
    assert by[(K.SOURCE, "8.3")].new == "Cơ quan tổ chức cung cấp"
    assert by[(K.ADDED, "5.4")].new == "1 điểm, thuộc 5"
    assert by[(K.REMOVED, "4.3")].old == "2 điểm, thuộc 4"
    # the other way round: added and removed swap
    back = {(c.kind, c.code) for c in diff_versions(edited, commune_set)}
    assert (K.ADDED, "4.3") in back and (K.REMOVED, "5.4") in back


def _node(code: str, parent: str | None = None, **changes: object) -> NodeSnapshot:
    values: dict[str, object] = {
        "code": code,
        "name": f"Tiêu chí {code}",
        "parent": parent,
        "max": Decimal(1),
        "rule_text": "manual",
        "source": "self",
        "evidence": "optional",
        "evidence_hint": "",
        "guidance": "",
        "owner_hint": "",
        "kind": "",
        "capped": False,
        "applies_to": None,
        "may_not_apply": False,
    }
    values.update(changes)
    return NodeSnapshot(**values)  # type: ignore[arg-type]


def test_reordering_lists_the_fewest_moves() -> None:
    old = Snapshot({}, tuple(_node(c) for c in ("1", "2", "3", "4", "5")))
    new = Snapshot({}, tuple(_node(c) for c in ("1", "5", "2", "3", "4")))
    changes = diff_snapshots(old, new)
    assert [(c.kind, c.code) for c in changes] == [(K.MOVED, "5")]
    assert (changes[0].old, changes[0].new) == (
        "thứ 5 trong cấp lĩnh vực",
        "thứ 2 trong cấp lĩnh vực",
    )


def test_insertions_do_not_count_as_moves() -> None:
    old = Snapshot({}, (_node("1"), _node("1.1", "1"), _node("1.2", "1")))
    new = Snapshot({}, (_node("1"), _node("1.0", "1"), _node("1.1", "1"), _node("1.2", "1")))
    assert [(c.kind, c.code) for c in diff_snapshots(old, new)] == [(K.ADDED, "1.0")]


def test_flags_and_kinds() -> None:
    old = Snapshot({}, (_node("1"),))
    new = Snapshot(
        {},
        (
            _node(
                "1",
                capped=True,
                kind="bonus",
                applies_to=("xa",),
                may_not_apply=True,
                guidance="g",
                evidence_hint="h",
                owner_hint="o",
            ),
        ),
    )
    kinds = [c.kind for c in diff_snapshots(old, new)]
    assert kinds == [
        K.EVIDENCE_HINT,
        K.GUIDANCE,
        K.OWNER_HINT,
        K.KIND,
        K.CAPPED,
        K.APPLIES_TO,
        K.MAY_NOT_APPLY,
    ]


def test_diff_xlsx_lists_every_change() -> None:
    old = Snapshot({"year": "2025"}, (_node("1"), _node("2")))
    new = Snapshot({"year": "2026"}, (_node("1", max=Decimal("1.5")),))
    changes = diff_snapshots(old, new)
    data = diff_xlsx(changes, title="So sánh", left="a", right="b")
    ws = openpyxl.load_workbook(BytesIO(data)).active
    rows = [tuple(c.value for c in row) for row in ws.iter_rows(min_row=6)]
    assert rows == [
        (None, "Thông tin chung", "Năm", "2025", "2026"),
        ("1", "Tiêu chí 1", "Đổi điểm tối đa", "1", "1,5"),
        ("2", "Tiêu chí 2", "Bỏ", "1 điểm, cấp lĩnh vực", None),
    ]


def test_compare_page_and_export(
    client: Client, province: Province, commune_set: FrameworkVersion
) -> None:
    clone = framework_clone(actor=province["organiser"], version=commune_set, year=2026)
    client.force_login(province["organiser"])
    page = client.get(f"/bo-tieu-chi/so-sanh/?a={commune_set.pk}&b={clone.pk}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "2 thay đổi" in text and "Năm" in text
    export = client.get(f"/bo-tieu-chi/so-sanh/xlsx/?a={commune_set.pk}&b={clone.pk}")
    assert export.status_code == 200
    ws = openpyxl.load_workbook(BytesIO(export.content)).active
    assert [ws.cell(row=r, column=3).value for r in (6, 7)] == ["Tên bộ tiêu chí", "Năm"]
    same = client.get(f"/bo-tieu-chi/so-sanh/?a={commune_set.pk}&b={commune_set.pk}")
    assert "không có thay đổi nào" in same.content.decode()
    # from a version's page: the original is preselected
    preset = client.get(f"/bo-tieu-chi/so-sanh/?b={clone.pk}")
    assert f'<option value="{commune_set.pk}" selected>' in preset.content.decode()


def test_compare_needs_visible_versions(
    client: Client, province: Province, commune_set: FrameworkVersion
) -> None:
    client.force_login(province["other_organiser"])
    page = client.get(f"/bo-tieu-chi/so-sanh/?a={commune_set.pk}&b={commune_set.pk}")
    assert page.status_code == 200
    assert "thay đổi" not in page.content.decode().split("<h1>")[1].split("</form>")[1]
    assert (
        client.get(f"/bo-tieu-chi/so-sanh/xlsx/?a={commune_set.pk}&b={commune_set.pk}").status_code
        == 400
    )


def test_snapshot_of_a_checked_upload_matches_the_stored_one(
    commune_set: FrameworkVersion,
) -> None:
    result = check_upload(
        COMMUNES_SET.name,
        COMMUNES_SET.read_bytes(),
        [UploadFile(QUESTIONNAIRE.name, QUESTIONNAIRE.read_bytes())],
    )
    assert snapshot_of_check(result) == snapshot_of(commune_set)
    assert diff_snapshots(snapshot_of(commune_set), snapshot_of_check(result)) == []


RECEIVED = (
    '{inputs: [{name: received, label: "Số hồ sơ tiếp nhận", type: integer, min: 0}, '
    '{name: on_time, label: "Số hồ sơ đúng hạn", type: integer, min: 0}], '
    'cases: [{when: "on_time >= received", points: "max_points"}, {points: 0}]}'
)


def test_rule_changes_are_worded_from_the_rule_text() -> None:
    """Snapshots without words (made from plain data) still show the rule in words."""
    with_check = RECEIVED.replace(
        "cases:",
        'checks: [{require: "on_time <= received", message: "Đúng hạn không quá tiếp nhận"}], '
        "cases:",
    )
    old = Snapshot({}, (_node("1", rule_text=RECEIVED),))
    new = Snapshot({}, (_node("1", rule_text=with_check),))
    [change] = diff_snapshots(old, new)
    assert change.kind is K.RULE
    assert "Nếu Số hồ sơ đúng hạn ≥ Số hồ sơ tiếp nhận" in change.old
    assert "Đúng hạn không quá tiếp nhận" not in change.old
    assert "Đúng hạn không quá tiếp nhận" in change.new
    for text in (change.old, change.new):
        assert not any(
            bit in text for bit in ("on_time", "received", "max_points", ">=", "<=", "{")
        )


def test_a_rule_change_words_leave_out_is_still_said() -> None:
    old = Snapshot({}, (_node("1", rule_text=RECEIVED),))
    helped = RECEIVED.replace("min: 0}]", 'min: 0, help: "Theo sổ theo dõi"}]')
    new = Snapshot({}, (_node("1", rule_text=helped),))
    [change] = diff_snapshots(old, new)
    assert change.kind is K.RULE
    assert change.new == f"{change.old}\n{RULE_DETAIL_CHANGED}"
    assert "Số hồ sơ đúng hạn" in change.old


def test_an_unreadable_rule_text_is_never_shown() -> None:
    old = Snapshot({}, (_node("1", rule_text="{cases: [{when: "),))
    new = Snapshot({}, (_node("1", rule_text="manual"),))
    [change] = diff_snapshots(old, new)
    assert "{" not in change.old and "cases" not in change.old and change.old
    assert change.new.startswith("Chấm trực tiếp")


def test_compare_page_and_export_word_a_changed_rule(
    client: Client, province: Province, commune_set: FrameworkVersion
) -> None:
    edited = framework_import(
        actor=province["organiser"],
        organiser=province.org,
        filename="vd-xa-2026.yaml",
        content=yaml_bytes(_edited_commune_doc()),
        questionnaires=[(QUESTIONNAIRE.name, QUESTIONNAIRE.read_bytes())],
    )
    client.force_login(province["organiser"])
    page = client.get(f"/bo-tieu-chi/so-sanh/?a={commune_set.pk}&b={edited.pk}")
    html = page.content.decode()
    row = html.split('<tr class="change-rule">')[1].split("</tr>")[0]
    assert "Đổi cách chấm" in row and "Số sáng kiến được công nhận" in row
    assert not any(bit in row for bit in ("max_points", "initiatives", "cases:", "&gt;="))
    export = client.get(f"/bo-tieu-chi/so-sanh/xlsx/?a={commune_set.pk}&b={edited.pk}")
    ws = openpyxl.load_workbook(BytesIO(export.content)).active
    [cells] = [
        [c.value for c in r] for r in ws.iter_rows(min_row=6) if r[2].value == "Đổi cách chấm"
    ]
    assert cells[0] == "1.5"
    for text in cells[3:5]:
        assert "Số sáng kiến được công nhận" in text
        assert not any(bit in text for bit in ("max_points", "initiatives", "cases", ">="))
