"""Guessing a document's number and symbol, date, issuing body and title from its text.

The guesses follow the layout every Vietnamese administrative document has (Nghị định
30/2020/NĐ-CP): agency name top left with "Số: 12/KH-UBND" under it, the national motto top
right, "Sơn Lĩnh, ngày 15 tháng 10 năm 2025", the document type in capitals ("KẾ HOẠCH")
and its subject on the next line. Numbers and dates quoted in the body belong to other
documents and are never taken.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from parindex.core.text import fold

HEADER_LINES = 40

# --- Numbers and symbols ---------------------------------------------------------------------

_SYMBOL_PART = r"[A-ZĐ][A-Za-zĐđ0-9]*"
# In running text: "12/KH-UBND", "45/2025/NĐ-CP", "123 / QĐ - UBND".
_NUMBER_IN_TEXT = re.compile(
    rf"(?<![\d/])(\d{{1,6}}[a-z]?)\s*/\s*(?:(\d{{4}})\s*/\s*)?({_SYMBOL_PART}(?:\s*[-–.]\s*{_SYMBOL_PART})*)"
)
# The usual written form, once normalised.
USUAL_NUMBER = re.compile(rf"^\d{{1,6}}[a-z]?/(?:\d{{4}}/)?{_SYMBOL_PART}(?:[-.]{_SYMBOL_PART})*$")
NUMBER_EXAMPLES = "12/KH-UBND, 45/2025/NĐ-CP, 123/QĐ-UBND"
_NUMBER_LABEL = re.compile(r"(?i)(?<![^\W\d_])s[ốo]\s*(?:hiệu)?\s*[:.]?\s*")


def normalise_number_symbol(value: str) -> str:
    """'Số: 12 / kh - ubnd' -> '12/KH-UBND'; keeps mixed case such as 'TTg'; Ð (Icelandic
    eth, from old fonts) becomes Đ."""
    text = unicodedata.normalize("NFC", value or "").strip()
    text = text.replace("Ð", "Đ").replace("ð", "đ").replace("–", "-").replace("—", "-")
    text = _NUMBER_LABEL.sub("", text, count=1) if fold(text).startswith("so") else text
    text = re.sub(r"\s*([/\-.])\s*", r"\1", text)
    text = " ".join(text.split())
    number, slash, symbol = text.partition("/")
    if not slash:
        return text
    parts = re.split(r"([/\-.])", symbol)
    return number + slash + "".join(p.upper() if p.islower() else p for p in parts)


def is_usual_number_symbol(value: str) -> bool:
    return bool(USUAL_NUMBER.match(value or ""))


# --- Dates -----------------------------------------------------------------------------------

_WORDED_DATE = re.compile(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})")
_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)")
_PLACE_DATE = re.compile(r"^[^\d,]{2,80},\s*(?:ngay\s*)?\d")


def _make_date(day: str, month: str, year: str) -> date | None:
    try:
        value = date(int(year), int(month), int(day))
    except ValueError:
        return None
    return value if 1945 <= value.year <= 2100 else None


def parse_vn_date(text: str) -> date | None:
    """'ngày 15 tháng 10 năm 2025', '15/10/2025', '15-10-2025', '15.10.2025' (day first)."""
    folded = fold(text)
    m = _WORDED_DATE.search(folded) or _NUMERIC_DATE.search(folded)
    return _make_date(*m.groups()) if m else None


# --- Issuer and title ------------------------------------------------------------------------

_MOTTO = ("cong hoa xa hoi", "doc lap", "tu do", "hanh phuc")
DOC_TYPES = {
    "ke hoach": "Kế hoạch",
    "quyet dinh": "Quyết định",
    "bao cao": "Báo cáo",
    "thong bao": "Thông báo",
    "to trinh": "Tờ trình",
    "nghi quyet": "Nghị quyết",
    "chi thi": "Chỉ thị",
    "huong dan": "Hướng dẫn",
    "chuong trinh": "Chương trình",
    "bien ban": "Biên bản",
    "quy che": "Quy chế",
    "quy dinh": "Quy định",
    "de an": "Đề án",
    "phuong an": "Phương án",
    "giay moi": "Giấy mời",
    "ket luan": "Kết luận",
    "cong dien": "Công điện",
    "thong tu": "Thông tư",
    "nghi dinh": "Nghị định",
    "danh sach": "Danh sách",
    "giay xac nhan": "Giấy xác nhận",
    "cong van": "Công văn",
}
_PLACE_WORDS = ("xa ", "phuong ", "huyen ", "tinh ", "thanh pho ", "quan ", "thi xa ", "thi tran ")
_AGENCY_ONLY = ("uy ban nhan dan", "hoi dong nhan dan", "ubnd", "hdnd")
_BODY_STARTS = ("can cu", "thuc hien", "kinh gui", "theo de nghi", "xet de nghi", "i.", "1.")


def _is_upper(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 2 and all(not ch.islower() for ch in letters)


def _fold_same_length(text: str) -> str:
    """Like ``fold`` but one output character per input character, so positions match."""
    out = []
    for ch in text:
        base = unicodedata.normalize("NFD", ch.lower())[:1] or " "
        out.append("d" if base == "đ" else base)
    return "".join(out)


def _left_column(line: str) -> str:
    """A header line may hold both columns (agency | motto): keep the left part only."""
    line = line.split("\t")[0]
    folded = _fold_same_length(line)
    cuts = [at for at in (folded.find(m) for m in ("cong hoa xa hoi", "doc lap")) if at >= 0]
    return (line[: min(cuts)] if cuts else line).strip()


# What str.splitlines() splits on; matched one line at a time so a long text is never split
# whole when only its first lines are wanted.
_LINE = re.compile(r"[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")


def _clean_lines(text: str, limit: int) -> list[str]:
    out: list[str] = []
    for match in _LINE.finditer(text):
        line = " ".join(match.group(0).split())
        if line:
            out.append(line)
        if len(out) >= limit:
            break
    return out


def guess_issuer(lines: list[str]) -> str:
    block: list[str] = []
    for line in lines[:15]:
        folded = fold(line)
        if folded.startswith("so") and _NUMBER_IN_TEXT.search(line):
            break
        if folded in DOC_TYPES or _WORDED_DATE.search(folded):
            break
        cell = _left_column(line).strip(" -_")
        if not cell or any(m in fold(cell) for m in _MOTTO) or not _is_upper(cell):
            continue
        block.append(cell)
    if not block:
        return ""
    last = block[-1]
    if len(block) >= 2:
        previous = fold(block[-2])
        if fold(last).startswith(_PLACE_WORDS) and previous in _AGENCY_ONLY:
            return f"{block[-2]} {last}"
    return last


def _sentence_case(doc_type_folded: str) -> str:
    return DOC_TYPES[doc_type_folded]


def _join_subject(first: str, rest: list[str]) -> str:
    subject = first
    for line in rest[:3]:
        folded = fold(line)
        if not line or folded.startswith(_BODY_STARTS) or _PLACE_DATE.match(folded):
            break
        if line[0].islower() or subject.endswith((",", "và", "của", "về")):
            subject = f"{subject} {line}"
        else:
            break
    return subject


def guess_title(lines: list[str]) -> str:
    for index, line in enumerate(lines[:HEADER_LINES]):
        folded = fold(line)
        if folded.startswith("v/v") or folded.startswith("ve viec"):
            return _join_subject(line, lines[index + 1 :])[:500]
        if folded in DOC_TYPES and _is_upper(line):
            following = lines[index + 1 : index + 5]
            if not following:
                return _sentence_case(folded)
            subject = following[0]
            subject_folded = fold(subject)
            if subject_folded.startswith(_BODY_STARTS) or _PLACE_DATE.match(subject_folded):
                return _sentence_case(folded)
            subject = _join_subject(subject, following[1:])
            if len(subject) > 1 and not subject[1].isupper():
                subject = subject[0].lower() + subject[1:]
            return f"{_sentence_case(folded)} {subject}"[:500]
    return ""


def guess_number(lines: list[str]) -> str:
    """The number after "Số:" at the start of a header line (or of a table cell); numbers
    quoted in the body ("Quyết định số 2452/QĐ-UBND") are other documents'."""
    for line in lines[:HEADER_LINES]:
        for cell in line.split("\t"):
            m = _NUMBER_LABEL.match(cell.strip())
            if not m:
                continue
            found = _NUMBER_IN_TEXT.match(cell.strip()[m.end() :])
            if found:
                return normalise_number_symbol(found.group(0))
    return ""


