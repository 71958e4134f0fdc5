"""Uploads: every refusal says why in Vietnamese, names the file and stores nothing; every
accepted type is recognised by its content; exact duplicates are found."""

from __future__ import annotations

import io

import pytest

from parindex.core.models import AuditEntry
from parindex.evidence.models import DocumentKind, EvidenceDocument
from parindex.evidence.services import evidence_upload
from parindex.evidence.validation import UploadRefused

from . import files as f
from .conftest import stored_files

pytestmark = pytest.mark.django_db


def refused(world, media, data: bytes, name: str) -> str:
    with pytest.raises(UploadRefused) as caught:
        evidence_upload(
            actor=world.users["head"],
            unit=world.commune,
            upload=f.upload(data, "tep-tai-len"),
            name=name,
        )
    assert EvidenceDocument.objects.count() == 0
    assert stored_files(media) == []
    assert not AuditEntry.objects.filter(action="evidence.upload").exists()
    return caught.value.messages[0]


def test_renamed_windows_executable_refused(world, media):
    message = refused(world, media, f.windows_exe(), "ke-hoach.pdf")
    assert "«ke-hoach.pdf»" in message and "chương trình chạy được" in message


def test_linux_executable_refused(world, media):
    assert "tệp thực thi" in refused(world, media, f.linux_elf(), "bao-cao.pdf")


def test_html_named_pdf_refused(world, media):
    message = refused(world, media, f.html_page(), "quyet-dinh.pdf")
    assert "«quyet-dinh.pdf»" in message and "trang web (HTML)" in message


def test_svg_refused(world, media):
    message = refused(world, media, f.svg_image(), "so-do.svg")
    assert "SVG" in message and "«so-do.svg»" in message


def test_svg_named_png_refused(world, media):
    assert "SVG" in refused(world, media, f.svg_image(), "anh.png")


def test_plain_text_refused(world, media):
    message = refused(world, media, "Kế hoạch năm 2025".encode(), "ke-hoach.pdf")
    assert "không phải loại tài liệu được nhận" in message and "Chỉ nhận: PDF" in message


def test_oversized_file_refused(world, media, settings):
    settings.MAX_UPLOAD_MB = 1
    data = f.plan_pdf() + b"%" + b"0" * (1024 * 1024)
    message = refused(world, media, data, "ke-hoach-lon.pdf")
    assert "vượt giới hạn 1 MB" in message and "«ke-hoach-lon.pdf»" in message


def test_empty_file_refused(world, media):
    assert "rỗng" in refused(world, media, b"", "trong.pdf")


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\..\\windows\\win.ini.pdf", ".."])
def test_path_traversal_in_name_refused(world, media, name):
    message = refused(world, media, f.plan_pdf(), name)
    assert "đường dẫn thư mục" in message


@pytest.mark.parametrize(
    "name", ["ke\x00hoach.pdf", "bao\x07cao.pdf", "anh\u202egpj.exe.pdf", "a\nb.pdf"]
)
def test_control_characters_in_name_refused(world, media, name):
    message = refused(world, media, f.plan_pdf(), name)
    assert "ký tự điều khiển hoặc ký tự ẩn" in message
    assert "\x00" not in message and "\u202e" not in message  # shown escaped, never raw


def test_zip_bomb_docx_refused(world, media):
    message = refused(world, media, f.zip_bomb_docx(), "bao-cao.docx")
    assert "«bao-cao.docx»" in message and "nén bất thường" in message


def test_zip_over_total_size_refused(world, media, settings):
    settings.EVIDENCE_ZIP_MAX_UNCOMPRESSED_MB = 1
    data = f.docx_with({"word/media/a.bin": bytes(range(256)) * 5000})
    assert "nén bất thường" in refused(world, media, data, "nhieu.docx")


def test_zip_with_too_many_entries_refused(world, media):
    assert "nén bất thường" in refused(world, media, f.too_many_entries_zip(), "nhieu.docx")


def test_nested_archive_refused(world, media):
    data = f.docx_with({"word/media/tai-lieu.zip": f.plain_zip()})
    assert "chứa tệp nén khác" in refused(world, media, data, "long-nhau.docx")


def test_encrypted_zip_refused(world, media):
    assert "đặt mật khẩu" in refused(world, media, f.encrypted_zip_docx(), "mat-khau.docx")


def test_plain_zip_refused(world, media):
    assert "tệp nén (ZIP)" in refused(world, media, f.plain_zip(), "ho-so.zip")


def test_macro_enabled_word_refused(world, media):
    main = "application/vnd.ms-word.document.macroEnabled.main+xml"
    assert "macro" in refused(world, media, f.docx_with({}, main=main), "co-macro.docx")


def test_vba_project_refused(world, media):
    data = f.docx_with({"word/vbaProject.bin": b"\x00" * 64})
    assert "macro" in refused(world, media, data, "co-macro.docx")


def test_old_word_with_macros_refused(world, media):
    assert "macro" in refused(world, media, f.word97(macros=True), "cu.doc")


def test_password_protected_old_files_refused(world, media):
    assert "đặt mật khẩu" in refused(world, media, f.word97(encrypted=True), "cu.doc")
    assert "đặt mật khẩu" in refused(world, media, f.excel97(encrypted=True), "cu.xls")


def test_other_ole_files_refused(world, media):
    data = f.ole2([("PowerPoint Document", b"\x00" * 64)])
    assert "không phải văn bản Word" in refused(world, media, data, "trinh-chieu.doc")


