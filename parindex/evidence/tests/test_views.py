"""Pages: the library, uploading and confirming, a document, the panel, the overview."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from parindex.evidence.models import EvidenceDocument, EvidenceLink
from parindex.evidence.services import evidence_attach

from . import files as f
from .conftest import stored_files
from .world import add_document

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def logged_in(world, role="head"):
    client = Client()
    client.force_login(world.users[role])
    return client


def library_url(world):
    return reverse("evidence:library", kwargs={"unit_code": world.commune.code})


def panel_url(assessment, code, name="evidence:node_panel"):
    return reverse(name, kwargs={"assessment_id": assessment.pk, "code": code})


def test_menu_has_the_library(world):
    response = logged_in(world, "officer").get(reverse("web:home"))
    assert "Tài liệu kiểm chứng" in response.content.decode()


def test_home_goes_straight_to_the_only_library(world):
    response = logged_in(world).get(reverse("evidence:home"))
    assert response.status_code == 302 and response["Location"] == library_url(world)


def test_home_lists_libraries_for_the_organiser(world):
    html = logged_in(world, "organiser").get(reverse("evidence:home")).content.decode()
    assert "UBND xã Sơn Lĩnh" in html and "UBND xã Sơn Thủy" in html


def test_library_search_without_diacritics_and_filters(world):
    assessment = world.assessment()
    plan = add_document(world, number="12/KH-UBND", title="Kế hoạch cải cách hành chính")
    old = add_document(
        world, number="7/QĐ-UBND", title="Quyết định kiện toàn", issued_on=date(2023, 4, 1)
    )
    evidence_attach(
        actor=world.users["head"], assessment=assessment, node_code="1.1", document=plan
    )
    client = logged_in(world)

    def shown(**params):
        html = client.get(library_url(world), params).content.decode()
        return [d.pk for d in (plan, old) if f'data-document="{d.pk}"' in html]

    assert shown() == [plan.pk, old.pk]
    assert shown(q="ke hoach cai cach") == [plan.pk]
    assert shown(q="qd-ubnd") == [old.pk]
    assert shown(q="kien toan") == [old.pk]
    assert shown(nam="2023") == [old.pk]
    assert shown(**{"su-dung": "yes"}) == [plan.pk]
    assert shown(**{"su-dung": "no"}) == [old.pk]
    assert shown(loai="png") == []
    html = client.get(library_url(world)).content.decode()
    assert "tiêu chí 1.1" in html  # where the document is used


def test_upload_several_files_then_confirm(world, media):
    client = logged_in(world, "focal")
    response = client.post(
        reverse("evidence:upload", kwargs={"unit_code": world.commune.code}),
        {
            "files": [
                f.upload(f.plan_pdf(), "ke-hoach.pdf"),
                f.upload(f.html_page(), "trang.pdf"),
                f.upload(f.scan_pdf(), "ban-quet.pdf"),
            ]
        },
    )
    assert response.status_code == 302
    assert EvidenceDocument.objects.count() == 2 and len(stored_files(media)) == 2
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "trang web (HTML)" in html and "«trang.pdf»" in html  # the refused one says why
    assert 'value="12/KH-UBND"' in html  # read from the text PDF
    assert "hãy nhập tay" in html  # the scan
    scan = EvidenceDocument.objects.get(original_name="ban-quet.pdf")
    plan = EvidenceDocument.objects.get(original_name="ke-hoach.pdf")
    data = {"ids": f"{plan.pk},{scan.pk}"}
    for doc, number, day in ((plan, "12/KH-UBND", "15/01/2025"), (scan, "3/bc-ubnd", "2/3/2025")):
        data.update(
            {
                f"d{doc.pk}-number_symbol": number,
                f"d{doc.pk}-issued_on": day,
                f"d{doc.pk}-issuer": "UBND xã Sơn Lĩnh",
                f"d{doc.pk}-title": "Tài liệu",
                f"d{doc.pk}-revision": doc.revision,
            }
        )
    saved = client.post(response["Location"].split("?")[0], data)
    assert saved.status_code == 302
    scan.refresh_from_db()
    assert scan.number_symbol == "3/BC-UBND" and scan.issued_on == date(2025, 3, 2)
    assert scan.is_confirmed


def test_confirm_shows_date_errors(world):
    document = add_document(world)
    client = logged_in(world)
    url = reverse("evidence:confirm", kwargs={"unit_code": world.commune.code})
    response = client.post(
        url,
        {
            "ids": str(document.pk),
            f"d{document.pk}-number_symbol": "1/KH-UBND",
            f"d{document.pk}-issued_on": "32/13/2025",
            f"d{document.pk}-revision": document.revision,
        },
    )
    assert response.status_code == 200
    assert "Ngày không hợp lệ" in response.content.decode()


def test_path_in_a_posted_file_name_never_reaches_storage(world, media):
    """A crafted request may send "../../etc/passwd.pdf": Django keeps only the base name, the
    service refuses anything still holding a path, and the stored name is generated anyway."""
    boundary = "BoUnDaRy"
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="files"; filename="../../etc/passwd.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + f.plan_pdf()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = logged_in(world).generic(
        "POST",
        reverse("evidence:upload", kwargs={"unit_code": world.commune.code}),
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 302
    [stored] = stored_files(media)
    assert stored.is_relative_to(media / "evidence") and "passwd" not in str(stored)
    assert EvidenceDocument.objects.get().original_name == "passwd.pdf"
    assert not (media.parent / "etc").exists()


def test_library_queries_do_not_grow_with_documents(world, django_assert_max_num_queries):
    assessment = world.assessment()
    for _ in range(6):
        document = add_document(world)
        evidence_attach(
            actor=world.users["head"], assessment=assessment, node_code="1.1", document=document
        )
    client = logged_in(world)
    client.get(library_url(world))  # warm the per-process caches
    with django_assert_max_num_queries(14):
        client.get(library_url(world))


def test_upload_page_refused_to_other_units(world, media):
    response = logged_in(world, "other_head").post(
        reverse("evidence:upload", kwargs={"unit_code": world.commune.code}),
        {"files": f.upload(f.plan_pdf(), "a.pdf")},
    )
    assert response.status_code == 404
    assert stored_files(media) == []


def test_preview_headers(world):
    document = add_document(world)
    response = logged_in(world).get(reverse("evidence:preview", args=[document.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_download_is_an_attachment_with_the_safe_name(world):
    document = add_document(world, name="Kế hoạch CCHC.pdf")
    response = logged_in(world, "council").get(reverse("evidence:download", args=[document.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert (
        "filename*=utf-8''K%E1%BA%BF%20ho%E1%BA%A1ch%20CCHC.pdf" in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"


def test_renamed_image_is_served_as_an_image(world):
    document = add_document(world, data=f.image_bytes("PNG"), name="anh.pdf")
    response = logged_in(world).get(reverse("evidence:preview", args=[document.pk]))
    assert response["Content-Type"] == "image/png"


def test_heic_preview_is_a_jpeg(world):
    document = add_document(world, data=f.heic_bytes(), name="IMG_0001.heic")
    response = logged_in(world).get(reverse("evidence:preview", args=[document.pk]))
    assert response["Content-Type"] == "image/jpeg" and response.content.startswith(b"\xff\xd8")


def test_word_file_shows_its_text(world):
    document = add_document(world, data=f.report_docx(), name="bao-cao.docx")
    client = logged_in(world, "organiser")
    html = client.get(reverse("evidence:detail", args=[document.pk])).content.decode()
    assert "Kết quả thực hiện công tác cải cách hành chính năm 2025" in html
    preview = client.get(reverse("evidence:preview", args=[document.pk]))
    assert preview["Content-Type"] == "text/plain; charset=utf-8"
    assert "SỞ NỘI VỤ" in preview.content.decode()


def test_detail_pages_embed_pdfs_and_images(world):
    pdf = add_document(world)
    png = add_document(world, data=f.image_bytes("PNG"), name="anh.png")
    client = logged_in(world)
    assert "<iframe" in client.get(reverse("evidence:detail", args=[pdf.pk])).content.decode()
    assert "<img" in client.get(reverse("evidence:detail", args=[png.pk])).content.decode()


def test_detail_edit(world):
    document = add_document(world)
    client = logged_in(world, "focal")
    response = client.post(
        reverse("evidence:detail", args=[document.pk]),
        {
            "number_symbol": "99/KH-UBND",
            "issued_on": "ngày 2 tháng 2 năm 2025",
            "issuer": "UBND xã Sơn Lĩnh",
            "title": "Kế hoạch sửa",
            "revision": document.revision,
        },
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.number_symbol, document.issued_on) == ("99/KH-UBND", date(2025, 2, 2))


def test_detail_edit_refused_to_readers(world):
    document = add_document(world)
    response = logged_in(world, "organiser").post(
        reverse("evidence:detail", args=[document.pk]), {"revision": document.revision}
    )
    assert response.status_code == 403


def test_delete_view(world):
    document = add_document(world)
    response = logged_in(world).post(reverse("evidence:delete", args=[document.pk]))
    assert response.status_code == 302 and not EvidenceDocument.objects.exists()


def test_panel_attach_search_detach_with_htmx(world):
    assessment = world.assessment()
    plan = add_document(world, number="12/KH-UBND", title="Kế hoạch cải cách hành chính")
    other = add_document(world, number="5/TB-UBND", title="Thông báo lịch tiếp dân")
    client = logged_in(world)
    panel = client.get(panel_url(assessment, "1.1"), headers=HTMX).content.decode()
    assert "Bắt buộc có tài liệu kiểm chứng" in panel
    assert "Kế hoạch CCHC năm (số, ký hiệu, ngày ban hành)" in panel
    assert "<html" not in panel  # a fragment

    found = client.get(panel_url(assessment, "1.1", "evidence:node_search"), {"q": "thong bao"})
    html = found.content.decode()
    assert f'data-candidate="{other.pk}"' in html and f'data-candidate="{plan.pk}"' not in html

    attached = client.post(
        panel_url(assessment, "1.1", "evidence:node_attach"), {"document": plan.pk}, headers=HTMX
    )
    assert attached["HX-Trigger"] == "evidence-changed"
    assert "Đã gắn «12/KH-UBND" in attached.content.decode()
    assert EvidenceLink.objects.filter(node_code="1.1", document=plan).exists()

    detached = client.post(
        panel_url(assessment, "1.1", "evidence:node_detach"), {"document": plan.pk}, headers=HTMX
    )
    assert detached["HX-Trigger"] == "evidence-changed"
    assert not EvidenceLink.objects.exists()


def test_panel_upload_attaches_and_refusals_show_in_the_panel(world, media):
    assessment = world.assessment()
    client = logged_in(world, "focal")
    response = client.post(
        panel_url(assessment, "1.2", "evidence:node_upload"),
        {"files": [f.upload(f.plan_pdf(), "bao-cao.pdf"), f.upload(f.windows_exe(), "x.pdf")]},
        headers=HTMX,
    )
    html = response.content.decode()
    assert response["HX-Trigger"] == "evidence-changed"
    assert "tệp thực thi" in html and "Đã tải lên và gắn" in html
    assert EvidenceLink.objects.get().node_code == "1.2"
    assert len(stored_files(media)) == 1


def test_panel_without_htmx_is_a_page_and_posts_redirect(world):
    assessment = world.assessment()
    document = add_document(world)
    client = logged_in(world)
    page = client.get(panel_url(assessment, "1.1")).content.decode()
    assert "<html" in page and "Kế hoạch CCHC năm" in page
    response = client.post(
        panel_url(assessment, "1.1", "evidence:node_attach"), {"document": document.pk}
    )
    assert response.status_code == 302 and response["Location"] == panel_url(assessment, "1.1")


def test_panel_refuses_a_document_of_another_unit(world):
    assessment = world.assessment()
    foreign = add_document(world, unit=world.commune2)
    response = logged_in(world).post(
        panel_url(assessment, "1.1", "evidence:node_attach"), {"document": foreign.pk}, headers=HTMX
    )
    assert response.status_code == 404


def test_panel_for_a_parent_node_is_not_found(world):
    assessment = world.assessment()
    assert logged_in(world).get(panel_url(assessment, "1"), headers=HTMX).status_code == 404


def test_overview_shows_completeness_and_checks(world):
    assessment = world.assessment()
    client = logged_in(world, "organiser")
    url = reverse("evidence:overview", kwargs={"assessment_id": assessment.pk})
    html = client.get(url).content.decode()
    assert 'data-percent="0"' in html and "Chưa gửi được: 3 vấn đề" in html
    evidence_attach(
        actor=world.users["head"],
        assessment=assessment,
        node_code="1.1",
        document=add_document(world),
    )
    summary = client.get(
        reverse("evidence:overview_summary", kwargs={"assessment_id": assessment.pk}), headers=HTMX
    ).content.decode()
    assert 'data-percent="25"' in summary and "Chưa gửi được: 2 vấn đề" in summary


def test_overview_hidden_from_other_units(world):
    assessment = world.assessment()
    url = reverse("evidence:overview", kwargs={"assessment_id": assessment.pk})
    assert logged_in(world, "other_head").get(url).status_code == 404
    assert logged_in(world, "other_organiser").get(url).status_code == 404


def test_panel_shows_warnings_about_its_documents(world):
    assessment = world.assessment()
    old = add_document(world, issued_on=date(2024, 12, 1))
    for code in ("1.1", "1.3"):
        evidence_attach(
            actor=world.users["head"], assessment=assessment, node_code=code, document=old
        )
    html = logged_in(world).get(panel_url(assessment, "1.3"), headers=HTMX).content.decode()
    assert "ngoài kỳ đánh giá" in html and "01/12/2024" in html


def test_panel_queries_do_not_grow_with_documents(world, django_assert_max_num_queries):
    assessment = world.assessment()
    for _ in range(6):
        document = add_document(world)
        evidence_attach(
            actor=world.users["head"], assessment=assessment, node_code="1.1", document=document
        )
        add_document(world)
    client = logged_in(world)
    client.get(panel_url(assessment, "1.1"), headers=HTMX)
    with django_assert_max_num_queries(13):
        client.get(panel_url(assessment, "1.1"), headers=HTMX)
