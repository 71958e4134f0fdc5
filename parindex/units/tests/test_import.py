from __future__ import annotations

import unicodedata
from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied

from parindex.accounts.roles import Role
from parindex.accounts.tests.factories import user_with_role
from parindex.core.audit import REGISTRY, audit_lines
from parindex.core.errors import ServiceError
from parindex.core.models import AuditEntry
from parindex.units.importing import CREATE, UNCHANGED, UPDATE
from parindex.units.models import Unit
from parindex.units.services import (
    unit_create,
    unit_export_xlsx,
    unit_import_apply,
    unit_import_preview,
    unit_import_template_xlsx,
    unit_update,
)
from parindex.units.tests.factories import OrganiserFactory, UnitFactory
from parindex.units.tests.xlsxutil import HEADERS, make_xlsx, read_xlsx, sheet_names

pytestmark = pytest.mark.django_db

GOOD_ROWS = [
    ["tinh-ht", "UBND tỉnh Hà Tĩnh", "Hà Tĩnh", "tinh", "", "", "", "", "Hà Tĩnh"],
    ["son-linh", "UBND xã Sơn Lĩnh", "Sơn Lĩnh", "Xã", "tinh-ht", "01/07/2025", "", "", ""],
    ["phuong-a", "UBND phường A", "", "phuong", "tinh-ht", datetime(2025, 7, 1), "", "", ""],
    ["so-tu-phap", "Sở Tư pháp", "", "Sở, ban, ngành", "tinh-ht", "", "", "", ""],
]


def messages_of(exc: pytest.ExceptionInfo[ServiceError]) -> list[str]:
    return list(exc.value.messages)


def test_import_good_file_creates_units_in_the_registry(organiser_body, organiser_user):
    result = unit_import_apply(
        actor=organiser_user, organiser=organiser_body, file=make_xlsx(GOOD_ROWS)
    )
    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    son_linh = Unit.objects.get(code="son-linh")
    assert son_linh.name == "UBND xã Sơn Lĩnh"
    assert son_linh.kind == "xa"
    assert son_linh.parent == Unit.objects.get(code="tinh-ht")
    assert son_linh.organiser == organiser_body
    assert son_linh.valid_from == date(2025, 7, 1)
    assert Unit.objects.get(code="phuong-a").valid_from == date(2025, 7, 1)
    assert Unit.objects.get(code="so-tu-phap").kind == "so_nganh"
    assert AuditEntry.objects.filter(action="unit.import.create").count() == 4
    assert AuditEntry.objects.filter(action="unit.import", actor=organiser_user).count() == 1


def test_preview_saves_nothing_and_names_the_action_of_each_row(organiser_body, organiser_user):
    before = Unit.objects.count()
    preview = unit_import_preview(
        actor=organiser_user, organiser=organiser_body, file=make_xlsx(GOOD_ROWS)
    )
    assert preview.is_valid
    assert [r.action for r in preview.rows] == [CREATE] * 4
    assert Unit.objects.count() == before


def test_text_is_normalised_to_nfc(organiser_body, organiser_user):
    decomposed = unicodedata.normalize("NFD", "UBND xã Sơn Lĩnh")
    unit_import_apply(
        actor=organiser_user,
        organiser=organiser_body,
        file=make_xlsx([["son-linh", f"  {decomposed} ", "", "xa"]]),
    )
    unit = Unit.objects.get(code="son-linh")
    assert unit.name == unicodedata.normalize("NFC", "UBND xã Sơn Lĩnh")
    assert unit.name_folded == "ubnd xa son linh"


