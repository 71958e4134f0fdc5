"""Tokenizer of rule expressions.

Tokens are produced on demand, so that a parser error earlier in the text (for example a call
of a function that does not exist) is reported before a strange character further on.
Only ASCII letters, digits, ``_``, the operators ``+ - * / < <= > >= == !=``, parentheses,
commas, spaces and quoted strings (for ``date("...")``) are allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from .errors import ExprError

__all__ = ["Lexer", "Token", "TokenKind"]


class TokenKind(Enum):
    NUMBER = "number"
    NAME = "name"
    STRING = "string"
    OP = "op"
    LPAREN = "("
    RPAREN = ")"
    COMMA = ","
    END = "end"


@dataclass(frozen=True, slots=True)
class Token:
    kind: TokenKind
    text: str
    pos: int
    number: Decimal | None = None


_OPERATORS_2 = ("<=", ">=", "==", "!=")
_OPERATORS_1 = "+-*/<>"
_HINTS = {
    "=": "dùng '==' để so sánh bằng",
    "&": "dùng 'and' thay cho '&' / '&&'",
    "|": "dùng 'or' thay cho '|' / '||'",
    "!": "dùng 'not' thay cho '!' (hoặc '!=' để so sánh khác)",
    "%": "phép '%' không được hỗ trợ; tỉ lệ phần trăm là một số từ 0 đến 100",
    "^": "phép lũy thừa không được hỗ trợ",
    ".": "dấu chấm chỉ dùng trong số thập phân (0.9); không có thuộc tính hay phương thức",
    "[": "không dùng được dấu ngoặc vuông",
    "]": "không dùng được dấu ngoặc vuông",
    "{": "không dùng được dấu ngoặc nhọn",
    "}": "không dùng được dấu ngoặc nhọn",
    ";": "mỗi biểu thức chỉ gồm một công thức",
}


def _is_name_start(ch: str) -> bool:
    return ch == "_" or ("a" <= ch <= "z") or ("A" <= ch <= "Z")


def _is_name_char(ch: str) -> bool:
    return _is_name_start(ch) or _is_digit(ch)


def _is_digit(ch: str) -> bool:
    return "0" <= ch <= "9"


class Lexer:
    """Produces tokens one at a time (``peek`` / ``next``)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self._peeked: Token | None = None

    def peek(self) -> Token:
        if self._peeked is None:
            self._peeked = self._scan()
        return self._peeked

    def next(self) -> Token:
        token = self.peek()
        self._peeked = None
        return token

    def _scan(self) -> Token:
        text, n = self.text, len(self.text)
        while self.i < n and text[self.i] in " \t\r\n":
            self.i += 1
        if self.i >= n:
            return Token(TokenKind.END, "", n)
        start = self.i
        ch = text[start]
        if _is_digit(ch) or (ch == "." and start + 1 < n and _is_digit(text[start + 1])):
            j = start
            while j < n and _is_digit(text[j]):
                j += 1
            if j < n and text[j] == "." and j + 1 < n and _is_digit(text[j + 1]):
                j += 1
                while j < n and _is_digit(text[j]):
                    j += 1
            if j < n and (_is_name_char(text[j]) or text[j] == "."):
                raise ExprError(f"số không hợp lệ: '{text[start : j + 1]}'", start)
            self.i = j
            literal = text[start:j]
            return Token(TokenKind.NUMBER, literal, start, Decimal(literal))
        if _is_name_start(ch):
            j = start + 1
            while j < n and _is_name_char(text[j]):
                j += 1
            if j < n and text[j].isalpha():  # a Vietnamese letter inside a name
                raise ExprError(
                    f"tên chỉ gồm chữ cái không dấu, chữ số và '_': '{text[start : j + 1]}'",
                    start,
                )
            self.i = j
            return Token(TokenKind.NAME, text[start:j], start)
        if ch in "\"'":
            end = text.find(ch, start + 1)
            if end < 0:
                raise ExprError("chuỗi chưa đóng dấu nháy", start)
            self.i = end + 1
            return Token(TokenKind.STRING, text[start + 1 : end], start)
        two = text[start : start + 2]
        if two in _OPERATORS_2:
            self.i += 2
            return Token(TokenKind.OP, two, start)
        if two in ("**", "//", "&&", "||"):
            hint = {
                "**": "phép lũy thừa không được hỗ trợ",
                "//": "phép chia lấy phần nguyên không được hỗ trợ; dùng round(x, 0)",
                "&&": _HINTS["&"],
                "||": _HINTS["|"],
            }[two]
            raise ExprError(f"toán tử '{two}' không hợp lệ: {hint}", start)
        if ch in _OPERATORS_1:
            self.i += 1
            return Token(TokenKind.OP, ch, start)
        if ch in "(),":
            self.i += 1
            return Token(TokenKind(ch), ch, start)
        if ch.isalpha():
            raise ExprError(f"tên chỉ gồm chữ cái không dấu, chữ số và '_' (gặp '{ch}')", start)
        char_hint = _HINTS.get(ch)
        message = f"ký tự không hợp lệ '{ch}'"
        raise ExprError(f"{message}: {char_hint}" if char_hint else message, start)
