"""The ``parindex`` command: criteria sets without a database.

    parindex framework check FILE [--questionnaire FILE]...
    parindex framework score FRAMEWORK FACTS [--json] [--strict] [--questionnaire FILE]...
    parindex framework ranking FRAMEWORK FACTS... [--json] [--questionnaire FILE]...
    parindex framework export FILE [--xlsx OUT.xlsx] [--yaml OUT.yaml]

Exit codes: 0 success (warnings allowed), 1 a bad set or bad facts (or missing facts with
``--strict``; a file that cannot be read is bad input too), 2 wrong usage. Problems go to
standard error, one Vietnamese line each naming the file and node; results to standard output.
Both streams are UTF-8 whatever the locale. No traceback is ever printed (set
``PARINDEX_DEBUG=1`` to see one for an internal error).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from parindex.scoring.problems import Problem, ProblemsError, Severity

__all__ = ["build_parser", "main"]

_ARGPARSE_MESSAGES = (
    ("the following arguments are required:", "thiếu đối số:"),
    ("unrecognized arguments:", "đối số không nhận ra:"),
    ("invalid choice:", "lựa chọn không hợp lệ:"),
    ("expected one argument", "cần một giá trị"),
    ("expected at least one argument", "cần ít nhất một giá trị"),
    ("choose from", "chọn một trong"),
)


class _Parser(argparse.ArgumentParser):
    """argparse with Vietnamese error lines; usage errors exit with status 2."""

    def error(self, message: str) -> NoReturn:
        for english, vietnamese in _ARGPARSE_MESSAGES:
            message = message.replace(english, vietnamese)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: lỗi cách dùng: {message}\n")


def _utf8_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        reconfigure = getattr(stream, "reconfigure", None)
        if encoding != "utf8" and reconfigure is not None:
            try:
                reconfigure(encoding="utf-8")
            except (ValueError, OSError):  # pragma: no cover - stream already in use
                pass


def _report(problems: Iterable[Problem]) -> bool:
    """Print every problem on stderr; True when one of them is an error."""
    has_error = False
    for p in problems:
        print(p.line(), file=sys.stderr)
        has_error = has_error or p.is_error
    return has_error


def _cmd_check(args: argparse.Namespace) -> int:
    from parindex.scoring.loading import load_framework
    from parindex.scoring.render import check_summary

    framework, _, problems = load_framework(args.file, args.questionnaire)
    if _report(problems) or framework is None:
        return 1
    warnings = sum(1 for p in problems if not p.is_error)
    print(check_summary(framework, args.file, warnings))
    return 0


def _missing_warning(file: str, missing: Sequence[str]) -> Problem:
    shown = ", ".join(missing[:20]) + (", ..." if len(missing) > 20 else "")
    return Problem(
        file,
        f"{len(missing)} tiêu chí chưa có số liệu (tính 0 điểm): {shown}",
        severity=Severity.WARNING,
    )


def _cmd_score(args: argparse.Namespace) -> int:
    from parindex.scoring.aggregate import score_facts
    from parindex.scoring.loading import load_facts, load_framework
    from parindex.scoring.render import score_table

    framework, questionnaires, problems = load_framework(args.framework, args.questionnaire)
    if framework is None:
        _report(problems)
        return 1
    facts, found = load_facts(args.facts, framework, questionnaires)
    problems += found
    if facts is None:
        _report(problems)
        return 1
    try:
        result = score_facts(framework, facts, strict=args.strict, file=args.facts)
    except ProblemsError as exc:
        _report(problems + exc.problems)
        return 1
    problems.extend(
        Problem(args.facts, w.message, w.node, severity=Severity.WARNING)
        for w in facts.check_warnings
    )
    if result.missing:
        problems.append(_missing_warning(args.facts, result.missing))
    _report(problems)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        print(score_table(result))
    return 0


def _cmd_ranking(args: argparse.Namespace) -> int:
    from parindex.scoring.aggregate import score_facts
    from parindex.scoring.loading import load_facts, load_framework
    from parindex.scoring.ranking import rank_results, ranking_json
    from parindex.scoring.render import ranking_table
    from parindex.scoring.result import UnitResult

    framework, questionnaires, problems = load_framework(args.framework, args.questionnaire)
    if framework is None:
        _report(problems)
        return 1
    results: list[UnitResult] = []
    files_by_unit: dict[str, str] = {}
    failed = False
    for path in args.facts:
        facts, found = load_facts(path, framework, questionnaires)
        problems += found
        if facts is None:
            failed = True
            continue
        other = files_by_unit.get(facts.unit.code)
        if other is not None:
            problems.append(Problem(path, f"đơn vị {facts.unit.code} đã có trong tệp {other}"))
            failed = True
            continue
        files_by_unit[facts.unit.code] = path
        try:
            result = score_facts(framework, facts, file=path)
        except ProblemsError as exc:
            problems += exc.problems
            failed = True
            continue
        if result.missing:
            problems.append(_missing_warning(path, result.missing))
        results.append(result)
    if _report(problems) or failed:
        return 1
    ranked = rank_results(results)
    if args.json:
        doc = ranking_json(framework.code, ranked, framework.decimals)
        print(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        print(ranking_table(framework, ranked))
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    if args.xlsx is None and args.yaml is None:
        args.parser.error("cần ít nhất một tệp đích: --xlsx OUT.xlsx hoặc --yaml OUT.yaml")
    from parindex.scoring.export import export_document

    warnings = export_document(
        Path(args.file),
        xlsx=Path(args.xlsx) if args.xlsx else None,
        yaml=Path(args.yaml) if args.yaml else None,
    )
    _report(warnings or [])
    for out in (args.xlsx, args.yaml):
        if out:
            print(f"đã ghi {out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="parindex", description="Chỉ số cải cách hành chính (PAR Index).")
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="LỆNH", parser_class=_Parser
    )
    fw = commands.add_parser("framework", help="bộ tiêu chí: kiểm tra, chấm điểm, xếp hạng")
    actions = fw.add_subparsers(dest="action", required=True, metavar="VIỆC", parser_class=_Parser)

    def questionnaire_option(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--questionnaire",
            action="append",
            default=[],
            metavar="FILE",
            help="tệp phiếu khảo sát (lặp lại cho mỗi phiếu)",
        )

    check = actions.add_parser("check", help="kiểm tra một bộ tiêu chí (.yaml hoặc .xlsx)")
    check.add_argument("file", metavar="FILE")
    questionnaire_option(check)
    check.set_defaults(handler=_cmd_check)

    score = actions.add_parser("score", help="chấm điểm một đơn vị từ tệp số liệu")
    score.add_argument("framework", metavar="FRAMEWORK")
    score.add_argument("facts", metavar="FACTS")
    score.add_argument("--json", action="store_true", help="kết quả dạng JSON")
    score.add_argument(
        "--strict", action="store_true", help="thiếu số liệu của tiêu chí nào là lỗi"
    )
    questionnaire_option(score)
    score.set_defaults(handler=_cmd_score)

    ranking = actions.add_parser("ranking", help="xếp hạng các đơn vị theo chỉ số")
    ranking.add_argument("framework", metavar="FRAMEWORK")
    ranking.add_argument("facts", metavar="FACTS", nargs="+")
    ranking.add_argument("--json", action="store_true", help="kết quả dạng JSON")
    questionnaire_option(ranking)
    ranking.set_defaults(handler=_cmd_ranking)

    export = actions.add_parser("export", help="chuyển bộ tiêu chí giữa YAML và .xlsx")
    export.add_argument("file", metavar="FILE")
    export.add_argument("--xlsx", metavar="OUT.xlsx")
    export.add_argument("--yaml", metavar="OUT.yaml")
    export.set_defaults(handler=_cmd_export, parser=export)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status."""
    _utf8_streams()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        handler: Callable[[argparse.Namespace], int] = args.handler
        return handler(args)
    except SystemExit as exc:  # argparse: --help (0) and usage errors (2)
        code: Any = exc.code
        return code if isinstance(code, int) else (0 if code is None else 2)
    except ProblemsError as exc:
        _report(exc.problems)
        return 1
    except KeyboardInterrupt:
        print("parindex: đã dừng", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback for a user
        if os.environ.get("PARINDEX_DEBUG"):
            raise
        print(
            f"parindex: lỗi nội bộ ({type(exc).__name__}: {exc}); hãy báo lỗi này", file=sys.stderr
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