BAD_FILES = [
    pytest.param(
        [["a", "Xã A", "", "xa2"]],
        "Dòng 2, cột Loại: 'xa2' không phải loại đơn vị hợp lệ (bo, co_quan_tw, tinh, so_nganh,",
        id="bad-kind",
    ),
    pytest.param(
        [["a", "Xã A", "", ""]],
        "Dòng 2, cột Loại: loại đơn vị không được để trống",
        id="empty-kind",
    ),
    pytest.param(
        [["a", "Xã A", "", "xa"], ["b", "Xã B", "", "xa"], ["a", "Xã A nữa", "", "xa"]],
        "Dòng 4, cột Mã: mã 'a' trùng với dòng 2",
        id="duplicate-code",
    ),
    pytest.param(
        [["ok", "Xã A", "", "xa"], ["Sơn Lĩnh", "Xã Sơn Lĩnh", "", "xa"]],
        "Dòng 3, cột Mã: mã 'Sơn Lĩnh' chỉ được gồm chữ cái không dấu, chữ số, dấu gạch ngang "
        "'-' và gạch dưới '_' (ví dụ: son-linh)",
        id="bad-code",
    ),
    pytest.param(
        [["", "Xã không mã", "", "xa"]],
        "Dòng 2, cột Mã: mã đơn vị không được để trống",
        id="empty-code",
    ),
    pytest.param(
        [["a", "Xã A", "", "xa"], ["b", "", "Tên ngắn", "xa"]],
        "Dòng 3, cột Tên đơn vị: tên đơn vị không được để trống",
        id="empty-name",
    ),
    pytest.param(
        [["a", "Xã A", "", "xa", "khong-co"]],
        "Dòng 2, cột Mã đơn vị cấp trên: không tìm thấy đơn vị có mã 'khong-co' "
        "(trong tệp hoặc trong hệ thống)",
        id="unknown-parent",
    ),
    pytest.param(
        [["a", "Xã A", "", "xa", "b"], ["b", "Xã B", "", "xa", "a"]],
        "Dòng 3, cột Mã đơn vị cấp trên: quan hệ cấp trên tạo thành vòng lặp: b → a → b",
        id="parent-cycle",
    ),
    pytest.param(
        [["a", "Xã A", "", "xa", "a"]],
        "Dòng 2, cột Mã đơn vị cấp trên: quan hệ cấp trên tạo thành vòng lặp: a → a",
        id="own-parent",
    ),
    pytest.param(
        [["a", "Xã A", "", "xa", "", "01/07/2025", "30/06/2025"]],
        "Dòng 2, cột Hiệu lực đến: ngày hết hiệu lực 30/06/2025 trước ngày bắt đầu hiệu lực "
        "01/07/2025",
        id="valid-to-before-valid-from",
    ),
    pytest.param(
        [["a", "Xã A", "", "xa", "", "31/02/2025"]],
        "Dòng 2, cột Hiệu lực từ: ngày 31/02/2025 không có thật",
        id="bad-date",
    ),
    pytest.param(
        [["a", "Xã A", "", "xa", "", "", "", "b, khong-co"], ["b", "Xã B", "", "xa"]],
        "Dòng 2, cột Mã đơn vị kế thừa: không tìm thấy đơn vị có mã 'khong-co' "
        "(trong tệp hoặc trong hệ thống)",
        id="unknown-successor",
    ),
    pytest.param(
        [["a", "Xã A", "", "xa", "", "", "", "a"]],
        "Dòng 2, cột Mã đơn vị kế thừa: một đơn vị không thể kế thừa chính nó",
        id="own-successor",
    ),
    pytest.param(
        [["a", "Xã A", "", "xa"], ["them", "Xã Thêm", "", "xa"]],
        "Dòng 3, cột Mã: mã 'them' trùng với tên một trang của hệ thống",
        id="reserved-code",
    ),
    pytest.param(
        [["a", "X" * 256, "", "xa"]],
        "Dòng 2, cột Tên đơn vị: tên đơn vị dài 256 ký tự, tối đa 255",
        id="name-too-long",
    ),
]


@pytest.mark.parametrize(("rows", "expected"), BAD_FILES)
def test_each_bad_row_is_named_and_nothing_is_saved(organiser_body, organiser_user, rows, expected):
    before = Unit.objects.count()
    audit_before = AuditEntry.objects.count()
    data = make_xlsx(rows)

    preview = unit_import_preview(actor=organiser_user, organiser=organiser_body, file=data)
    assert not preview.is_valid
    assert any(e.startswith(expected) for e in preview.errors), preview.errors

    with pytest.raises(ServiceError) as exc:
        unit_import_apply(actor=organiser_user, organiser=organiser_body, file=data)
    assert any(m.startswith(expected) for m in messages_of(exc))
    assert Unit.objects.count() == before
    assert AuditEntry.objects.count() == audit_before


