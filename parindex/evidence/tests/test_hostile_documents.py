"""Hostile Word and Excel files: parts that inflate far beyond their zip, entity declarations,
huge shared string tables. They are refused at upload, and the text readers stay within a
memory and character bound whatever they are given."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from typing import Any

import pytest

from parindex.evidence import ooxml
from parindex.evidence.extract import MAX_CELLS, MAX_TEXT_CHARS, extract_text
from parindex.evidence.models import EvidenceDocument
from parindex.evidence.ooxml.stream import Handler
from parindex.evidence.services import evidence_upload
from parindex.evidence.validation import UploadRefused

from . import files as f
from .conftest import stored_files

MIB = 1024 * 1024
MEMORY_BOUND = 32 * MIB  # python-docx on the inflating .docx: over 200 MB traced (1.4 GB RSS)


def measured(call: Callable[[], Any]) -> tuple[Any, int, float]:
    """The call's result, its peak of traced memory in bytes, and its duration."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    started = time.monotonic()
    try:
        result = call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, peak, time.monotonic() - started


@pytest.fixture(scope="module")
def inflating() -> bytes:
    return f.inflating_docx()


def test_the_inflating_docx_passes_the_older_zip_limits(inflating):
    info = zipfile.ZipFile(io.BytesIO(inflating)).getinfo("word/document.xml")
    assert len(inflating) < 3 * MIB
    assert 90 * MIB < info.file_size < 100 * MIB  # under the 100 MB total
    assert info.file_size < 100 * info.compress_size  # under the ratio limit


@pytest.mark.django_db
def test_inflating_docx_refused_at_upload(world, media, inflating):
    started = time.monotonic()
    with pytest.raises(UploadRefused) as caught:
        evidence_upload(
            actor=world.users["head"],
            unit=world.commune,
            upload=f.upload(inflating, "bao-cao.docx"),
        )
    assert time.monotonic() - started < 5
    message = caught.value.messages[0]
    assert "«bao-cao.docx»" in message and "hơn 40 MB" in message
    assert EvidenceDocument.objects.count() == 0 and stored_files(media) == []


@pytest.mark.django_db
def test_part_limit_is_a_setting(world, settings):
    settings.EVIDENCE_ZIP_MAX_MEMBER_MB = 1
    data = f.long_text_docx(40_000)  # about 2 MB of document.xml
    with pytest.raises(UploadRefused) as caught:
        evidence_upload(
            actor=world.users["head"], unit=world.commune, upload=f.upload(data, "a.docx")
        )
    assert "hơn 1 MB" in caught.value.messages[0]


def test_inflating_docx_read_within_a_memory_bound(settings, inflating):
    # Even with the part limit out of the way, the reader never holds the document.
    settings.EVIDENCE_ZIP_MAX_MEMBER_MB = 200
    text, peak, seconds = measured(lambda: extract_text(inflating, "docx", seconds=60))
    assert text.startswith("Mục ") and 0 < len(text) <= MAX_TEXT_CHARS
    assert peak < MEMORY_BOUND, f"peak {peak / MIB:.1f} MB"
    assert seconds < 10


def test_big_allowed_docx_gives_at_most_the_character_limit():
    data = f.long_text_docx(20_000)  # about 900 000 characters of text
    text, peak, _seconds = measured(lambda: extract_text(data, "docx"))
    assert len(text) <= MAX_TEXT_CHARS
    assert len(text) > MAX_TEXT_CHARS - 100  # filled up to the limit, not cut early
    lines = text.splitlines()
    assert lines[0] == "Báo cáo kết quả cải cách hành chính 0"
    assert lines[1] == "Báo cáo kết quả cải cách hành chính 1"
    assert peak < MEMORY_BOUND


@pytest.mark.django_db
def test_big_allowed_docx_is_uploaded_with_its_text_cut(world):
    result = evidence_upload(
        actor=world.users["head"],
        unit=world.commune,
        upload=f.upload(f.long_text_docx(20_000), "dai.docx"),
    )
    assert result.created
    assert 0 < len(result.document.extracted_text) <= MAX_TEXT_CHARS


def test_one_huge_text_node_is_cut_at_the_limit():
    data = f.one_huge_paragraph_docx(30_000_000)
    text, peak, _seconds = measured(lambda: extract_text(data, "docx"))
    assert text == "a" * MAX_TEXT_CHARS
    assert peak < MEMORY_BOUND


