"""Parser of rule expressions: precedence climbing (Pratt) over :class:`Lexer` tokens.

Grammar, loosest first::

    expr       := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | comparison
    comparison := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?   -- no chaining
    sum        := product (("+" | "-") product)*
    product    := unary (("*" | "/") unary)*
    unary      := "-" unary | primary
    primary    := NUMBER | "true" | "false" | STRING | NAME | NAME "(" args ")" | "(" expr ")"

Only the functions of :data:`FUNCTIONS` can be called; anything else is an error at once.
"""

from __future__ import annotations

from .ast import Binary, BoolLit, Call, Expr, Name, NumberLit, StringLit, Unary
from .errors import ExprError
from .lexer import Lexer, Token, TokenKind

__all__ = ["FUNCTIONS", "KEYWORDS", "MAX_DEPTH", "parse"]

FUNCTIONS = ("min", "max", "abs", "round", "date", "days_between")
KEYWORDS = ("and", "or", "not", "true", "false")
COMPARISONS = frozenset({"<", "<=", ">", ">=", "==", "!="})
MAX_DEPTH = 60  # nesting limit: keeps evaluation far from Python's recursion limit

INFIX_PRECEDENCE: dict[str, int] = {
    "or": 1,
    "and": 2,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    "==": 4,
    "!=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
}
_NOT_PRECEDENCE = 3
_UNARY_PRECEDENCE = 7


def _describe(token: Token) -> str:
    if token.kind is TokenKind.END:
        return "cuối biểu thức"
    return f"'{token.text}'"


class _Parser:
    def __init__(self, text: str) -> None:
        self.lexer = Lexer(text)
        self.depth = 0

    def _infix_op(self, token: Token) -> str | None:
        if token.kind is TokenKind.OP or (
            token.kind is TokenKind.NAME and token.text in ("and", "or")
        ):
            return token.text
        return None

    def expression(self, min_prec: int = 1) -> Expr:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError("biểu thức lồng nhau quá sâu", self.lexer.peek().pos)
        left = self.prefix()
        compared = False
        while True:
            token = self.lexer.peek()
            op = self._infix_op(token)
            if op is None:
                break
            prec = INFIX_PRECEDENCE[op]
            if prec < min_prec:
                break
            if op in COMPARISONS:
                if compared:
                    raise ExprError(
                        "không viết so sánh nối tiếp (a < b < c); hãy dùng 'a < b and b < c'",
                        token.pos,
                    )
                compared = True
            self.lexer.next()
            right = self.expression(prec + 1)
            left = Binary(op, left, right, token.pos)
        self.depth -= 1
        return left

    def prefix(self) -> Expr:
        token = self.lexer.next()
        kind = token.kind
        if kind is TokenKind.NUMBER:
            assert token.number is not None
            return NumberLit(token.number, token.pos)
        if kind is TokenKind.STRING:
            return StringLit(token.text, token.pos)
        if kind is TokenKind.LPAREN:
            inner = self.expression()
            closing = self.lexer.next()
            if closing.kind is not TokenKind.RPAREN:
                raise ExprError(
                    f"thiếu ')' đóng ngoặc mở ở ký tự {token.pos + 1} (gặp {_describe(closing)})",
                    closing.pos,
                )
            return inner
        if kind is TokenKind.OP and token.text == "-":
            return Unary("-", self.expression(_UNARY_PRECEDENCE), token.pos)
        if kind is TokenKind.NAME:
            name = token.text
            if name in ("true", "false"):
                return BoolLit(name == "true", token.pos)
            if name == "not":
                return Unary("not", self.expression(_NOT_PRECEDENCE + 1), token.pos)
            if name in ("and", "or"):
                raise ExprError(f"thiếu biểu thức trước '{name}'", token.pos)
            if self.lexer.peek().kind is TokenKind.LPAREN:
                return self.call(token)
            return Name(name, token.pos)
        if kind is TokenKind.END:
            raise ExprError("biểu thức chưa kết thúc: thiếu một giá trị", token.pos)
        if kind is TokenKind.OP and token.text == "+":
            raise ExprError("thiếu giá trị trước '+'", token.pos)
        raise ExprError(f"không mong đợi {_describe(token)}: thiếu một giá trị", token.pos)

    def call(self, name_token: Token) -> Expr:
        func = name_token.text
        if func not in FUNCTIONS:
            raise ExprError(
                f"hàm '{func}' không được hỗ trợ; chỉ dùng được: {', '.join(FUNCTIONS)}",
                name_token.pos,
            )
        self.lexer.next()  # "("
        args: list[Expr] = []
        if self.lexer.peek().kind is TokenKind.RPAREN:
            self.lexer.next()
            return Call(func, (), name_token.pos)
        while True:
            args.append(self.expression())
            token = self.lexer.next()
            if token.kind is TokenKind.RPAREN:
                return Call(func, tuple(args), name_token.pos)
            if token.kind is not TokenKind.COMMA:
                raise ExprError(
                    f"thiếu ',' hoặc ')' trong lời gọi {func}(...) (gặp {_describe(token)})",
                    token.pos,
                )


def parse(text: str) -> Expr:
    """Parse ``text``; raises :class:`ExprError` with a Vietnamese message and position."""
    if not text.strip():
        raise ExprError("biểu thức trống")
    parser = _Parser(text)
    expr = parser.expression()
    token = parser.lexer.next()
    if token.kind is not TokenKind.END:
        if token.kind is TokenKind.COMMA:
            raise ExprError(
                "dấu phẩy không đúng chỗ (số thập phân viết bằng dấu chấm: 0.9)", token.pos
            )
        if token.kind is TokenKind.RPAREN:
            raise ExprError("thừa dấu ')'", token.pos)
        raise ExprError(f"thiếu toán tử trước {_describe(token)}", token.pos)
    return expr