def test_every_row_of_a_cycle_is_named(organiser_body, organiser_user):
    rows = [["a", "A", "", "xa", "c"], ["b", "B", "", "xa", "a"], ["c", "C", "", "xa", "b"]]
    preview = unit_import_preview(
        actor=organiser_user, organiser=organiser_body, file=make_xlsx(rows)
    )
    assert [e.row for e in preview.row_errors] == [2, 3, 4]
    assert all("vòng lặp" in e.message for e in preview.row_errors)


def test_cycle_through_an_existing_unit_is_found(organiser_body, organiser_user):
    top = UnitFactory(code="top", organiser=organiser_body)
    UnitFactory(code="mid", organiser=organiser_body, parent=top)
    rows = [["top", "Đơn vị đầu", "", "xa", "mid"]]
    preview = unit_import_preview(
        actor=organiser_user, organiser=organiser_body, file=make_xlsx(rows)
    )
    assert [str(e) for e in preview.row_errors] == [
        "Dòng 2, cột Mã đơn vị cấp trên: quan hệ cấp trên tạo thành vòng lặp: top → mid → top"
    ]


def test_several_errors_in_one_file_are_all_named(organiser_body, organiser_user):
    rows = [["a", "", "", "xa2"], ["b", "Xã B", "", "xa", "", "hôm qua"]]
    preview = unit_import_preview(
        actor=organiser_user, organiser=organiser_body, file=make_xlsx(rows)
    )
    assert [(e.row, e.column) for e in preview.row_errors] == [
        (2, "Tên đơn vị"),
        (2, "Loại"),
        (3, "Hiệu lực từ"),
    ]


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("xa", "xa"),
        ("Xã", "xa"),
        ("XA", "xa"),
        ("phuong", "phuong"),
        ("Phường", "phuong"),
        ("dac_khu", "dac_khu"),
        ("Đặc khu", "dac_khu"),
        ("so_nganh", "so_nganh"),
        ("Sở, ban, ngành", "so_nganh"),
        ("co_quan_tw", "co_quan_tw"),
        ("huyen", "huyen"),
    ],
)
def test_kinds_are_accepted_as_slug_or_vietnamese_label(organiser_body, organiser_user, text, slug):
    unit_import_apply(
        actor=organiser_user,
        organiser=organiser_body,
        file=make_xlsx([["don-vi-1", "Đơn vị 1", "", text]]),
    )
    assert Unit.objects.get(code="don-vi-1").kind == slug


@pytest.mark.parametrize("text", ["xa2", "Xã phường", "commune", "tw"])
def test_unknown_kinds_are_refused(organiser_body, organiser_user, text):
    preview = unit_import_preview(
        actor=organiser_user,
        organiser=organiser_body,
        file=make_xlsx([["don-vi-1", "Đơn vị 1", "", text]]),
    )
    assert [str(e) for e in preview.row_errors] == [
        f"Dòng 2, cột Loại: '{text}' không phải loại đơn vị hợp lệ (bo, co_quan_tw, tinh, "
        "so_nganh, huyen, phong, xa, phuong, thi_tran, dac_khu, don_vi, khac)"
    ]


