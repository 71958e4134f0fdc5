"""Vietnamese text helpers: NFC normalisation, search without diacritics, alphabetical order.

People search without diacritics ("son linh" finds "Sơn Lĩnh", "d" finds "đ") and expect
Vietnamese alphabetical order: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y,
with tones ordered after the base letter (ngang, huyền, hỏi, ngã, sắc, nặng).
"""

from __future__ import annotations

import unicodedata

_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_LETTER_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}
# Combining marks that make letters (kept in the base letter) vs. tones (secondary key).
_LETTER_MARKS = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_COMPOSE = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}


def nfc(text: str) -> str:
    """Normalise to NFC and trim; text arrives in NFD from some keyboards and old files."""
    return unicodedata.normalize("NFC", text).strip()


def fold(text: str) -> str:
    """Lower case without diacritics, for search: 'Sơn Lĩnh' -> 'son linh', 'Đ' -> 'd'."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.replace("đ", "d").split())


def sort_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A key that sorts Vietnamese words in dictionary order (Đ after D, Ơ after Ô...)."""
    letters: list[int] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFD", text.lower()):
        if ch in _TONE_RANK:
            if tones:
                tones[-1] = _TONE_RANK[ch]
            continue
        if ch in _LETTER_MARKS and letters:
            prev = _ALPHABET[letters[-1]] if 0 <= letters[-1] < len(_ALPHABET) else ""
            composed = _COMPOSE.get((prev, ch))
            if composed:
                letters[-1] = _LETTER_RANK[composed]
            continue
        if unicodedata.combining(ch):
            continue
        if ch in _LETTER_RANK:
            letters.append(_LETTER_RANK[ch])
        else:
            # Digits, spaces and other characters sort before letters, by code point.
            letters.append(ord(ch) - 0x110000)
        tones.append(0)
    return tuple(letters), tuple(tones)
