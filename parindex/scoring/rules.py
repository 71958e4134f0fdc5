"""Reading and checking the ``rule`` of a leaf (section 3 of the format).

Shapes: ``manual`` (or ``{manual: {step}}``), ``{yes_no: label}``, ``{checklist: [...]}``,
``{survey: {questionnaire, questions}}`` and the general ``{inputs, cases}``. Expressions are
parsed, type-checked and compiled here, once; ``max_points`` is the node's ``max``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .expr import FUNCTIONS, KEYWORDS, CompiledExpression, ExprError, Type, compile_expression
from .expr.typecheck import parse_iso_date
from .model import (
    Case,
    Check,
    CheckLevel,
    ChecklistItem,
    ChecklistRule,
    GeneralRule,
    InputDef,
    InputType,
    ManualRule,
    Questionnaire,
    Rule,
    SurveyRule,
    YesNoRule,
)
from .numbers import ZERO, fits_step, format_decimal
from .reader import Reader, describe, show_number

__all__ = ["RESERVED_NAMES", "constant_expression", "parse_rule"]

RESERVED_NAMES = frozenset({"max_points", "not_applicable", *FUNCTIONS, *KEYWORDS})
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SHORTHANDS = ("manual", "yes_no", "checklist", "survey")
_HUNDRED = Decimal(100)


def constant_expression(value: Decimal) -> CompiledExpression:
    """A number written directly (``points: 0``) as an expression."""
    return CompiledExpression(
        text=format_decimal(value),
        type=Type.NUMBER,
        evaluate=lambda v: value,
        is_constant=True,
        constant=value,
        names=(),
    )


class _RuleReader:
    def __init__(
        self,
        r: Reader,
        code: str,
        node_max: Decimal | None,
        label: str,
        questionnaires: Mapping[str, Questionnaire],
    ) -> None:
        self.r = r
        self.code = code
        self.max = node_max if node_max is not None else Decimal(1)
        self.max_known = node_max is not None
        self.label = label
        self.questionnaires = questionnaires

    def error(self, message: str, where: str | None = None) -> None:
        self.r.error(message, self.code, where)

    def warning(self, message: str, where: str | None = None) -> None:
        self.r.warning(message, self.code, where)

    # -- shorthands ----------------------------------------------------------------------

    def manual(self, value: Any) -> Rule | None:
        if value is None:
            return ManualRule()
        m = self.r.mapping(value, "manual", self.code, "rule")
        if m is None:
            return None
        self.r.unknown_keys(m, ("step",), "manual", self.code, "rule")
        step = self.r.decimal(m, "step", self.code, "rule", positive=True)
        if "step" in m and m["step"] is not None and step is None:
            return None
        if step is not None and self.max_known and not fits_step(self.max, step):
            self.warning(
                f"điểm tối đa {show_number(self.max)} không phải bội của bước "
                f"{show_number(step)}: không chấm được điểm tối đa",
                "rule",
            )
        return ManualRule(step)

    def yes_no(self, value: Any) -> Rule | None:
        if value is None:
            return YesNoRule(self.label)
        if isinstance(value, str) and value.strip():
            return YesNoRule(value)
        self.error(f"yes_no cần một nhãn (chữ), không phải {describe(value)}", "rule")
        return None

    def checklist(self, value: Any) -> Rule | None:
        if not isinstance(value, list) or not value:
            self.error("checklist phải là danh sách các mục {label, points}", "rule")
            return None
        items: list[ChecklistItem] = []
        ok = True
        for i, raw in enumerate(value, 1):
            where = f"checklist, mục {i}"
            m = self.r.mapping(raw, "mục checklist", self.code, where)
            if m is None:
                ok = False
                continue
            self.r.unknown_keys(m, ("label", "points"), "mục checklist", self.code, where)
            label = self.r.text(m, "label", self.code, where, required=True)
            points = self.r.decimal(m, "points", self.code, where, required=True, minimum=ZERO)
            if label is None or points is None:
                ok = False
                continue
            items.append(ChecklistItem(label, points))
        if not ok:
            return None
        total = sum((i.points for i in items), ZERO)
        if self.max_known and total < self.max:
            self.warning(
                f"tổng điểm các mục ({show_number(total)}) nhỏ hơn điểm tối đa "
                f"({show_number(self.max)}): không thể đạt điểm tối đa",
                "rule",
            )
        return ChecklistRule(tuple(items))

    def survey(self, value: Any) -> Rule | None:
        m = self.r.mapping(value, "survey", self.code, "rule")
        if m is None:
            return None
        self.r.unknown_keys(m, ("questionnaire", "questions"), "survey", self.code, "rule")
        qcode: str | None = None
        if "questionnaire" not in m:
            self.error("survey thiếu khóa bắt buộc 'questionnaire'", "rule")
        else:
            qcode = self.r.code(m["questionnaire"], "mã phiếu", self.code, "rule")
        raw = m.get("questions")
        questions: list[str] = []
        if not isinstance(raw, list) or not raw:
            self.error("survey cần 'questions': danh sách mã câu hỏi, ví dụ [C1, C2]", "rule")
            return None
        for q in raw:
            code = self.r.code(q, "mã câu hỏi", self.code, "rule")
            if code is None:
                return None
            if code in questions:
                self.error(f"câu hỏi '{code}' được liệt kê hai lần", "rule")
                return None
            questions.append(code)
        if qcode is None:
            return None
        questionnaire = self.questionnaires.get(qcode)
        if questionnaire is None:
            self.warning(
                f"phiếu khảo sát '{qcode}' chưa có trong bộ tiêu chí: cần đưa tệp phiếu "
                "(--questionnaire) khi chấm điểm",
                "rule",
            )
        else:
            unknown = [q for q in questions if q not in questionnaire.question_codes]
            for q in unknown:
                self.error(
                    f"câu hỏi '{q}' không có trong phiếu '{qcode}' (phiếu có: "
                    f"{', '.join(x.code for x in questionnaire.questions)})",
                    "rule",
                )
            if unknown:
                return None
        return SurveyRule(qcode, tuple(questions))

    # -- general rule --------------------------------------------------------------------

    def bound(self, m: Mapping[Any, Any], key: str, itype: InputType, where: str) -> object:
        value = m.get(key)
        if value is None:
            return None
        if itype is InputType.BOOLEAN:
            self.error(f"đầu vào kiểu boolean không có '{key}'", where)
            return None
        if itype is InputType.DATE:
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                return value
            if isinstance(value, str) and parse_iso_date(value) is not None:
                return parse_iso_date(value)
            self.error(
                f"'{key}' của đầu vào kiểu date phải là ngày yyyy-mm-dd, "
                f"không phải {describe(value)}",
                where,
            )
            return None
        limits = (ZERO, _HUNDRED) if itype is InputType.PERCENT else (None, None)
        return self.r.decimal(m, key, self.code, where, minimum=limits[0], maximum=limits[1])

    def input_def(self, raw: Any, i: int) -> InputDef | None:
        where = f"đầu vào thứ {i}"
        m = self.r.mapping(raw, "đầu vào", self.code, where)
        if m is None:
            return None
        name = m.get("name")
        if isinstance(name, str):
            where = f"đầu vào {name}"
        self.r.unknown_keys(
            m, ("name", "type", "label", "help", "min", "max"), "đầu vào", self.code, where
        )
        if name is None:
            self.error("thiếu khóa bắt buộc 'name'", where)
            return None
        if not isinstance(name, str):
            hint = (
                " (yes/no/on/off bị đọc thành đúng/sai: hãy chọn tên khác)"
                if isinstance(name, bool)
                else ""
            )
            self.error(f"tên đầu vào phải là chữ, không phải {describe(name)}{hint}", where)
            return None
        if not _NAME.match(name):
            self.error(
                f"tên đầu vào '{name}' không hợp lệ: chỉ gồm chữ cái không dấu, chữ số "
                "và '_', không bắt đầu bằng chữ số",
                where,
            )
            return None
        if name in RESERVED_NAMES:
            self.error(f"tên đầu vào '{name}' trùng với một từ dành riêng của biểu thức", where)
            return None
        raw_type = m.get("type")
        if raw_type is None:
            self.error(
                "thiếu khóa bắt buộc 'type' (integer, decimal, percent, boolean, date)", where
            )
            return None
        try:
            itype = InputType(raw_type) if isinstance(raw_type, str) else None
        except ValueError:
            itype = None
        if itype is None:
            self.error(
                f"kiểu đầu vào không hợp lệ: {describe(raw_type)}; dùng integer, decimal, "
                "percent, boolean hoặc date",
                where,
            )
            return None
        label = self.r.text(m, "label", self.code, where) or name
        help_text = self.r.text(m, "help", self.code, where)
        low = self.bound(m, "min", itype, where)
        high = self.bound(m, "max", itype, where)
        if low is not None and high is not None and low > high:  # type: ignore[operator]
            self.error("'min' lớn hơn 'max'", where)
            return None
        return InputDef(name, itype, label, help_text, low, high)

    def expression(
        self, raw: Any, expect: Type, where: str, inputs: Mapping[str, tuple[Type, int]]
    ) -> CompiledExpression | None:
        if expect is Type.NUMBER and isinstance(raw, Decimal) and raw.is_finite():
            return constant_expression(raw)
        if expect is Type.BOOLEAN and isinstance(raw, bool):
            return CompiledExpression(
                text="true" if raw else "false",
                type=Type.BOOLEAN,
                evaluate=lambda v: raw,
                is_constant=True,
                constant=raw,
                names=(),
            )
        if not isinstance(raw, str):
            wanted = "một số hoặc một biểu thức" if expect is Type.NUMBER else "một điều kiện"
            self.error(f"cần {wanted} (chữ), không phải {describe(raw)}", where)
            return None
        try:
            return compile_expression(
                raw, inputs, {"max_points": (Type.NUMBER, self.max)}, expect=expect
            )
        except ExprError as exc:
            self.error(f'biểu thức "{raw}": {exc.describe()}', where)
            return None

    def general(self, m: Mapping[Any, Any]) -> Rule | None:
        self.r.unknown_keys(m, ("inputs", "checks", "cases"), "rule", self.code, "rule")
        raw_inputs = m.get("inputs") or []
        inputs: list[InputDef] = []
        ok = True
        if not isinstance(raw_inputs, list):
            self.error("'inputs' phải là danh sách các đầu vào {name, type, ...}", "rule")
            return None
        for i, raw in enumerate(raw_inputs, 1):
            d = self.input_def(raw, i)
            if d is None:
                ok = False
            elif any(x.name == d.name for x in inputs):
                self.error(f"tên đầu vào '{d.name}' bị trùng", f"đầu vào {d.name}")
                ok = False
            else:
                inputs.append(d)
        raw_cases = m.get("cases")
        if not isinstance(raw_cases, list) or not raw_cases:
            self.error("thiếu 'cases': danh sách các trường hợp {when, points}", "rule")
            return None
        table = {d.name: (d.type.expr_type, i) for i, d in enumerate(inputs)}
        checks = self.checks(m.get("checks"), table)
        if checks is None:
            ok = False
        cases: list[Case] = []
        always_at: int | None = None
        for i, raw in enumerate(raw_cases, 1):
            if always_at is not None:
                self.warning(
                    f"trường hợp {always_at} luôn đúng nên trường hợp này không bao giờ được dùng",
                    f"trường hợp {i}",
                )
            case = self.case(raw, i, table)
            if case is None:
                ok = False
                continue
            cases.append(case)
            when = case.when
            if always_at is None and (when is None or (when.is_constant and when.constant)):
                always_at = i
        if not ok or checks is None:
            return None
        return GeneralRule(tuple(inputs), tuple(cases), checks)

    def checks(self, raw: Any, table: Mapping[str, tuple[Type, int]]) -> tuple[Check, ...] | None:
        """The rule's consistency checks (None on errors)."""
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.error(
                "'checks' phải là danh sách các kiểm tra {require, message, level}", "checks"
            )
            return None
        out: list[Check] = []
        ok = True
        for i, item in enumerate(raw, 1):
            where = f"kiểm tra {i}"
            c = self.r.mapping(item, "kiểm tra", self.code, where)
            if c is None:
                ok = False
                continue
            self.r.unknown_keys(c, ("require", "message", "level"), "kiểm tra", self.code, where)
            require = None
            if c.get("require") is None:
                self.error("thiếu khóa bắt buộc 'require' (điều kiện phải thỏa)", where)
            else:
                require = self.expression(c["require"], Type.BOOLEAN, f"{where}, require", table)
            message = c.get("message")
            if not isinstance(message, str) or not message.strip():
                shown = "thiếu" if message is None else f"không phải chữ ({describe(message)})"
                self.error(
                    f"'message' {shown}: cần câu thông báo người nhập thấy khi kiểm tra không đạt",
                    where,
                )
                message = None
            level = c.get("level", CheckLevel.ERROR.value)
            if level not in (CheckLevel.ERROR.value, CheckLevel.WARNING.value):
                self.error(
                    f"'level' {describe(level)} không hợp lệ: "
                    "chỉ 'error' (mặc định) hoặc 'warning'",
                    where,
                )
                level = None
            if require is None or message is None or level is None:
                ok = False
                continue
            if require.is_constant:
                self.warning(
                    "điều kiện kiểm tra không phụ thuộc số liệu nào nên luôn "
                    + ("đạt" if require.constant else "không đạt"),
                    where,
                )
            slots = tuple(table[name][1] for name in require.names)
            out.append(Check(require, message.strip(), slots, CheckLevel(level)))
        return tuple(out) if ok else None

    def case(self, raw: Any, i: int, table: Mapping[str, tuple[Type, int]]) -> Case | None:
        where = f"trường hợp {i}"
        c = self.r.mapping(raw, "trường hợp", self.code, where)
        if c is None:
            return None
        self.r.unknown_keys(c, ("when", "points"), "trường hợp", self.code, where)
        when = None
        if c.get("when") is not None:
            when = self.expression(c["when"], Type.BOOLEAN, f"{where}, when", table)
        if c.get("points") is None:
            self.error("thiếu khóa bắt buộc 'points'", where)
            return None
        points = self.expression(c["points"], Type.NUMBER, f"{where}, points", table)
        if points is None or (when is None and c.get("when") is not None):
            return None
        if points.is_constant and self.max_known:
            value = points.constant
            if value < 0 or value > self.max:
                self.warning(
                    f"điểm {show_number(value)} nằm ngoài [0; {show_number(self.max)}] "
                    "và sẽ bị giới hạn",
                    f"{where}, points",
                )
        return Case(when, points)