def test_merger_of_three_communes_into_one_keeps_successors(organiser_body, organiser_user):
    rows = [
        ["xa-a", "UBND xã A", "", "xa", "", "", "30/06/2025", "xa-moi"],
        ["xa-b", "UBND xã B", "", "xa", "", "", "30/06/2025", "xa-moi"],
        ["xa-c", "UBND xã C", "", "xa", "", "", "30/06/2025", "xa-moi"],
        ["xa-moi", "UBND xã Mới", "", "xa", "", "01/07/2025", "", ""],
    ]
    unit_import_apply(actor=organiser_user, organiser=organiser_body, file=make_xlsx(rows))
    new = Unit.objects.get(code="xa-moi")
    assert sorted(new.predecessors.values_list("code", flat=True)) == ["xa-a", "xa-b", "xa-c"]
    assert new.valid_from == date(2025, 7, 1)
    old = Unit.objects.get(code="xa-b")
    assert list(old.successors.all()) == [new]
    assert old.valid_to == date(2025, 6, 30)
    assert old.is_valid_on(date(2025, 6, 30)) and not old.is_valid_on(date(2025, 7, 1))
    assert new.is_valid_on(date(2025, 7, 1)) and not new.is_valid_on(date(2025, 6, 30))


def test_merger_into_an_existing_unit_of_the_registry(organiser_body, organiser_user):
    new = UnitFactory(code="xa-moi", organiser=organiser_body, valid_from=date(2025, 7, 1))
    UnitFactory(code="xa-a", organiser=organiser_body)
    rows = [["xa-a", "UBND xã A", "", "xa", "", "", "30/06/2025", "xa-moi"]]
    result = unit_import_apply(actor=organiser_user, organiser=organiser_body, file=make_xlsx(rows))
    assert result.updated == 1
    assert list(new.predecessors.values_list("code", flat=True)) == ["xa-a"]


def test_parent_may_come_later_in_the_file(organiser_body, organiser_user):
    rows = [
        ["con", "UBND xã Con", "", "xa", "cha"],
        ["chau", "Thôn Cháu", "", "khac", "con"],
        ["cha", "UBND tỉnh Cha", "", "tinh", ""],
    ]
    unit_import_apply(actor=organiser_user, organiser=organiser_body, file=make_xlsx(rows))
    chau = Unit.objects.get(code="chau")
    assert [u.code for u in chau.ancestors()] == ["con", "cha"]


def test_parent_may_be_an_existing_unit_outside_the_registry(organiser_body, organiser_user):
    province = UnitFactory(code="tinh-ht", kind="tinh", organiser=None)
    unit_import_apply(
        actor=organiser_user,
        organiser=organiser_body,
        file=make_xlsx([["son-linh", "UBND xã Sơn Lĩnh", "", "xa", "tinh-ht"]]),
    )
    assert Unit.objects.get(code="son-linh").parent == province


def test_reimporting_the_same_file_changes_nothing(organiser_body, organiser_user):
    rows = [
        *GOOD_ROWS,
        ["xa-cu", "UBND xã Cũ", "", "xa", "tinh-ht", "", "30/06/2025", "son-linh"],
    ]
    data = make_xlsx(rows)
    unit_import_apply(actor=organiser_user, organiser=organiser_body, file=data)
    state = {u.code: (u.revision, u.updated_at) for u in Unit.objects.all()}
    audit_count = AuditEntry.objects.exclude(action="unit.import").count()

    preview = unit_import_preview(actor=organiser_user, organiser=organiser_body, file=data)
    assert [r.action for r in preview.rows] == [UNCHANGED] * len(rows)
    result = unit_import_apply(actor=organiser_user, organiser=organiser_body, file=data)

    assert (result.created, result.updated, result.unchanged) == (0, 0, len(rows))
    assert {u.code: (u.revision, u.updated_at) for u in Unit.objects.all()} == state
    assert AuditEntry.objects.exclude(action="unit.import").count() == audit_count


def test_import_updates_existing_units_by_code(organiser_body, organiser_user):
    unit = UnitFactory(code="son-linh", name="Xã Sơn Lĩnh (cũ)", organiser=organiser_body)
    result = unit_import_apply(
        actor=organiser_user,
        organiser=organiser_body,
        file=make_xlsx([["son-linh", "UBND xã Sơn Lĩnh", "Sơn Lĩnh", "xa"]]),
    )
    assert [r.action for r in result.rows] == [UPDATE]
    assert result.rows[0].changed_labels == ["tên", "tên ngắn"]
    unit.refresh_from_db()
    assert (unit.name, unit.short_name, unit.revision) == ("UBND xã Sơn Lĩnh", "Sơn Lĩnh", 2)
    entry = AuditEntry.objects.get(action="unit.import.update")
    assert entry.changes["name"] == ["Xã Sơn Lĩnh (cũ)", "UBND xã Sơn Lĩnh"]


