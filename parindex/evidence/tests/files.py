"""Files made in the tests: valid documents of every accepted type and hostile ones."""

from __future__ import annotations

import io
import random
import struct
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from parindex.evidence.pdfgen import build_pdf, official_document_pdf
from parindex.exchange.mime import DOCX_MAIN_PART, XLSX_MAIN_PART

# --- Good files ------------------------------------------------------------------------------


def plan_pdf(
    number: str = "12/KH-UBND", day: str = "ngày 15 tháng 01 năm 2025", subject: str = ""
) -> bytes:
    return official_document_pdf(
        agency_parent="UBND tỉnh Hà Tĩnh",
        agency="Ủy ban nhân dân xã Sơn Lĩnh",
        number_symbol=number,
        place_date=f"Sơn Lĩnh, {day}",
        doc_type="Kế hoạch",
        subject=subject or "Cải cách hành chính năm 2025 trên địa bàn xã Sơn Lĩnh",
        body=[
            "Thực hiện Quyết định số 2452/QĐ-UBND ngày 18/7/2019 của UBND tỉnh; Ủy ban nhân dân "
            "xã ban hành Kế hoạch như sau:",
            "I. MỤC ĐÍCH, YÊU CẦU",
        ],
        signer_title="TM. Ủy ban nhân dân",
        signer="Nguyễn Văn Hùng",
    )


def scan_pdf() -> bytes:
    """A PDF without text (what a scanner makes, minus the picture)."""
    return build_pdf([[]])


def report_docx() -> bytes:
    """A report laid out as real ones are: a two-column header table, then the title."""
    from docx import Document

    document = Document()
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.text = "UBND TỈNH HÀ TĨNH"
    left.add_paragraph("SỞ NỘI VỤ")
    left.add_paragraph("Số: 05/BC-SNV")
    right.text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    right.add_paragraph("Độc lập - Tự do - Hạnh phúc")
    right.add_paragraph("Hà Tĩnh, ngày 20 tháng 11 năm 2025")
    document.add_paragraph("BÁO CÁO")
    document.add_paragraph("Kết quả thực hiện công tác cải cách hành chính năm 2025")
    document.add_paragraph("Thực hiện Kế hoạch số 12/KH-UBND ngày 15/01/2025, Sở Nội vụ báo cáo:")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def plain_docx(text: str = "Biên bản họp") -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def table_xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Kết quả"
    sheet.append(["STT", "Nhiệm vụ", "Kết quả"])
    sheet.append([1, "Ban hành kế hoạch CCHC", "Hoàn thành"])
    sheet.append([2, "Báo cáo quý", "Đúng hạn"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (40, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (180, 40, 40)).save(out, format=fmt)
    return out.getvalue()


def heic_bytes() -> bytes:
    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 40)).save(out, format="HEIF")
    return out.getvalue()


# --- OLE2 (Word 97-2003 / Excel 97-2003) ---------------------------------------------------

_END = 0xFFFFFFFE
_FREE = 0xFFFFFFFF
_FAT = 0xFFFFFFFD
_NOSTREAM = 0xFFFFFFFF


def _dir_entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le") if name else b""
    entry = bytearray(128)
    entry[0 : len(encoded)] = encoded
    struct.pack_into("<H", entry, 64, len(encoded))
    entry[66] = kind
    entry[67] = 1  # black
    struct.pack_into("<III", entry, 68, _NOSTREAM, right, child)
    struct.pack_into("<I", entry, 116, start)
    struct.pack_into("<I", entry, 120, size)
    return bytes(entry)


def ole2(streams: Sequence[tuple[str, bytes]]) -> bytes:
    """A minimal compound file (version 3, 512-byte sectors): FAT in sector 0, the directory
    in sector 1, each stream (padded to at least 4096 bytes, so no mini stream) after."""
    assert len(streams) <= 3
    sector = 512
    padded = [(name, data.ljust(4096, b"\x00")) for name, data in streams]
    fat = [_FAT, _END]
    starts: list[int] = []
    next_sector = 2
    for _name, data in padded:
        count = -(-len(data) // sector)
        starts.append(next_sector)
        fat += [next_sector + i + 1 for i in range(count - 1)] + [_END]
        next_sector += count
    fat += [_FREE] * (128 - len(fat))
    header = bytearray(sector)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<III", header, 40, 0, 1, 1)  # dir sectors, FAT sectors, first dir sector
    struct.pack_into("<IIIIII", header, 52, 0, 4096, _END, 0, _END, 0)
    difat = [0] + [_FREE] * 108
    struct.pack_into("<109I", header, 76, *difat)
    entries = [_dir_entry("Root Entry", 5, 1 if padded else _NOSTREAM, _NOSTREAM, _END, 0)]
    for index, (name, data) in enumerate(padded):
        right = index + 2 if index + 1 < len(padded) else _NOSTREAM
        entries.append(_dir_entry(name, 2, _NOSTREAM, right, starts[index], len(data)))
    while len(entries) < 4:
        entries.append(_dir_entry("", 0, _NOSTREAM, _NOSTREAM, 0, 0))
    body = struct.pack("<128I", *fat) + b"".join(entries)
    body += b"".join(data for _name, data in padded)
    return bytes(header) + body


def word97(*, encrypted: bool = False, macros: bool = False) -> bytes:
    fib = bytearray(4096)
    fib[0:2] = b"\xec\xa5"  # wIdent of a Word document
    if encrypted:
        fib[0x0B] |= 0x01
    streams = [("WordDocument", bytes(fib)), ("1Table", b"\x00" * 16)]
    if macros:
        streams.append(("Macros", b"\x00" * 16))
    return ole2(streams)


def excel97(*, encrypted: bool = False) -> bytes:
    bof = struct.pack("<HH", 0x0809, 16) + struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0)
    records = bof
    if encrypted:
        records += struct.pack("<HH", 0x002F, 6) + b"\x00" * 6
    records += struct.pack("<HH", 0x000A, 0)
    return ole2([("Workbook", records)])