def test_damaged_pdf_refused(world, media):
    assert "bị hỏng" in refused(world, media, b"%PDF-1.4\n garbage", "hong.pdf")


def test_damaged_image_refused(world, media):
    assert "bị hỏng" in refused(world, media, b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "anh.png")


@pytest.mark.parametrize(
    ("maker", "name", "kind"),
    [
        (f.plan_pdf, "ke-hoach.pdf", DocumentKind.PDF),
        (f.report_docx, "bao-cao.docx", DocumentKind.DOCX),
        (f.table_xlsx, "bang-diem.xlsx", DocumentKind.XLSX),
        (f.word97, "van-ban-cu.doc", DocumentKind.DOC),
        (f.excel97, "bang-cu.xls", DocumentKind.XLS),
        (lambda: f.image_bytes("PNG"), "anh.png", DocumentKind.PNG),
        (lambda: f.image_bytes("JPEG"), "anh.jpg", DocumentKind.JPEG),
        (f.heic_bytes, "IMG_0001.HEIC", DocumentKind.HEIC),
    ],
)
def test_good_upload_stored_under_generated_name(world, media, maker, name, kind):
    data = maker()
    result = evidence_upload(
        actor=world.users["officer"], unit=world.commune, upload=f.upload(data, name)
    )
    document = result.document
    assert result.created and document.kind == kind
    assert document.original_name == name and document.size == len(data)
    assert document.file.name.startswith(f"evidence/{world.commune.pk}/{document.sha256[:2]}/")
    assert name.rsplit(".", 1)[0] not in document.file.name
    [stored] = stored_files(media)
    assert stored.read_bytes() == data
    assert AuditEntry.objects.filter(action="evidence.upload", object_id=str(document.pk)).exists()


def test_sha256_recorded(world):
    import hashlib

    data = f.plan_pdf()
    result = evidence_upload(
        actor=world.users["head"], unit=world.commune, upload=f.upload(data, "a.pdf")
    )
    assert result.document.sha256 == hashlib.sha256(data).hexdigest()


def test_exact_duplicate_reported_with_existing_document(world, media):
    data = f.plan_pdf()
    first = evidence_upload(
        actor=world.users["head"], unit=world.commune, upload=f.upload(data, "a.pdf")
    )
    again = evidence_upload(
        actor=world.users["focal"], unit=world.commune, upload=f.upload(data, "ban-sao.pdf")
    )
    assert not again.created and again.document.pk == first.document.pk
    assert "trùng hoàn toàn" in again.notes[-1] and "12/KH-UBND" in again.notes[-1]
    assert EvidenceDocument.objects.count() == 1 and len(stored_files(media)) == 1


def test_same_file_in_another_unit_is_its_own_document(world):
    data = f.plan_pdf()
    evidence_upload(actor=world.users["head"], unit=world.commune, upload=f.upload(data, "a.pdf"))
    other = evidence_upload(
        actor=world.users["other_head"], unit=world.commune2, upload=f.upload(data, "a.pdf")
    )
    assert other.created and EvidenceDocument.objects.count() == 2


def test_wrong_extension_corrected_and_reported(world):
    result = evidence_upload(
        actor=world.users["head"],
        unit=world.commune,
        upload=f.upload(f.image_bytes("PNG"), "anh-chup.pdf"),
    )
    assert result.document.kind == DocumentKind.PNG and result.document.mime == "image/png"
    assert result.document.original_name == "anh-chup.png"
    assert "thực chất là ảnh PNG" in result.notes[0]


def test_name_normalised_to_nfc(world):
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Kế hoạch  CCHC.pdf")
    result = evidence_upload(
        actor=world.users["head"], unit=world.commune, upload=f.upload(f.plan_pdf(), decomposed)
    )
    assert result.document.original_name == "Kế hoạch CCHC.pdf"


def test_only_the_units_people_upload(world, media):
    from django.core.exceptions import PermissionDenied

    for role in ("other_head", "organiser", "council", "observer"):
        with pytest.raises(PermissionDenied):
            evidence_upload(
                actor=world.users[role], unit=world.commune, upload=f.upload(f.plan_pdf(), "a.pdf")
            )
    assert stored_files(media) == [] and EvidenceDocument.objects.count() == 0


def test_failure_while_saving_the_row_removes_the_file(world, media, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr("parindex.evidence.services.audit_record", boom)
    with pytest.raises(RuntimeError):
        evidence_upload(
            actor=world.users["head"], unit=world.commune, upload=f.upload(f.plan_pdf(), "a.pdf")
        )
    assert stored_files(media) == [] and EvidenceDocument.objects.count() == 0


def test_upload_reads_from_any_binary_stream(world):
    stream = io.BytesIO(f.plan_pdf())
    result = evidence_upload(
        actor=world.users["head"], unit=world.commune, upload=stream, name="tu-luong.pdf"
    )
    assert result.created and result.document.original_name == "tu-luong.pdf"


def test_word_file_whose_main_part_is_mapped_by_extension(world):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'content-types"><Default Extension="xml" ContentType="{f.WORD_MAIN}"/></Types>',
        )
        archive.writestr("word/document.xml", b"<w:document/>")
    result = evidence_upload(
        actor=world.users["head"], unit=world.commune, upload=f.upload(out.getvalue(), "a.docx")
    )
    assert result.document.kind == DocumentKind.DOCX


def test_other_office_files_refused(world, media):
    main = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
    message = refused(world, media, f.docx_with({}, main=main), "trinh-chieu.pptx")
    assert "không phải văn bản Word (.docx) hay bảng tính Excel" in message