def test_missing_optional_columns_leave_existing_values(organiser_body, organiser_user):
    parent = UnitFactory(code="cha", organiser=organiser_body)
    unit = UnitFactory(
        code="son-linh",
        name="UBND xã Sơn Lĩnh",
        organiser=organiser_body,
        parent=parent,
        address="Thôn 1",
        valid_from=date(2025, 7, 1),
    )
    data = make_xlsx([["son-linh", "UBND xã Sơn Lĩnh", "xa"]], headers=["Mã", "Tên đơn vị", "Loại"])
    result = unit_import_apply(actor=organiser_user, organiser=organiser_body, file=data)
    assert result.unchanged == 1
    unit.refresh_from_db()
    assert (unit.parent, unit.address, unit.valid_from) == (parent, "Thôn 1", date(2025, 7, 1))


def test_empty_cells_in_present_columns_clear_values(organiser_body, organiser_user):
    parent = UnitFactory(code="cha", organiser=organiser_body)
    unit = UnitFactory(code="son-linh", name="Xã", organiser=organiser_body, parent=parent)
    unit_import_apply(
        actor=organiser_user,
        organiser=organiser_body,
        file=make_xlsx([["son-linh", "Xã", "", "xa", ""]]),
    )
    unit.refresh_from_db()
    assert unit.parent is None


def test_headers_are_matched_without_case_or_diacritics(organiser_body, organiser_user):
    headers = ["ma don vi", "TEN DON VI", "loại đơn vị", "Từ ngày", "Mã cấp trên"]
    data = make_xlsx(
        [["son-linh", "UBND xã Sơn Lĩnh", "xa", "01/07/2025", ""]],
        headers=headers,
        above=[["DANH SÁCH ĐƠN VỊ"], []],
    )
    result = unit_import_apply(actor=organiser_user, organiser=organiser_body, file=data)
    assert result.created == 1
    assert result.rows[0].row == 4  # rows are numbered as Excel shows them
    assert Unit.objects.get(code="son-linh").valid_from == date(2025, 7, 1)


def test_numeric_codes_and_excel_date_cells_are_read(organiser_body, organiser_user):
    data = make_xlsx([[18550, "UBND xã Sơn Lĩnh", "", "xa", "", date(2025, 7, 1), 46022]])
    unit_import_apply(actor=organiser_user, organiser=organiser_body, file=data)
    unit = Unit.objects.get(code="18550")
    assert unit.valid_from == date(2025, 7, 1)
    assert unit.valid_to == date(2025, 12, 31)  # an Excel serial number in a date column


def test_blank_rows_are_skipped(organiser_body, organiser_user):
    rows = [["a", "Xã A", "", "xa"], [None, None, None, None], ["b", "Xã B", "", "xa"]]
    result = unit_import_apply(actor=organiser_user, organiser=organiser_body, file=make_xlsx(rows))
    assert [r.row for r in result.rows] == [2, 4]


def test_missing_required_column_is_a_file_error(organiser_body, organiser_user):
    data = make_xlsx([["a", "Xã A"]], headers=["Mã", "Tên đơn vị"])
    preview = unit_import_preview(actor=organiser_user, organiser=organiser_body, file=data)
    assert preview.file_errors == ["Dòng 1 (dòng tiêu đề) thiếu cột bắt buộc: Loại."]
    assert preview.errors == preview.file_errors
    assert not preview.is_valid


def test_file_without_header_row_is_named(organiser_body, organiser_user):
    data = make_xlsx([["a", "b"]], headers=["Cột 1", "Cột 2"])
    preview = unit_import_preview(actor=organiser_user, organiser=organiser_body, file=data)
    assert preview.file_errors[0].startswith("Không tìm thấy dòng tiêu đề trong tệp")