_COMMA_DATE = re.compile(r",\s*ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})")


def guess_date(lines: list[str]) -> date | None:
    """The place-and-date line ("Sơn Lĩnh, ngày 15 tháng 10 năm 2025"); dates quoted in the
    body ("Quyết định ... ngày 18/7/2019") belong to other documents."""
    header = lines[:HEADER_LINES]
    for line in header:
        folded = fold(line)
        if _PLACE_DATE.match(folded) or folded.startswith("ngay "):
            m = _WORDED_DATE.search(folded) or _NUMERIC_DATE.search(folded)
            found = _make_date(*m.groups()) if m else None
            if found:
                return found
    for line in header:
        m = _COMMA_DATE.search(fold(line))
        found = _make_date(*m.groups()) if m else None
        if found:
            return found
    return None


@dataclass(frozen=True)
class Metadata:
    number_symbol: str = ""
    issued_on: date | None = None
    issuer: str = ""
    title: str = ""

    def as_json(self) -> dict[str, str]:
        return {
            "number_symbol": self.number_symbol,
            "issued_on": self.issued_on.isoformat() if self.issued_on else "",
            "issuer": self.issuer,
            "title": self.title,
        }

    @property
    def is_empty(self) -> bool:
        return not (self.number_symbol or self.issued_on or self.issuer or self.title)


def guess_metadata(text: str) -> Metadata:
    lines = _clean_lines(text, HEADER_LINES * 2)
    if not lines:
        return Metadata()
    return Metadata(
        number_symbol=guess_number(lines),
        issued_on=guess_date(lines),
        issuer=guess_issuer(lines)[:255],
        title=guess_title(lines),
    )
