"""Small, valid PDFs with Vietnamese text, written directly (demo data and tests).

The text uses one non-embedded TrueType font ("Times New Roman"; viewers substitute a
metric-compatible font such as Liberation Serif) with a per-document single-byte encoding:
ASCII keeps its codes, every other character used gets a free code and an AGL glyph name
(``uniXXXX``), and a ToUnicode map makes the text extractable. A document may use at most
159 distinct non-ASCII characters, plenty for an administrative letter.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

A4 = (595, 842)  # points
_FREE_CODES = [*range(128, 256), *range(1, 32)]
# Advance widths (1/1000 em) of ASCII 32..126 in Times New Roman (Liberation Serif's metrics).
_REGULAR = (
    250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500,
    500, 500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667,
    722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722,
    722, 944, 722, 722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500,
    500, 278, 278, 500, 278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500,
    444, 480, 200, 480, 541,
)  # fmt: skip
_BOLD = (
    250, 333, 555, 500, 500, 1000, 833, 278, 333, 333, 500, 570, 250, 333, 250, 278, 500, 500,
    500, 500, 500, 500, 500, 500, 500, 500, 333, 333, 570, 570, 570, 500, 930, 722, 667, 722,
    722, 667, 611, 778, 778, 389, 500, 778, 667, 944, 722, 778, 611, 778, 722, 556, 667, 722,
    722, 1000, 722, 722, 667, 333, 278, 333, 581, 500, 333, 500, 556, 444, 556, 444, 333, 500,
    556, 278, 333, 556, 278, 833, 556, 500, 556, 556, 444, 389, 333, 556, 500, 722, 500, 500,
    444, 394, 220, 394, 520,
)  # fmt: skip
_SAME_AS = {"đ": "d", "Đ": "D", "–": "n", "—": "m", "“": '"', "”": '"', "‘": "'", "’": "'"}


def _width(ch: str, table: tuple[int, ...]) -> int:
    base = _SAME_AS.get(ch) or unicodedata.normalize("NFD", ch)[0]
    point = ord(base)
    return table[point - 32] if 32 <= point < 127 else 500


@dataclass(frozen=True)
class TextLine:
    text: str
    x: float
    y: float
    size: float = 12
    bold: bool = False


class _Encoding:
    def __init__(self) -> None:
        self.codes: dict[str, int] = {}

    def encode(self, text: str) -> bytes:
        out = bytearray()
        for ch in unicodedata.normalize("NFC", text):
            point = ord(ch)
            if 32 <= point < 127:
                out.append(point)
                continue
            code = self.codes.get(ch)
            if code is None:
                if len(self.codes) >= len(_FREE_CODES):
                    raise ValueError("Quá nhiều ký tự khác nhau cho một tệp PDF mẫu.")
                code = _FREE_CODES[len(self.codes)]
                self.codes[ch] = code
            out.append(code)
        return bytes(out)

    def differences(self) -> str:
        parts = [
            f"{code} /uni{ord(ch):04X}" for ch, code in sorted(self.codes.items(), key=_by_code)
        ]
        return " ".join(parts)

    def widths(self, table: tuple[int, ...]) -> str:
        """/Widths for codes 1..255."""
        by_code = {code: _width(ch, table) for ch, code in self.codes.items()}
        values = [
            table[code - 32] if 32 <= code < 127 else by_code.get(code, 0) for code in range(1, 256)
        ]
        return " ".join(str(v) for v in values)

    def to_unicode(self) -> bytes:
        entries = [(code, ch) for ch, code in self.codes.items()]
        entries += [(c, chr(c)) for c in range(32, 127)]
        entries.sort()
        lines = [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Adobe-Identity-UCS def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            "<00> <FF>",
            "endcodespacerange",
        ]
        for start in range(0, len(entries), 100):
            chunk = entries[start : start + 100]
            lines.append(f"{len(chunk)} beginbfchar")
            for code, ch in chunk:
                lines.append(f"<{code:02X}> <{ord(ch):04X}>")
            lines.append("endbfchar")
        lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
        return "\n".join(lines).encode("ascii")


def _by_code(item: tuple[str, int]) -> int:
    return item[1]


def _literal(data: bytes) -> bytes:
    out = bytearray(b"(")
    for byte in data:
        if byte in (0x28, 0x29, 0x5C):
            out += b"\\" + bytes([byte])
        elif 32 <= byte < 127:
            out.append(byte)
        else:
            out += f"\\{byte:03o}".encode("ascii")
    out += b")"
    return bytes(out)


def build_pdf(pages: Sequence[Iterable[TextLine]], *, title: str = "") -> bytes:
    """A PDF with one page per item of ``pages``, each line drawn at its position."""
    encoding = _Encoding()
    contents: list[bytes] = []
    for lines in pages:
        ops = bytearray()
        for line in lines:
            font_name = "/F2" if line.bold else "/F1"
            ops += f"BT {font_name} {line.size:g} Tf {line.x:g} {line.y:g} Td ".encode("ascii")
            ops += _literal(encoding.encode(line.text)) + b" Tj ET\n"
        contents.append(bytes(ops))

    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def stream(data: bytes, extra: str = "") -> bytes:
        head = f"<< /Length {len(data)}{extra} >>\nstream\n".encode("ascii")
        return head + data + b"\nendstream"

    catalog = add(b"")  # filled in below
    pages_obj = add(b"")
    descriptor = add(
        b"<< /Type /FontDescriptor /FontName /TimesNewRomanPSMT /Flags 34"
        b" /FontBBox [-568 -216 2046 693] /ItalicAngle 0 /Ascent 891 /Descent -216"
        b" /CapHeight 662 /StemV 82 >>"
    )
    bold_descriptor = add(
        b"<< /Type /FontDescriptor /FontName /TimesNewRomanPS-BoldMT /Flags 262178"
        b" /FontBBox [-558 -216 2000 677] /ItalicAngle 0 /Ascent 891 /Descent -216"
        b" /CapHeight 662 /StemV 136 >>"
    )
    differences = encoding.differences()
    enc = add(
        b"<< /Type /Encoding /BaseEncoding /WinAnsiEncoding"
        + f" /Differences [{differences}] >>".encode("ascii")
    )
    to_unicode = add(stream(encoding.to_unicode()))
    font = add(
        f"<< /Type /Font /Subtype /TrueType /BaseFont /TimesNewRomanPSMT /Encoding {enc} 0 R"
        f" /FirstChar 1 /LastChar 255 /Widths [{encoding.widths(_REGULAR)}]"
        f" /ToUnicode {to_unicode} 0 R /FontDescriptor {descriptor} 0 R >>".encode("ascii")
    )
    bold_font = add(
        f"<< /Type /Font /Subtype /TrueType /BaseFont /TimesNewRomanPS-BoldMT /Encoding {enc} 0 R"
        f" /FirstChar 1 /LastChar 255 /Widths [{encoding.widths(_BOLD)}]"
        f" /ToUnicode {to_unicode} 0 R /FontDescriptor {bold_descriptor} 0 R >>".encode("ascii")
    )
    page_ids: list[int] = []
    for content in contents:
        content_id = add(stream(content))
        page_ids.append(
            add(
                f"<< /Type /Page /Parent {pages_obj} 0 R /MediaBox [0 0 {A4[0]} {A4[1]}]"
                f" /Resources << /Font << /F1 {font} 0 R /F2 {bold_font} 0 R >> >>"
                f" /Contents {content_id} 0 R >>".encode("ascii")
            )
        )
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_obj} 0 R >>".encode("ascii")
    kids = " ".join(f"{p} 0 R" for p in page_ids)
    objects[pages_obj - 1] = f"<< /Type /Pages /Kids [{kids}] /Count {len(page_ids)} >>".encode(
        "ascii"
    )
    info = add(b"<< /Title " + _literal(b"\xfe\xff" + title.encode("utf-16-be")) + b" >>")

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode("ascii") + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode("ascii")
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R /Info {info} 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode("ascii")
    return bytes(out)


def _wrap(text: str, width: int) -> list[str]:
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    return lines


def official_document_pdf(
    *,
    agency_parent: str = "",
    agency: str,
    number_symbol: str,
    place_date: str,
    doc_type: str,
    subject: str,
    body: Sequence[str] = (),
    signer_title: str = "",
    signer: str = "",
) -> bytes:
    """A one-page document laid out as Nghị định 30/2020/NĐ-CP asks: agency and number top
    left, national motto top right, place and date, title in capitals, body, signature."""
    lines: list[TextLine] = []
    y = 790.0
    left: list[tuple[str, bool]] = []
    if agency_parent:
        left.append((agency_parent.upper(), False))
    left.append((agency.upper(), True))
    for text, bold in left:
        lines.append(TextLine(text, 60, y, 11, bold))
        y -= 14
    lines.append(TextLine(f"Số: {number_symbol}", 60, y - 4, 12))
    lines.append(TextLine("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 300, 790, 11, True))
    lines.append(TextLine("Độc lập - Tự do - Hạnh phúc", 345, 776, 12, True))
    lines.append(TextLine(place_date, 330, 748, 12))
    y = 710.0
    lines.append(TextLine(doc_type.upper(), 250, y, 14, True))
    y -= 18
    for part in _wrap(subject, 70):
        lines.append(TextLine(part, 90, y, 12, True))
        y -= 16
    y -= 10
    for paragraph in body:
        for part in _wrap(paragraph, 88):
            lines.append(TextLine(part, 70, y, 12))
            y -= 16
        y -= 4
    if signer_title:
        lines.append(TextLine(signer_title.upper(), 360, y - 20, 12, True))
    if signer:
        lines.append(TextLine(signer, 370, y - 90, 12, True))
    return build_pdf([lines], title=f"{doc_type} {number_symbol}")