def test_a_file_that_is_not_xlsx_is_refused(organiser_body, organiser_user):
    preview = unit_import_preview(
        actor=organiser_user, organiser=organiser_body, file=b"Ma;Ten\nson-linh;Son Linh\n"
    )
    assert preview.file_errors[0].startswith("Không đọc được tệp")
    with pytest.raises(ServiceError):
        unit_import_apply(actor=organiser_user, organiser=organiser_body, file=b"not a workbook")


def test_empty_file_is_refused(organiser_body, organiser_user):
    preview = unit_import_preview(
        actor=organiser_user, organiser=organiser_body, file=unit_import_template_xlsx()
    )
    assert preview.file_errors == ["Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."]


def test_units_of_another_registry_cannot_be_changed_by_file(organiser_body, organiser_user):
    other = OrganiserFactory(code="so-khac")
    UnitFactory(code="xa-khac", name="UBND xã Khác", kind="xa", organiser=other)
    rows = [["xa-khac", "Tên mới", "", "xa"]]
    preview = unit_import_preview(
        actor=organiser_user, organiser=organiser_body, file=make_xlsx(rows)
    )
    assert [str(e) for e in preview.row_errors] == [
        "Dòng 2, cột Mã: đơn vị 'xa-khac' (UBND xã Khác) thuộc danh sách đánh giá khác, "
        "không sửa được bằng tệp này"
    ]


def test_unchanged_rows_outside_the_registry_are_skipped(organiser_body, organiser_user):
    """An export of everything an organiser sees (its own body too) imports back cleanly."""
    rows = [["so-noi-vu", "Sở Nội vụ tỉnh Hà Tĩnh", "", "so_nganh"], ["a", "Xã A", "", "xa"]]
    result = unit_import_apply(actor=organiser_user, organiser=organiser_body, file=make_xlsx(rows))
    assert (result.created, result.unchanged) == (1, 1)
    assert result.rows[0].outside_registry


@pytest.mark.parametrize("role", [Role.OFFICER, Role.HEAD, Role.OBSERVER, Role.COUNCIL])
def test_only_managers_may_import(organiser_body, role):
    user = user_with_role(role, organiser_body)
    with pytest.raises(PermissionDenied):
        unit_import_preview(actor=user, organiser=organiser_body, file=make_xlsx(GOOD_ROWS))
    with pytest.raises(PermissionDenied):
        unit_import_apply(actor=user, organiser=organiser_body, file=make_xlsx(GOOD_ROWS))
    assert not Unit.objects.filter(code="son-linh").exists()


def test_organiser_cannot_import_into_another_registry(organiser_user):
    other = OrganiserFactory(code="so-khac")
    with pytest.raises(PermissionDenied):
        unit_import_apply(actor=organiser_user, organiser=other, file=make_xlsx(GOOD_ROWS))
    with pytest.raises(PermissionDenied):
        unit_import_apply(actor=organiser_user, organiser=None, file=make_xlsx(GOOD_ROWS))


def test_admin_may_import_units_outside_any_registry(admin_user):
    result = unit_import_apply(
        actor=admin_user,
        organiser=None,
        file=make_xlsx([["bo-noi-vu", "Bộ Nội vụ", "", "bo"]]),
    )
    assert result.created == 1
    assert Unit.objects.get(code="bo-noi-vu").organiser is None


# Export ---------------------------------------------------------------------------------------


def _registry(organiser_body, actor):
    province = unit_create(actor=actor, code="tinh-ht", name="UBND tỉnh Hà Tĩnh", kind="tinh")
    old = [
        unit_create(
            actor=actor,
            organiser=organiser_body,
            code=f"xa-{c}",
            name=f"UBND xã {c.upper()}",
            kind="xa",
            parent=province,
            valid_to=date(2025, 6, 30),
        )
        for c in "abc"
    ]
    new = unit_create(
        actor=actor,
        organiser=organiser_body,
        code="00123",
        name="UBND xã Đồng Lộc",
        short_name="Đồng Lộc",
        kind="xa",
        parent=province,
        valid_from=date(2025, 7, 1),
        address="Thôn Trung, xã Đồng Lộc",
    )
    for unit in old:
        unit_update(actor=actor, unit=unit, successors=[new], expected_revision=unit.revision)
    return Unit.objects.filter(organiser=organiser_body)


