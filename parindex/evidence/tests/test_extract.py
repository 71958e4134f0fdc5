"""Reading text and guessing number, date, issuer and title from documents made here."""

from __future__ import annotations

from datetime import date

import pytest

from parindex.evidence.extract import (
    extract_text,
    guess_metadata,
    is_usual_number_symbol,
    normalise_number_symbol,
    parse_vn_date,
)
from parindex.evidence.services import evidence_upload

from . import files as f


def test_text_pdf_metadata():
    guess = guess_metadata(extract_text(f.plan_pdf(), "pdf"))
    assert guess.number_symbol == "12/KH-UBND"
    assert guess.issued_on == date(2025, 1, 15)
    assert guess.issuer == "ỦY BAN NHÂN DÂN XÃ SƠN LĨNH"
    assert guess.title == "Kế hoạch cải cách hành chính năm 2025 trên địa bàn xã Sơn Lĩnh"


def test_numbers_and_dates_quoted_in_the_body_are_not_the_documents_own():
    text = extract_text(f.plan_pdf(number="", day=""), "pdf")
    guess = guess_metadata(text)
    assert "2452/QĐ-UBND" in text
    assert guess.number_symbol == "" and guess.issued_on is None


def test_docx_metadata_from_header_table():
    guess = guess_metadata(extract_text(f.report_docx(), "docx"))
    assert guess.number_symbol == "05/BC-SNV"
    assert guess.issued_on == date(2025, 11, 20)
    assert guess.issuer == "SỞ NỘI VỤ"
    assert guess.title == "Báo cáo kết quả thực hiện công tác cải cách hành chính năm 2025"


def test_docx_paragraphs_and_tables_in_order():
    text = extract_text(f.report_docx(), "docx")
    assert text.index("UBND TỈNH HÀ TĨNH") < text.index("BÁO CÁO") < text.index("Thực hiện")


def test_docx_tabs_breaks_text_boxes_once_and_no_deleted_text():
    body = (
        '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>'
        "<w:r><w:t>Số:</w:t><w:tab/><w:t>12/KH-UBND</w:t><w:br/><w:t>dòng hai</w:t></w:r>"
        "<w:del><w:r><w:delText>đã xóa</w:delText></w:r></w:del>"
        '<w:r><w:fldChar w:fldCharType="begin"/><w:instrText>PAGE</w:instrText></w:r></w:p>'
        "<w:p><w:r><mc:AlternateContent><mc:Choice><w:txbxContent><w:p><w:pPr><w:tabs>"
        '<w:tab w:val="left"/></w:tabs></w:pPr><w:r><w:t>Trong khung</w:t></w:r></w:p>'
        "</w:txbxContent></mc:Choice><mc:Fallback><w:txbxContent><w:p><w:r><w:t>Trong khung"
        "</w:t></w:r></w:p></w:txbxContent></mc:Fallback></mc:AlternateContent></w:r>"
        '<w:r><w:t xml:space="preserve">Sau khung</w:t></w:r></w:p>'
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Ô 1</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>Ô 2</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    )
    assert extract_text(f.docx_body(body), "docx").splitlines() == [
        "Số:\t12/KH-UBND",
        "dòng hai",
        "Trong khung",
        "Sau khung",
        "Ô 1",
        "Ô 2",
    ]


def test_xlsx_cells():
    text = extract_text(f.table_xlsx(), "xlsx")
    assert "[Kết quả]" in text and "Ban hành kế hoạch CCHC\tHoàn thành" in text


def test_scan_has_no_text_and_no_guess():
    assert extract_text(f.scan_pdf(), "pdf") == ""
    assert guess_metadata("").is_empty


def test_images_and_old_word_files_have_no_text():
    assert extract_text(f.image_bytes("PNG"), "png") == ""
    assert extract_text(f.word97(), "doc") == ""


def test_damaged_file_gives_no_text_instead_of_an_error():
    assert extract_text(b"%PDF-1.4 broken", "pdf") == ""


def test_slow_reading_gives_up(monkeypatch):
    import time

    from parindex.evidence import extract

    def slow(data: bytes) -> str:
        time.sleep(1)
        return "late"

    monkeypatch.setitem(extract._READERS, "pdf", slow)
    assert extract_text(b"%PDF-", "pdf", seconds=0.1) == ""


def test_seed_plan_title_without_number():
    text = (
        "KẾ HOẠCH\n\nTriển khai, thực hiện Quyết định số 2452/QĐ-UBND ngày 18/7/2019 của UBND "
        "tỉnh Hải Dương\n\nThực hiện Quyết định số 2452/QĐ-UBND ngày 18/7/2019 của UBND tỉnh"
    )
    guess = guess_metadata(text)
    assert guess.title.startswith("Kế hoạch triển khai, thực hiện Quyết định số 2452/QĐ-UBND")
    assert guess.number_symbol == "" and guess.issued_on is None