def parse_rule(
    r: Reader,
    raw: Any,
    *,
    code: str,
    node_max: Decimal | None,
    label: str,
    questionnaires: Mapping[str, Questionnaire],
) -> Rule | None:
    """Read a leaf's ``rule`` (None or absent means ``manual``). Returns None on errors."""
    rr = _RuleReader(r, code, node_max, label, questionnaires)
    if raw is None or raw == "manual":
        return ManualRule()
    if isinstance(raw, str):
        hint = (
            ' (yes_no, checklist và survey cần thêm giá trị, ví dụ {yes_no: "Có kế hoạch"})'
            if raw in _SHORTHANDS
            else ""
        )
        rr.error(f"quy tắc không hợp lệ: \"{raw}\"; chỉ 'manual' được viết một mình{hint}", "rule")
        return None
    m = r.mapping(raw, "rule", code, "rule")
    if m is None:
        return None
    kinds = [k for k in _SHORTHANDS if k in m]
    if len(kinds) > 1 or (kinds and ("inputs" in m or "cases" in m)):
        rr.error(
            "mỗi quy tắc chỉ được có một loại: "
            + ", ".join(k for k in (*_SHORTHANDS, "inputs", "cases") if k in m),
            "rule",
        )
        return None
    if not kinds:
        return rr.general(m)
    kind = kinds[0]
    if "checks" in m:
        rr.error(
            f"quy tắc {kind} không có kiểm tra (checks): chỉ quy tắc tổng quát "
            "(inputs + cases) mới có",
            "rule",
        )
        return None
    r.unknown_keys(m, (kind,), "rule", code, "rule")
    if kind == "manual":
        return rr.manual(m[kind])
    if kind == "yes_no":
        return rr.yes_no(m[kind])
    if kind == "checklist":
        return rr.checklist(m[kind])
    return rr.survey(m[kind])