def test_export_writes_the_import_columns_and_dates(organiser_body, admin_user):
    units = _registry(organiser_body, admin_user)
    data = unit_export_xlsx(units=units.order_by("code"))
    assert sheet_names(data) == ["Đơn vị", "Hướng dẫn"]
    rows = read_xlsx(data)
    assert rows[0] == HEADERS
    assert rows[1] == [
        "00123",
        "UBND xã Đồng Lộc",
        "Đồng Lộc",
        "xa",
        "tinh-ht",
        datetime(2025, 7, 1),
        None,
        None,
        "Thôn Trung, xã Đồng Lộc",
    ]
    assert rows[2][6] == datetime(2025, 6, 30)
    assert rows[2][7] == "00123"


def test_export_then_import_is_a_round_trip(organiser_body, organiser_user, admin_user):
    units = _registry(organiser_body, admin_user)
    data = unit_export_xlsx(units=units)
    preview = unit_import_preview(actor=organiser_user, organiser=organiser_body, file=data)
    assert preview.is_valid, preview.errors
    assert [r.action for r in preview.rows] == [UNCHANGED] * 4


def _snapshot(organiser):
    return {
        u.code: (
            u.name,
            u.short_name,
            u.kind,
            u.parent.code if u.parent else "",
            u.valid_from,
            u.valid_to,
            sorted(s.code for s in u.successors.all()),
            u.address,
        )
        for u in Unit.objects.filter(organiser=organiser)
    }


def test_exported_file_creates_the_same_units_elsewhere(organiser_body, admin_user):
    """Exported from one installation, imported into an empty registry of another."""
    data = unit_export_xlsx(units=_registry(organiser_body, admin_user))
    before = _snapshot(organiser_body)
    Unit.successors.through.objects.all().delete()
    Unit.objects.filter(organiser=organiser_body).delete()
    result = unit_import_apply(actor=admin_user, organiser=organiser_body, file=data)
    assert result.created == 4
    assert _snapshot(organiser_body) == before


def test_template_has_the_header_row_and_instructions():
    data = unit_import_template_xlsx()
    assert sheet_names(data) == ["Đơn vị", "Hướng dẫn"]
    assert read_xlsx(data) == [HEADERS]
    instructions = [r[0] for r in read_xlsx(data, "Hướng dẫn") if r and r[0]]
    assert "Mã đơn vị kế thừa" in instructions
    assert "dac_khu" in instructions


def test_import_records_declared_actions_with_labels(organiser_body, organiser_user):
    unit_import_apply(actor=organiser_user, organiser=organiser_body, file=make_xlsx(GOOD_ROWS))
    changed = [[*GOOD_ROWS[1][:2], "Sơn Lĩnh mới", *GOOD_ROWS[1][3:]]]
    unit_import_apply(actor=organiser_user, organiser=organiser_body, file=make_xlsx(changed))
    entries = list(AuditEntry.objects.order_by("id"))
    assert {e.action for e in entries} == {
        "unit.import.create",
        "unit.import.update",
        "unit.import",
    }
    assert all(e.action in REGISTRY for e in entries)
    labels = {line.label for line in audit_lines(entries)}
    assert labels == {
        "Thêm đơn vị khi nhập danh sách từ tệp",
        "Cập nhật đơn vị khi nhập danh sách từ tệp",
        "Nhập danh sách đơn vị từ tệp",
    }
    summary = audit_lines([e for e in entries if e.action == "unit.import"][:1])[0]
    assert [(c.field, c.new) for c in summary.changes] == [
        ("Tệp", "—"),  # the name of the uploaded file (none when given as bytes)
        ("Số đơn vị thêm mới", "4"),
        ("Số đơn vị cập nhật", "0"),
        ("Số đơn vị không đổi", "0"),
    ]