def test_issuer_split_over_two_lines_is_joined():
    text = "ỦY BAN NHÂN DÂN\nXÃ KỲ ANH\nSố: 7/TB-UBND\nKỳ Anh, ngày 3 tháng 3 năm 2025\nTHÔNG BÁO"
    guess = guess_metadata(text)
    assert guess.issuer == "ỦY BAN NHÂN DÂN XÃ KỲ ANH"
    assert guess.number_symbol == "7/TB-UBND" and guess.issued_on == date(2025, 3, 3)


def test_header_columns_on_one_line():
    text = (
        "UBND TỈNH HÀ TĨNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "SỞ NỘI VỤ Độc lập - Tự do - Hạnh phúc\n"
        "Số: 45/2025/QĐ-SNV Hà Tĩnh, ngày 02 tháng 06 năm 2025\n"
        "QUYẾT ĐỊNH\nVề việc ban hành Quy chế làm việc"
    )
    guess = guess_metadata(text)
    assert guess.issuer == "SỞ NỘI VỤ"
    assert guess.number_symbol == "45/2025/QĐ-SNV"
    assert guess.issued_on == date(2025, 6, 2)
    assert guess.title == "Quyết định về việc ban hành Quy chế làm việc"


def test_official_letter_subject_line():
    text = (
        "UBND XÃ SƠN LĨNH\nSố: 88/UBND-VP\nV/v báo cáo kết quả CCHC quý III\n"
        "Sơn Lĩnh, ngày 1/10/2025"
    )
    guess = guess_metadata(text)
    assert guess.title == "V/v báo cáo kết quả CCHC quý III"
    assert guess.number_symbol == "88/UBND-VP"
    assert guess.issued_on == date(2025, 10, 1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Số: 12 / kh - ubnd", "12/KH-UBND"),
        ("45/2025/NĐ-CP", "45/2025/NĐ-CP"),
        ("15/CT-TTg", "15/CT-TTg"),
        ("123/QÐ-UBND", "123/QĐ-UBND"),  # Icelandic eth from old fonts
        ("số 05/bc-snv", "05/BC-SNV"),
        ("  80/2015/QH13 ", "80/2015/QH13"),
        ("12 – KH", "12-KH"),
    ],
)
def test_number_symbol_normalised(raw, expected):
    assert normalise_number_symbol(raw) == expected


@pytest.mark.parametrize(
    ("value", "usual"),
    [
        ("12/KH-UBND", True),
        ("45/2025/NĐ-CP", True),
        ("123/QĐ-UBND", True),
        ("05/BC-SNV", True),
        ("790/SNV-CCHC", True),
        ("15/CT-TTg", True),
        ("12KH-UBND", False),
        ("KH-UBND", False),
        ("12/KH UBND", False),
        ("12/", False),
        ("không số", False),
    ],
)
def test_usual_number_pattern(value, usual):
    assert is_usual_number_symbol(value) is usual


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sơn Lĩnh, ngày 15 tháng 10 năm 2025", date(2025, 10, 15)),
        ("ngay 5 thang 1 nam 2025", date(2025, 1, 5)),
        ("15/10/2025", date(2025, 10, 15)),
        ("15-10-2025", date(2025, 10, 15)),
        ("15.10.2025", date(2025, 10, 15)),
        ("31/02/2025", None),
        ("không có ngày", None),
    ],
)
def test_vietnamese_dates(text, expected):
    assert parse_vn_date(text) == expected


@pytest.mark.django_db
def test_upload_prefills_what_was_read(world):
    result = evidence_upload(
        actor=world.users["head"], unit=world.commune, upload=f.upload(f.plan_pdf(), "kh.pdf")
    )
    document = result.document
    assert document.number_symbol == "12/KH-UBND"
    assert document.issued_on == date(2025, 1, 15)
    assert document.issuer == "ỦY BAN NHÂN DÂN XÃ SƠN LĨNH"
    assert document.suggested["number_symbol"] == "12/KH-UBND"
    assert "I. MỤC ĐÍCH, YÊU CẦU" in document.extracted_text
    assert not document.is_confirmed


@pytest.mark.django_db
def test_upload_of_a_scan_leaves_metadata_for_hand_entry(world):
    result = evidence_upload(
        actor=world.users["head"], unit=world.commune, upload=f.upload(f.scan_pdf(), "scan.pdf")
    )
    document = result.document
    assert (document.number_symbol, document.issued_on, document.issuer) == ("", None, "")
    assert document.suggested == {} and document.extracted_text == ""