def test_entity_declaring_docx_gives_no_text_and_expands_nothing():
    text, peak, seconds = measured(lambda: extract_text(f.entity_docx(), "docx"))
    assert text == "" and peak < MEMORY_BOUND and seconds < 5


def test_entity_declaring_docx_raises_hostile_xml_in_the_reader():
    with pytest.raises(ooxml.HostileXml):
        ooxml.docx_text(io.BytesIO(f.entity_docx()), max_chars=1000, max_part_bytes=MIB)


@pytest.mark.django_db
def test_entity_declaring_docx_refused_at_upload(world, media):
    with pytest.raises(UploadRefused) as caught:
        evidence_upload(
            actor=world.users["head"],
            unit=world.commune,
            upload=f.upload(f.entity_docx(), "thuc-the.docx"),
        )
    assert "«thuc-the.docx»" in caught.value.messages[0] and "bị hỏng" in caught.value.messages[0]
    assert stored_files(media) == []


@pytest.mark.django_db
def test_entity_declaring_xlsx_refused_at_upload(world):
    with pytest.raises(UploadRefused):
        evidence_upload(
            actor=world.users["head"],
            unit=world.commune,
            upload=f.upload(f.doctype_xlsx(), "bang.xlsx"),
        )
    assert extract_text(f.doctype_xlsx(), "xlsx") == ""


@pytest.mark.parametrize(
    ("xml", "hostile"),
    [
        (b'<?xml version="1.0"?><w:document xmlns:w="urn:w"/>', False),
        (b'<?xml version="1.0"?><!DOCTYPE d SYSTEM "http://example.org/d.dtd"><d/>', True),
        (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "x">]><d>&e;</d>', True),
        (b"<!--" + b"x" * (200 * 1024) + b"--><!DOCTYPE d><d/>", True),  # prolog too long
        (b"\x89PNG not xml at all", False),
    ],
)
def test_hostile_prolog(xml, hostile):
    assert ooxml.hostile_prolog(io.BytesIO(xml)) is hostile


def test_oversized_token_stops_the_parser():
    xml = b'<d a="' + b"x" * (ooxml.MAX_TOKEN_BYTES + 2 * ooxml.CHUNK) + b'"/>'
    with pytest.raises(ooxml.HostileXml):
        ooxml.parse(io.BytesIO(xml), Handler(), max_bytes=len(xml))


def test_excel_shared_strings_runs_and_relative_targets():
    text = extract_text(f.excel_style_xlsx(), "xlsx")
    assert text == "[Kết quả]\nSTT\tNhiệm vụ\n\tBan hành kế hoạch\t3"


def test_huge_shared_string_table_is_read_within_a_memory_bound():
    data = f.excel_style_xlsx(filler=1_500_000)  # about 40 MB of sharedStrings.xml
    text, peak, seconds = measured(lambda: extract_text(data, "xlsx", seconds=60))
    assert text.startswith("[Kết quả]\nSTT\tNhiệm vụ")
    assert peak < MEMORY_BOUND, f"peak {peak / MIB:.1f} MB"
    assert seconds < 10


def test_xlsx_values_dates_and_columns():
    text = extract_text(f.typed_xlsx(), "xlsx")
    assert text.splitlines() == [
        "[Tiến độ]",
        "Nhiệm vụ\tHạn\tTỷ lệ\tXong\tSố",
        "Ban hành kế hoạch\t15/01/2025\t0.25\tTrue\t12",
        "Họp giao ban\t02/03/2025 14:30\t1.5\tFalse\t7",
        "\tcột B, hàng 5",
        "[Trang 2]",
        "Số: 05/BC-SNV",
    ]


def test_xlsx_stops_at_the_cell_budget():
    text = extract_text(f.wide_xlsx(1000, 20), "xlsx")
    rows = text.splitlines()[1:]
    assert rows[0].startswith("ô 0-0\tô 0-1")
    assert MAX_CELLS // 20 <= len(rows) <= MAX_CELLS // 20 + 1


def test_reading_stops_at_the_deadline(settings, inflating):
    settings.EVIDENCE_ZIP_MAX_MEMBER_MB = 200
    # No character budget to reach: only the deadline ends the reading.
    started = time.monotonic()
    text = ooxml.run_with_deadline(
        lambda data: ooxml.docx_text(io.BytesIO(data), max_chars=10**9, max_part_bytes=200 * MIB),
        inflating,
        0.2,
    )
    assert time.monotonic() - started < 2
    assert text.startswith("Mục ")
