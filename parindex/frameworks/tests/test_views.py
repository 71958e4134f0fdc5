"""The pages: upload with problems or preview then confirmation, tree browser and search,
editing, cloning, deleting, downloads; query counts that do not grow with the tree."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from io import BytesIO
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from parindex.frameworks import staging
from parindex.frameworks.examples import COMMUNES_QUESTIONNAIRES, COMMUNES_SET, DEPARTMENTS_SET
from parindex.frameworks.models import CriterionNode, FrameworkVersion
from parindex.frameworks.services import framework_freeze, framework_import
from parindex.web.templatetags.vn import vn_date

from .conftest import Province
from .helpers import department_doc, find, node_row, set_cell, xlsx_bytes, xlsx_file, yaml_bytes


@pytest.fixture
def organiser_client(province: Province) -> Client:
    client = Client()
    client.force_login(province["organiser"])
    return client


def _upload(client: Client, name: str, content: bytes, **extra: Any) -> Any:
    data: dict[str, Any] = {"file": xlsx_file(content, name)}
    data.update(extra)
    return client.post("/bo-tieu-chi/tai-len/", data)


INVALID = "Yêu cầu không hợp lệ. Hãy tải tệp lên lại."


def _ticket(html: str) -> str:
    return html.split('name="ticket" value="', 1)[1].split('"', 1)[0]


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def test_upload_with_a_bad_row_lists_it_and_saves_nothing(
    organiser_client: Client, province: Province
) -> None:
    content = xlsx_bytes(department_doc(), set_cell("1.4.1", "Điểm tối đa", "hai"))
    response = _upload(organiser_client, "so.xlsx", content, organiser=province.org.pk)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Tệp có 1 lỗi — chưa lưu gì" in html
    row = node_row(openpyxl.load_workbook(BytesIO(content)), "1.4.1")
    assert row == 9
    assert f"trang tính Tiêu chí, dòng {row}, cột Điểm tối đa" in html
    assert "1.4.1" in html
    assert 'name="ticket"' not in html
    assert FrameworkVersion.objects.count() == 0


def test_upload_preview_then_confirm(organiser_client: Client, province: Province) -> None:
    response = _upload(
        organiser_client,
        COMMUNES_SET.name,
        COMMUNES_SET.read_bytes(),
        organiser=province.org.pk,
        questionnaires=[xlsx_file(COMMUNES_QUESTIONNAIRES[0].read_bytes(), "lanh-dao.yaml")],
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tệp hợp lệ — xem trước" in html
    assert "63 (trong đó 45 tiêu chí được chấm điểm)" in html
    assert "vd-xa-2025, bản 1 (dự thảo)" in html
    assert "SHA-256" not in html  # the preview names the set by code and number, no hash
    assert FrameworkVersion.objects.count() == 0  # nothing saved before confirmation
    confirmed = organiser_client.post("/bo-tieu-chi/tai-len/xac-nhan/", {"ticket": _ticket(html)})
    version = FrameworkVersion.objects.get()
    assert confirmed.status_code == 302
    assert confirmed["Location"] == f"/bo-tieu-chi/{version.pk}/"
    assert version.questionnaires_sha256 and version.warnings == []
    # the ticket is used up: replayed, it changes nothing
    FrameworkVersion.objects.filter(pk=version.pk).update(name="Đổi tên sau khi lưu")
    again = organiser_client.post("/bo-tieu-chi/tai-len/xac-nhan/", {"ticket": _ticket(html)})
    assert again.status_code == 302 and FrameworkVersion.objects.count() == 1
    assert "Tệp đã được lưu hoặc đã bị xóa. Hãy tải tệp lên lại." in _messages(again)
    assert FrameworkVersion.objects.get().name == "Đổi tên sau khi lưu"


def test_upload_warnings_are_shown_and_kept(organiser_client: Client, province: Province) -> None:
    response = _upload(
        organiser_client, COMMUNES_SET.name, COMMUNES_SET.read_bytes(), organiser=province.org.pk
    )
    html = response.content.decode()
    assert "Cảnh báo khi kiểm tra" in html and "8.1.1" in html
    organiser_client.post("/bo-tieu-chi/tai-len/xac-nhan/", {"ticket": _ticket(html)})
    assert len(FrameworkVersion.objects.get().warnings) == 2


def test_ticket_of_another_user_is_refused(organiser_client: Client, province: Province) -> None:
    html = _upload(
        organiser_client, "so.yaml", DEPARTMENTS_SET.read_bytes(), organiser=province.org.pk
    ).content.decode()
    admin = Client()
    admin.force_login(province["admin"])
    replayed = admin.post("/bo-tieu-chi/tai-len/xac-nhan/", {"ticket": _ticket(html)})
    assert replayed.status_code == 302 and INVALID in _messages(replayed)
    forged = organiser_client.post("/bo-tieu-chi/tai-len/xac-nhan/", {"ticket": "x"})
    assert forged.status_code == 302 and INVALID in _messages(forged)
    assert FrameworkVersion.objects.count() == 0
    # the one who uploaded it still can confirm it
    organiser_client.post("/bo-tieu-chi/tai-len/xac-nhan/", {"ticket": _ticket(html)})
    assert FrameworkVersion.objects.count() == 1


def test_an_expired_preview_is_named(
    organiser_client: Client, province: Province, monkeypatch: pytest.MonkeyPatch
) -> None:
    html = _upload(
        organiser_client, "so.yaml", DEPARTMENTS_SET.read_bytes(), organiser=province.org.pk
    ).content.decode()
    monkeypatch.setattr(staging, "STAGE", dataclasses.replace(staging.STAGE, max_age=-1))
    response = organiser_client.post("/bo-tieu-chi/tai-len/xac-nhan/", {"ticket": _ticket(html)})
    assert response["Location"] == "/bo-tieu-chi/tai-len/"
    assert "Bản xem trước đã quá hạn một giờ. Hãy tải tệp lên lại." in _messages(response)
    assert FrameworkVersion.objects.count() == 0


def test_organiser_cannot_upload_for_another_body(
    organiser_client: Client, province: Province
) -> None:
    response = _upload(
        organiser_client, "so.yaml", DEPARTMENTS_SET.read_bytes(), organiser=province.other_org.pk
    )
    assert response.status_code == 200  # the form refuses the choice
    assert '<ul class="errors">' in response.content.decode()
    assert FrameworkVersion.objects.count() == 0


def test_reimport_through_the_pages(
    organiser_client: Client, department_set: FrameworkVersion
) -> None:
    doc = department_doc()
    find(doc, "2.4")["name"] = "Đánh giá chất lượng văn bản QPPL"
    response = organiser_client.post(
        f"/bo-tieu-chi/{department_set.pk}/nhap-lai/",
        {"file": xlsx_file(xlsx_bytes(doc), "so-moi.xlsx")},
    )
    html = response.content.decode()
    assert "Xác nhận thay nội dung dự thảo" in html
    assert "1 thay đổi so với nội dung hiện tại của dự thảo" in html
    assert "Đánh giá chất lượng văn bản QPPL" in html and "Đổi tên" in html
    done = organiser_client.post("/bo-tieu-chi/tai-len/xac-nhan/", {"ticket": _ticket(html)})
    assert done["Location"] == f"/bo-tieu-chi/{department_set.pk}/"
    assert CriterionNode.objects.get(framework=department_set, code="2.4").name == (
        "Đánh giá chất lượng văn bản QPPL"
    )
    assert FrameworkVersion.objects.count() == 1


def test_reimport_refuses_another_set(
    organiser_client: Client, department_set: FrameworkVersion
) -> None:
    response = organiser_client.post(
        f"/bo-tieu-chi/{department_set.pk}/nhap-lai/",
        {"file": xlsx_file(COMMUNES_SET.read_bytes(), "xa.yaml")},
    )
    html = response.content.decode()
    assert "khác mã của dự thảo" in html and 'name="ticket"' not in html


def test_tree_page(organiser_client: Client, department_set: FrameworkVersion) -> None:
    html = organiser_client.get(f"/bo-tieu-chi/{department_set.pk}/").content.decode()
    assert department_set.sha256 not in html and department_set.sha256[:8] not in html
    assert "SHA-256" not in html
    # rules in words: input labels, decimal commas, never the engine's names
    assert "Nếu Số nhiệm vụ đã hoàn thành ≥ 0,9 × Số nhiệm vụ theo kế hoạch" in html
    assert "Kiểm tra: Số nhiệm vụ đã hoàn thành ≤ Số nhiệm vụ theo kế hoạch" in html
    assert "max_points" not in html and "done ≥" not in html and 'date("' not in html
    assert "Hình thức tuyên truyền CCHC" in html
    assert ">1,5<" in html  # 1.4.2's max with a decimal comma
    assert "cộng dồn tối đa" in html and "Điểm thưởng" in html and "Điểm trừ" in html
    assert "chỉ áp dụng: Sở, ban, ngành" in html
    assert "có thể không áp dụng" in html
    assert "Kế hoạch CCHC năm (số, ký hiệu, ngày ban hành)" in html  # evidence hint
    assert "Văn phòng Sở" in html  # owner hint, inherited
    assert "Hướng dẫn chấm:" in html
    assert f'href="/bo-tieu-chi/{department_set.pk}/tieu-chi/1.4.1/sua/"' in html


@pytest.mark.parametrize(
    ("query", "matched", "context"),
    [
        ("tuyen truyen", {"1.4", "1.4.1", "1.4.2"}, {"1"}),
        ("TUYÊN TRUYỀN", {"1.4", "1.4.1", "1.4.2"}, {"1"}),
        ("5.4", {"5.4", "5.4.1", "5.4.2"}, {"5"}),
        ("ky luat", {"5.4", "5.4.1", "5.4.2"}, {"5"}),
        ("dien tu", {"7", "7.1", "7.2"}, set()),
        ("khong co gi nhu the", set(), set()),
    ],
)
def test_search_without_diacritics_keeps_ancestors(
    organiser_client: Client,
    department_set: FrameworkVersion,
    query: str,
    matched: set[str],
    context: set[str],
) -> None:
    html = organiser_client.get(f"/bo-tieu-chi/{department_set.pk}/", {"q": query}).content.decode()
    rows = {
        part.split('"', 1)[0]: part.split('class="', 1)[1].split('"', 1)[0]
        for part in html.split('<tr id="tc-')[1:]
    }
    assert {code for code, cls in rows.items() if "match" in cls} == matched
    assert {code for code, cls in rows.items() if "context" in cls} >= context
    assert f"{len(matched)} tiêu chí khớp" in html


def test_node_edit_page(organiser_client: Client, department_set: FrameworkVersion) -> None:
    url = f"/bo-tieu-chi/{department_set.pk}/tieu-chi/1.4.2/sua/"
    form = organiser_client.get(url).content.decode()
    assert 'value="1,5"' in form
    saved = organiser_client.post(
        url,
        {
            "name": "Đa dạng hình thức tuyên truyền",
            "max": "1,25",
            "evidence": "required",
            "evidence_hint": "Ảnh, tài liệu",
            "guidance": "",
            "owner_hint": "",
            "revision": department_set.revision,
        },
    )
    assert saved.status_code == 302 and saved["Location"].endswith("#tc-1.4.2")
    row = CriterionNode.objects.get(framework=department_set, code="1.4.2")
    assert (row.name, row.max_points, row.evidence) == (
        "Đa dạng hình thức tuyên truyền",
        Decimal("1.25"),
        "required",
    )


def test_node_edit_shows_engine_problems(
    organiser_client: Client, department_set: FrameworkVersion
) -> None:
    url = f"/bo-tieu-chi/{department_set.pk}/tieu-chi/1.1.1/sua/"
    response = organiser_client.post(
        url,
        {
            "name": "Kế hoạch",
            "max": "3",
            "evidence": "",
            "evidence_hint": "",
            "guidance": "",
            "owner_hint": "",
            "revision": department_set.revision,
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "tổng điểm tối đa của các tiêu chí con" in html and "1.1" in html


def test_node_edit_conflict(organiser_client: Client, department_set: FrameworkVersion) -> None:
    url = f"/bo-tieu-chi/{department_set.pk}/tieu-chi/1/sua/"
    response = organiser_client.post(
        url,
        {"name": "X", "max": "14", "revision": department_set.revision + 1},
    )
    assert response.status_code == 409


def test_clone_and_delete_pages(
    organiser_client: Client, province: Province, department_set: FrameworkVersion
) -> None:
    department_set = framework_freeze(version=department_set, actor=province["organiser"])
    form = organiser_client.get(f"/bo-tieu-chi/{department_set.pk}/sao-chep/").content.decode()
    assert 'value="vd-so-2026"' in form and 'value="2026"' in form
    made = organiser_client.post(
        f"/bo-tieu-chi/{department_set.pk}/sao-chep/", {"new_code": "vd-so-2026", "year": "2026"}
    )
    clone = FrameworkVersion.objects.get(code="vd-so-2026")
    assert made["Location"] == f"/bo-tieu-chi/{clone.pk}/"
    assert clone.derived_from_id == department_set.pk
    listing = organiser_client.get("/bo-tieu-chi/").content.decode()
    assert "vd-so-2025 · bản 1" in listing  # derived from
    assert clone.sha256[:8] not in listing and "SHA-256" not in listing
    assert "Khóa lúc" in listing and vn_date(department_set.frozen_at) in listing
    refused = organiser_client.post(f"/bo-tieu-chi/{department_set.pk}/xoa/")
    assert refused["Location"] == f"/bo-tieu-chi/{department_set.pk}/"
    assert FrameworkVersion.objects.filter(pk=department_set.pk).exists()
    deleted = organiser_client.post(f"/bo-tieu-chi/{clone.pk}/xoa/")
    assert deleted["Location"] == "/bo-tieu-chi/"
    assert not FrameworkVersion.objects.filter(pk=clone.pk).exists()


def test_downloads(organiser_client: Client, department_set: FrameworkVersion) -> None:
    yaml_response = organiser_client.get(f"/bo-tieu-chi/{department_set.pk}/yaml/")
    assert yaml_response["Content-Disposition"] == 'attachment; filename="vd-so-2025-ban-1.yaml"'
    assert yaml_response.content.decode() == department_set.canonical_yaml
    xlsx_response = organiser_client.get(f"/bo-tieu-chi/{department_set.pk}/xlsx/")
    wb = openpyxl.load_workbook(BytesIO(xlsx_response.content))
    assert {"Thông tin chung", "Tiêu chí", "Xếp loại", "Phiếu dtxhh-so"} <= set(wb.sheetnames)
    assert (
        organiser_client.get(f"/bo-tieu-chi/{department_set.pk}/phieu/dtxhh-so/").status_code == 404
    )


def _sized_set(province: Province, code: str, fields: int, leaves: int) -> FrameworkVersion:
    nodes = [
        {
            "code": str(f + 1),
            "name": f"Lĩnh vực {f + 1}",
            "max": Decimal(leaves),
            "children": [
                {
                    "code": f"{f + 1}.{i + 1}",
                    "name": f"Tiêu chí {f + 1}.{i + 1}",
                    "max": Decimal(1),
                    "rule": {"yes_no": "Đạt"},
                }
                for i in range(leaves)
            ],
        }
        for f in range(fields)
    ]
    doc = {"format": "parindex-framework/1", "code": code, "name": code, "nodes": nodes}
    return framework_import(
        actor=province["organiser"],
        organiser=province.org,
        filename=f"{code}.yaml",
        content=yaml_bytes(doc),
    )


def _queries(client: Client, url: str) -> int:
    client.get(url)  # warm the per-process caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("suffix", ["", "?q=tieu chi 1"])
def test_tree_page_queries_do_not_grow(
    organiser_client: Client, province: Province, suffix: str
) -> None:
    small = _sized_set(province, "nho", 1, 2)
    large = _sized_set(province, "lon", 12, 15)
    small_count = _queries(organiser_client, f"/bo-tieu-chi/{small.pk}/{suffix}")
    large_count = _queries(organiser_client, f"/bo-tieu-chi/{large.pk}/{suffix}")
    assert small_count == large_count
    assert large_count <= 12  # session, user, roles, version, nodes, comments, questionnaires


def test_list_and_comment_pages_queries_do_not_grow(
    organiser_client: Client, province: Province
) -> None:
    first = _sized_set(province, "mot", 1, 2)
    one = _queries(organiser_client, "/bo-tieu-chi/")
    comments_one = _queries(organiser_client, f"/bo-tieu-chi/{first.pk}/y-kien/")
    for index in range(4):
        _sized_set(province, f"them-{index}", 3, 4)
    last = _sized_set(province, "cuoi", 6, 6)
    assert _queries(organiser_client, "/bo-tieu-chi/") == one
    assert _queries(organiser_client, f"/bo-tieu-chi/{last.pk}/y-kien/") == comments_one


def test_detail_of_commune_set_mentions_questionnaire(
    organiser_client: Client, commune_set: FrameworkVersion
) -> None:
    html = organiser_client.get(f"/bo-tieu-chi/{commune_set.pk}/").content.decode()
    assert "lanh-dao: Phiếu điều tra xã hội học" in html
    assert f"/bo-tieu-chi/{commune_set.pk}/phieu/lanh-dao/" in html
    assert "C4: Năng lực chuyên môn của cán bộ, công chức xã" in html


def test_detail_shows_comment_counts_only_to_the_organising_body(
    province: Province, commune_set: FrameworkVersion
) -> None:
    client = Client()
    client.force_login(province["chairman"])
    html = client.get(f"/bo-tieu-chi/{commune_set.pk}/").content.decode()
    assert "Ý kiến góp ý (0)" in html
    assert "Sửa</a>" not in html and "Nhập lại từ tệp" not in html


def test_unknown_version_is_404(organiser_client: Client, db: Any) -> None:
    assert organiser_client.get("/bo-tieu-chi/999999/").status_code == 404
