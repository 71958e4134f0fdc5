from __future__ import annotations

import dataclasses
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parindex.accounts.roles import Role
from parindex.accounts.tests.factories import user_with_role
from parindex.units import staging
from parindex.units.models import Unit
from parindex.units.tests.factories import OrganiserFactory, UnitFactory
from parindex.units.tests.xlsxutil import HEADERS, make_xlsx, read_xlsx

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def logged_in(client, user):
    client.force_login(user)
    return client


def upload(data: bytes, name: str = "don-vi.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=XLSX)


# List -----------------------------------------------------------------------------------------


def test_list_shows_units_in_vietnamese_order_with_parent_organiser_validity(
    client, organiser_body, organiser_user
):
    province = UnitFactory(code="tinh", name="UBND tỉnh Hà Tĩnh", kind="tinh", organiser=None)
    UnitFactory(code="d1", name="Xã Đông", organiser=organiser_body, parent=province)
    UnitFactory(code="d2", name="Xã Dương", organiser=organiser_body, valid_to=date(2025, 6, 30))
    response = logged_in(client, organiser_user).get(reverse("units:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Xã Dương") < html.index("Xã Đông")
    assert "UBND tỉnh Hà Tĩnh" in html  # the parent's name
    assert "Sở Nội vụ tỉnh Hà Tĩnh" in html  # the organiser's name
    assert "đến 30/06/2025" in html and "Hết hiệu lực" in html
    assert reverse("units:create") in html and reverse("units:import") in html


def test_list_search_and_filters(client, organiser_body, organiser_user):
    today = timezone.localdate()
    UnitFactory(code="son-linh", name="UBND xã Sơn Lĩnh", kind="xa", organiser=organiser_body)
    UnitFactory(code="p-a", name="UBND phường An", kind="phuong", organiser=organiser_body)
    UnitFactory(
        code="xa-cu",
        name="UBND xã Cũ",
        kind="xa",
        organiser=organiser_body,
        valid_to=today - timedelta(days=1),
    )
    client = logged_in(client, organiser_user)

    def codes(**params):
        html = client.get(reverse("units:list"), params).content.decode()
        return set(re.findall(r'<td><a href="/don-vi/([\w-]+)/">', html))

    assert codes(q="son linh") == {"son-linh"}
    assert codes(loai="phuong") == {"p-a"}
    assert codes(loai="xa", hieu_luc="het-hieu-luc") == {"xa-cu"}
    assert codes(loai="xa", hieu_luc="hien-hanh") == {"son-linh"}
    assert codes(loai="xa", ngay=(today - timedelta(days=2)).strftime("%d/%m/%Y")) == {
        "son-linh",
        "xa-cu",
    }


def test_list_is_paginated(client, organiser_body, organiser_user):
    for i in range(55):
        UnitFactory(code=f"xa-{i:02}", name=f"Xã {i:02}", organiser=organiser_body)
    client = logged_in(client, organiser_user)
    first = client.get(reverse("units:list"), {"q": "xa"})
    assert "Trang 1/2" in first.content.decode()
    second = client.get(reverse("units:list"), {"q": "xa", "trang": 2}).content.decode()
    assert "Xã 54" in second and "Xã 00" not in second


def test_list_page_runs_a_constant_number_of_queries(
    client, organiser_body, organiser_user, django_assert_max_num_queries
):
    province = UnitFactory(code="tinh", kind="tinh", organiser=None)
    client = logged_in(client, organiser_user)
    UnitFactory(code="u0", organiser=organiser_body, parent=province)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("units:list"))
    for i in range(1, 40):
        UnitFactory(code=f"u{i}", organiser=organiser_body, parent=province)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("units:list"))
    assert response.content.decode().count('href="/don-vi/u') == 40


def test_officer_sees_only_own_unit(client, organiser_body):
    own = UnitFactory(code="xa-minh", name="Xã Mình", organiser=organiser_body)
    UnitFactory(code="xa-ban", name="Xã Bạn", organiser=organiser_body)
    officer = user_with_role(Role.OFFICER, own)
    client = logged_in(client, officer)
    html = client.get(reverse("units:list")).content.decode()
    assert "Xã Mình" in html and "Xã Bạn" not in html
    assert reverse("units:create") not in html
    assert client.get(reverse("units:detail", args=["xa-ban"])).status_code == 404
    assert client.get(reverse("units:detail", args=["xa-minh"])).status_code == 200