# --- Hostile files ---------------------------------------------------------------------------


def windows_exe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"PE\x00\x00"


def linux_elf() -> bytes:
    return b"\x7fELF\x02\x01\x01" + b"\x00" * 200


def html_page() -> bytes:
    return (
        "<!DOCTYPE html><html><head><title>Kế hoạch</title></head>"
        "<body><script>alert(document.cookie)</script></body></html>"
    ).encode()


def svg_image() -> bytes:
    return (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
        b'<rect width="10" height="10"/></svg>'
    )


def _content_types(main: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main}"/></Types>'
    )


WORD_MAIN = DOCX_MAIN_PART


def zip_bomb_docx(size: int = 20 * 1024 * 1024) -> bytes:
    """A .docx whose document part inflates from a few kilobytes to ``size`` bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _content_types(WORD_MAIN))
        archive.writestr("word/document.xml", b" " * size)
    return out.getvalue()


def docx_with(parts: dict[str, bytes], main: str = WORD_MAIN) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _content_types(main))
        archive.writestr("word/document.xml", b"<w:document/>")
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ke-hoach.pdf", plan_pdf())
    return out.getvalue()


def too_many_entries_zip(count: int = 2100) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", _content_types(WORD_MAIN))
        archive.writestr("word/document.xml", b"<w:document/>")
        for i in range(count):
            archive.writestr(f"word/media/p{i}.xml", b"x")
    return out.getvalue()


def encrypted_zip_docx() -> bytes:
    """A .docx whose entries claim to be encrypted (flag bit 0)."""
    data = bytearray(docx_with({}))
    # Set the "encrypted" flag in every local header and central directory record.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (found := data.find(signature, start)) >= 0:
            data[found + offset] |= 0x01
            start = found + 4
    return bytes(data)


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def replace_part(template: bytes, part: str, chunks: Iterable[bytes]) -> bytes:
    """``template`` (a .docx or .xlsx) with ``part`` written from ``chunks``, streamed so that
    the test itself never holds the whole part."""
    source = zipfile.ZipFile(io.BytesIO(template))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename == part:
                with archive.open(part, "w") as member:
                    for chunk in chunks:
                        member.write(chunk)
            else:
                archive.writestr(info.filename, source.read(info))
    return out.getvalue()


def _replace_document_xml(chunks: Iterable[bytes]) -> bytes:
    """A real .docx (python-docx's template) whose ``word/document.xml`` is ``chunks``."""
    return replace_part(plain_docx(), "word/document.xml", chunks)


def _body(paragraphs: Iterator[str], prolog: str = "") -> Iterator[bytes]:
    yield f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<w:document xmlns:w="{W_NS}"><w:body>'.encode()
    batch: list[str] = []
    for paragraph in paragraphs:
        batch.append(paragraph)
        if len(batch) >= 2000:
            yield "".join(batch).encode()
            batch = []
    yield "".join(batch).encode()
    yield b"</w:body></w:document>"


def docx_body(body: str) -> bytes:
    """A .docx whose body is ``body`` (WordprocessingML, prefix ``w``; ``mc`` declared)."""
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    return _replace_document_xml(
        [
            f'<?xml version="1.0"?><w:document xmlns:w="{W_NS}" xmlns:mc="{mc}"><w:body>'.encode(),
            body.encode(),
            b"</w:body></w:document>",
        ]
    )


def inflating_docx(size: int = 95 * 1024 * 1024) -> bytes:
    """A .docx of about 2 MB whose ``word/document.xml`` inflates to ``size`` bytes of short
    formatted paragraphs: compressed about 50 times, so it passes the ratio (100) and total
    (100 MB) checks; only a limit per part stops it."""
    rnd = random.Random(7)
    paragraph = (
        '<w:p><w:pPr><w:jc w:val="both"/></w:pPr><w:r><w:rPr><w:b/></w:rPr>'
        "<w:t>Mục {:x}</w:t></w:r></w:p>"
    )
    one = len(paragraph.format(0).encode())

    def paragraphs() -> Iterator[str]:
        for _ in range(size // one):
            yield paragraph.format(rnd.getrandbits(6))

    return _replace_document_xml(_body(paragraphs()))


def long_text_docx(paragraphs: int, text: str = "Báo cáo kết quả cải cách hành chính") -> bytes:
    """An allowed .docx with many paragraphs of Vietnamese text (numbered, so they differ)."""
    return _replace_document_xml(
        _body(f"<w:p><w:r><w:t>{text} {i}</w:t></w:r></w:p>" for i in range(paragraphs))
    )


def one_huge_paragraph_docx(chars: int) -> bytes:
    """A .docx whose single paragraph holds ``chars`` characters in one text node."""

    def chunks() -> Iterator[bytes]:
        yield f'<?xml version="1.0"?><w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>'.encode()
        for _ in range(chars // 1_000_000):
            yield b"a" * 1_000_000
        yield b"</w:t></w:r></w:p></w:body></w:document>"

    return _replace_document_xml(chunks())


def entity_docx() -> bytes:
    """A .docx whose document part declares nested entities (a "billion laughs")."""
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    return _replace_document_xml(
        _body(
            iter(["<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>"]), f"<!DOCTYPE w:document [{entities}]>"
        )
    )


S_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def excel_style_xlsx(filler: int = 0) -> bytes:
    """A workbook written as Excel writes them: text in a shared string table (relative
    targets, as Excel writes), with ``filler`` more short strings between the first two and
    the last one, which the sheet's last cell uses."""
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{XLSX_MAIN_PART}"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{main}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{main}.sharedStrings+xml"/>'
        "</Types>"
    )
    package_rels = (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        f'2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        f'<?xml version="1.0"?><workbook xmlns="{S_NS}" xmlns:r="{rel}"><sheets>'
        '<sheet name="Kết quả" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    workbook_rels = (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        f'2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" '
        f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{rel}/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>'
    )
    last = filler + 2
    sheet = (
        f'<?xml version="1.0"?><worksheet xmlns="{S_NS}"><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        f'<row r="2"><c r="B2" t="s"><v>{last}</v></c><c r="C2"><v>3</v></c></row>'
        "</sheetData></worksheet>"
    )

    def shared() -> Iterator[bytes]:
        yield f'<?xml version="1.0"?><sst xmlns="{S_NS}"><si><t>STT</t></si>'.encode()
        yield '<si><r><t>Nhiệm </t></r><r><t>vụ</t></r><rPh sb="0" eb="1"><t>phiên âm</t></rPh></si>'.encode()
        for start in range(0, filler, 10_000):
            yield "".join(
                f"<si><t>chuỗi {i}</t></si>" for i in range(start, min(start + 10_000, filler))
            ).encode()
        yield "<si><t>Ban hành kế hoạch</t></si></sst>".encode()

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", package_rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        with archive.open("xl/sharedStrings.xml", "w") as member:
            for chunk in shared():
                member.write(chunk)
    return out.getvalue()


def wide_xlsx(rows: int, cols: int) -> bytes:
    """A workbook of ``rows`` × ``cols`` numbered text cells (openpyxl, write-only)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Số liệu")
    for r in range(rows):
        sheet.append([f"ô {r}-{c}" for c in range(cols)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def typed_xlsx() -> bytes:
    """Dates, numbers, booleans, an empty first column and an inline string."""
    from datetime import datetime

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tiến độ"
    sheet.append(["Nhiệm vụ", "Hạn", "Tỷ lệ", "Xong", "Số"])
    sheet.append(["Ban hành kế hoạch", datetime(2025, 1, 15), 0.25, True, 12.0])
    sheet.append(["Họp giao ban", datetime(2025, 3, 2, 14, 30), 1.5, False, 7])
    sheet["B5"] = "cột B, hàng 5"
    second = workbook.create_sheet("Trang 2")
    second.append(["Số: 05/BC-SNV"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def doctype_xlsx() -> bytes:
    """table_xlsx() whose first sheet declares an entity and uses it."""
    sheet = (
        '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY x "bí mật">]>'
        f'<worksheet xmlns="{S_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&x;</t>'
        "</is></c></row></sheetData></worksheet>"
    )
    return replace_part(table_xlsx(), "xl/worksheets/sheet1.xml", [sheet.encode()])


def upload(data: bytes, name: str, content_type: str = "application/octet-stream") -> Any:
    return SimpleUploadedFile(name, data, content_type=content_type)