def test_organiser_sees_its_registry_not_another(client, organiser_body, organiser_user):
    UnitFactory(code="xa-cua-minh", name="Xã Của Mình", organiser=organiser_body)
    UnitFactory(code="xa-nguoi-khac", name="Xã Người Khác", organiser=OrganiserFactory())
    client = logged_in(client, organiser_user)
    html = client.get(reverse("units:list")).content.decode()
    assert "Xã Của Mình" in html and "Xã Người Khác" not in html
    assert client.get(reverse("units:detail", args=["xa-nguoi-khac"])).status_code == 404
    assert client.get(reverse("units:edit", args=["xa-nguoi-khac"])).status_code == 404


def test_list_needs_login(client):
    response = client.get(reverse("units:list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


# Detail ---------------------------------------------------------------------------------------


def test_detail_shows_kind_parent_children_and_merger(client, organiser_body, organiser_user):
    province = UnitFactory(code="tinh", name="UBND tỉnh Hà Tĩnh", kind="tinh", organiser=None)
    new = UnitFactory(
        code="xa-moi",
        name="UBND xã Mới",
        organiser=organiser_body,
        parent=province,
        valid_from=date(2025, 7, 1),
    )
    old = UnitFactory(code="xa-cu", name="UBND xã Cũ", organiser=organiser_body)
    old.successors.add(new)
    UnitFactory(code="thon-1", name="Thôn Một", kind="khac", organiser=organiser_body, parent=new)
    client = logged_in(client, organiser_user)
    html = client.get(reverse("units:detail", args=["xa-moi"])).content.decode()
    assert "Xã" in html
    assert "UBND tỉnh Hà Tĩnh" in html
    # the province is outside the organiser's registry: named, not linked
    assert reverse("units:detail", args=["tinh"]) not in html
    assert "Được hình thành từ" in html and reverse("units:detail", args=["xa-cu"]) in html
    assert "Thôn Một" in html
    assert "từ 01/07/2025" in html
    assert reverse("units:edit", args=["xa-moi"]) in html
    old_html = client.get(reverse("units:detail", args=["xa-cu"])).content.decode()
    assert "Đơn vị kế thừa" in old_html and reverse("units:detail", args=["xa-moi"]) in old_html


def test_detail_has_no_edit_link_for_readers(client, organiser_body):
    UnitFactory(code="xa-a", organiser=organiser_body)
    observer = user_with_role(Role.OBSERVER, organiser_body)
    html = logged_in(client, observer).get(reverse("units:detail", args=["xa-a"])).content.decode()
    assert reverse("units:edit", args=["xa-a"]) not in html


# Create and edit ------------------------------------------------------------------------------


def test_organiser_creates_a_unit_with_vietnamese_dates(client, organiser_body, organiser_user):
    parent = UnitFactory(code="tinh", kind="tinh", organiser=None)
    old = UnitFactory(code="xa-cu", organiser=organiser_body)
    client = logged_in(client, organiser_user)
    assert client.get(reverse("units:create")).status_code == 200
    response = client.post(
        reverse("units:create"),
        {
            "code": "son-linh",
            "name": "UBND xã Sơn Lĩnh",
            "kind": "xa",
            "organiser": "so-noi-vu",
            "parent": "tinh",
            "valid_from": "01/07/2025",
            "successors": "",
        },
    )
    assert response.status_code == 302
    unit = Unit.objects.get(code="son-linh")
    assert (unit.organiser, unit.parent, unit.valid_from) == (
        organiser_body,
        parent,
        date(2025, 7, 1),
    )
    assert not old.successors.exists()


def test_create_form_names_wrong_fields(client, organiser_body, organiser_user):
    client = logged_in(client, organiser_user)
    response = client.post(
        reverse("units:create"),
        {
            "code": "Sơn Lĩnh",
            "name": "UBND xã Sơn Lĩnh",
            "kind": "xa",
            "organiser": "so-noi-vu",
            "parent": "khong-co",
            "valid_from": "31/02/2025",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "chỉ được gồm chữ cái không dấu" in html
    assert "Không tìm thấy đơn vị có mã &#x27;khong-co&#x27;" in html
    assert "Nhập ngày dạng dd/mm/yyyy" in html
    assert not Unit.objects.filter(name="UBND xã Sơn Lĩnh").exists()


def test_create_service_errors_come_back_on_the_form(client, organiser_body, organiser_user):
    UnitFactory(code="son-linh", organiser=organiser_body)
    response = logged_in(client, organiser_user).post(
        reverse("units:create"),
        {"code": "son-linh", "name": "X", "kind": "xa", "organiser": "so-noi-vu"},
    )
    assert response.status_code == 200
    assert "Mã &#x27;son-linh&#x27; đã được dùng" in response.content.decode()


def _edit_data(unit, **changes):
    data = {
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "parent": unit.parent.code if unit.parent else "",
        "valid_from": unit.valid_from.strftime("%d/%m/%Y") if unit.valid_from else "",
        "valid_to": unit.valid_to.strftime("%d/%m/%Y") if unit.valid_to else "",
        "successors": "",
        "address": unit.address,
        "revision": unit.revision,
    }
    data.update(changes)
    return data


def test_edit_saves_and_records_a_merger(client, organiser_body, organiser_user):
    unit = UnitFactory(code="xa-cu", name="UBND xã Cũ", organiser=organiser_body)
    UnitFactory(code="xa-moi", organiser=organiser_body)
    client = logged_in(client, organiser_user)
    page = client.get(reverse("units:edit", args=["xa-cu"])).content.decode()
    assert 'name="revision" value="1"' in page
    response = client.post(
        reverse("units:edit", args=["xa-cu"]),
        _edit_data(unit, valid_to="30/06/2025", successors="xa-moi"),
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.valid_to == date(2025, 6, 30)
    assert [s.code for s in unit.successors.all()] == ["xa-moi"]
    assert unit.revision == 3  # one for the fields, one for the successors


def test_stale_edit_shows_a_conflict_and_saves_nothing(client, organiser_body, organiser_user):
    unit = UnitFactory(code="xa-a", name="UBND xã A", organiser=organiser_body)
    client = logged_in(client, organiser_user)
    stale = _edit_data(unit, address="Thôn 2")
    assert client.post(reverse("units:edit", args=["xa-a"]), _edit_data(unit, name="Xã A mới"))
    response = client.post(reverse("units:edit", args=["xa-a"]), stale)
    assert response.status_code == 409
    assert "vừa được người khác cập nhật" in response.content.decode()
    unit.refresh_from_db()
    assert (unit.name, unit.address) == ("Xã A mới", "")


def test_stale_successor_only_edit_is_a_conflict(client, organiser_body, organiser_user):
    unit = UnitFactory(code="xa-a", organiser=organiser_body)
    UnitFactory(code="xa-moi", organiser=organiser_body)
    Unit.objects.filter(pk=unit.pk).update(revision=2)
    response = logged_in(client, organiser_user).post(
        reverse("units:edit", args=["xa-a"]), _edit_data(unit, successors="xa-moi", revision=1)
    )
    assert response.status_code == 409
    assert not unit.successors.exists()


@pytest.mark.parametrize(
    ("role", "where"),
    [
        (Role.OFFICER, "unit"),
        (Role.HEAD, "unit"),
        (Role.FOCAL, "unit"),
        (Role.OBSERVER, "organiser"),
        (Role.CHAIRMAN, "organiser"),
        (Role.COUNCIL, "organiser"),
    ],
)
def test_only_managers_reach_the_write_pages(client, organiser_body, role, where):
    unit = UnitFactory(code="xa-a", organiser=organiser_body)
    user = user_with_role(role, unit if where == "unit" else organiser_body)
    client = logged_in(client, user)
    assert client.get(reverse("units:create")).status_code == 403
    assert client.post(reverse("units:create"), {"code": "x"}).status_code == 403
    assert client.get(reverse("units:edit", args=["xa-a"])).status_code == 403
    assert client.post(reverse("units:edit", args=["xa-a"]), _edit_data(unit)).status_code == 403
    assert client.get(reverse("units:import")).status_code == 403
    data = make_xlsx([["x", "X", "", "xa"]])
    assert client.post(reverse("units:import"), {"file": upload(data)}).status_code == 403
    assert not Unit.objects.filter(code="x").exists()


def test_admin_reaches_the_write_pages(client, admin_user, organiser_body):
    UnitFactory(code="xa-a", organiser=organiser_body)
    client = logged_in(client, admin_user)
    assert client.get(reverse("units:create")).status_code == 200
    page = client.get(reverse("units:edit", args=["xa-a"])).content.decode()
    assert "Là cơ quan tổ chức đánh giá" in page  # admin-only field
    assert client.get(reverse("units:import")).status_code == 200


# Import, export, template ---------------------------------------------------------------------


def _token(html: str) -> str:
    match = re.search(r'name="token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def _messages(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def _preview(client, rows=None) -> str:
    rows = rows or [["son-linh", "UBND xã Sơn Lĩnh", "", "Xã", "", "01/07/2025"]]
    response = client.post(
        reverse("units:import"), {"organiser": "so-noi-vu", "file": upload(make_xlsx(rows))}
    )
    assert response.status_code == 200
    return response.content.decode()


def test_import_preview_then_confirm(client, organiser_body, organiser_user):
    client = logged_in(client, organiser_user)
    html = _preview(client)
    assert "Thêm mới" in html and "Xác nhận nhập" in html
    assert not Unit.objects.filter(code="son-linh").exists()  # nothing saved before confirming

    response = client.post(reverse("units:import_confirm"), {"token": _token(html)})
    assert response.status_code == 302
    assert Unit.objects.get(code="son-linh").organiser == organiser_body


def test_a_confirmed_ticket_replayed_changes_nothing(client, organiser_body, organiser_user):
    client = logged_in(client, organiser_user)
    html = _preview(client)
    client.post(reverse("units:import_confirm"), {"token": _token(html)})
    Unit.objects.filter(code="son-linh").update(name="Đổi tên sau khi nhập")
    again = client.post(reverse("units:import_confirm"), {"token": _token(html)})
    assert again.status_code == 302 and again["Location"] == reverse("units:import")
    assert "Tệp đã được nhập hoặc đã bị xóa. Hãy tải tệp lên lại." in _messages(again)
    assert Unit.objects.get(code="son-linh").name == "Đổi tên sau khi nhập"


def test_an_expired_preview_is_named(client, organiser_body, organiser_user, monkeypatch):
    client = logged_in(client, organiser_user)
    html = _preview(client)
    monkeypatch.setattr(staging, "STAGE", dataclasses.replace(staging.STAGE, max_age=-1))
    response = client.post(reverse("units:import_confirm"), {"token": _token(html)})
    assert response["Location"] == reverse("units:import")
    assert "Bản xem trước đã quá hạn một giờ. Hãy tải tệp lên lại." in _messages(response)
    assert not Unit.objects.filter(code="son-linh").exists()


def test_import_preview_names_bad_rows_and_offers_no_confirm(
    client, organiser_body, organiser_user
):
    rows = [["a", "Xã A", "", "xa"], ["b", "Xã B", "", "xa2"]]
    client = logged_in(client, organiser_user)
    response = client.post(
        reverse("units:import"), {"organiser": "so-noi-vu", "file": upload(make_xlsx(rows))}
    )
    html = response.content.decode()
    assert "Dòng 3, cột Loại: &#x27;xa2&#x27; không phải loại đơn vị hợp lệ" in html
    assert "Xác nhận nhập" not in html and 'name="token"' not in html
    assert not Unit.objects.filter(code="a").exists()


def test_import_confirm_refuses_a_forged_or_foreign_token(client, organiser_body, organiser_user):
    invalid = "Yêu cầu nhập không hợp lệ. Hãy tải tệp lên lại."
    other = user_with_role(Role.ORGANISER, organiser_body)
    html = _preview(logged_in(client, other))
    client = logged_in(client, organiser_user)
    response = client.post(reverse("units:import_confirm"), {"token": "forged"})
    assert response.status_code == 302 and invalid in _messages(response)
    response = client.post(reverse("units:import_confirm"), {"token": _token(html)})
    assert response.status_code == 302 and invalid in _messages(response)
    assert not Unit.objects.filter(code="son-linh").exists()
    # the one who uploaded it still can confirm it
    client = logged_in(client, other)
    assert client.post(reverse("units:import_confirm"), {"token": _token(html)}).status_code == 302
    assert Unit.objects.filter(code="son-linh").exists()


def test_import_refuses_other_file_types(client, organiser_body, organiser_user):
    response = logged_in(client, organiser_user).post(
        reverse("units:import"), {"organiser": "so-noi-vu", "file": upload(b"a;b", "ds.csv")}
    )
    assert "Chỉ nhận tệp .xlsx" in response.content.decode()


def test_organiser_cannot_import_into_another_registry_by_url(
    client, organiser_body, organiser_user
):
    OrganiserFactory(code="so-khac")
    response = logged_in(client, organiser_user).post(
        reverse("units:import"),
        {"organiser": "so-khac", "file": upload(make_xlsx([["x", "X", "", "xa"]]))},
    )
    assert "Hãy chọn một cơ quan tổ chức đánh giá trong danh sách" in response.content.decode()


def test_the_export_link_keeps_the_filters_but_not_the_page(client, organiser_user):
    client = logged_in(client, organiser_user)
    page = client.get(reverse("units:list"), {"loai": "xa", "trang": "2"}).content.decode()
    assert f'href="{reverse("units:export")}?loai=xa"' in page


def test_export_of_the_filtered_list_is_reimportable(client, organiser_body, organiser_user):
    UnitFactory(code="xa-b", name="Xã Bình", organiser=organiser_body)
    UnitFactory(code="xa-a", name="Xã An", organiser=organiser_body)
    UnitFactory(code="p-c", name="Phường Cầu", kind="phuong", organiser=organiser_body)
    UnitFactory(code="xa-khac", name="Xã Khác", organiser=OrganiserFactory())
    client = logged_in(client, organiser_user)
    response = client.get(reverse("units:export"), {"loai": "xa"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    rows = read_xlsx(response.content)
    assert rows[0] == HEADERS
    assert [r[1] for r in rows[1:]] == ["Xã An", "Xã Bình"]

    whole = client.get(reverse("units:export")).content
    preview = client.post(
        reverse("units:import"), {"organiser": "so-noi-vu", "file": upload(whole)}
    ).content.decode()
    assert "Xác nhận nhập" in preview and "Thêm mới" not in preview


def test_template_download(client, organiser_user):
    response = logged_in(client, organiser_user).get(reverse("units:template"))
    assert response.status_code == 200
    assert 'filename="mau-nhap-don-vi.xlsx"' in response["Content-Disposition"]
    assert read_xlsx(response.content) == [HEADERS]


# API ------------------------------------------------------------------------------------------


def test_api_lists_visible_units(client, organiser_body, organiser_user):
    a = UnitFactory(code="xa-a", name="UBND xã Sơn Lĩnh", organiser=organiser_body)
    b = UnitFactory(code="xa-b", organiser=organiser_body, valid_from=date(2025, 7, 1))
    a.successors.add(b)
    UnitFactory(code="xa-khac", organiser=OrganiserFactory())
    client = logged_in(client, organiser_user)
    body = client.get(reverse("units:api_list")).json()
    assert [u["code"] for u in body["results"]] == ["so-noi-vu", "xa-a", "xa-b"]
    first = body["results"][1]
    assert first["successors"] == ["xa-b"]
    assert first["organiser"] == "so-noi-vu"
    assert first["kind_label"] == "Xã"
    assert body["results"][2]["valid_from"] == "2025-07-01"
    assert [
        u["code"]
        for u in client.get(reverse("units:api_list"), {"q": "son linh"}).json()["results"]
    ] == ["xa-a"]


def test_api_needs_login(client):
    assert client.get(reverse("units:api_list")).status_code == 403


def test_an_unreadable_filter_date_is_named_and_other_filters_still_apply(
    client, organiser_body, organiser_user
):
    UnitFactory(code="p-a", name="UBND phường An", kind="phuong", organiser=organiser_body)
    UnitFactory(code="xa-b", name="UBND xã Bình", kind="xa", organiser=organiser_body)
    html = (
        logged_in(client, organiser_user)
        .get(reverse("units:list"), {"loai": "phuong", "ngay": "31/02/2025"})
        .content.decode()
    )
    assert "Nhập ngày dạng dd/mm/yyyy" in html
    assert "UBND phường An" in html and "UBND xã Bình" not in html
