"""Reading and checking an uploaded criteria set, without touching the database.

An upload is the set itself (``.yaml``, ``.yml`` or ``.xlsx``) plus any questionnaire files
(``parindex-questionnaire/1``, YAML) its survey rules use. :func:`check_upload` reads them
through the engine's document layer, runs the engine's full check and returns a
:class:`CheckResult`: every problem (errors and warnings, naming the file, the node, and for a
workbook the sheet, row and column), and for a clean set the canonical YAML, its SHA-256 and a
summary. Nothing here raises for bad input.

The canonical YAML leaves out the default ``rule: manual`` on leaves (see
:func:`parindex.scoring.yamlio.dump_canonical_yaml`), so a set downloaded as .xlsx — where "no
rule" and ``manual`` are both an empty ``Cách chấm`` cell — and uploaded again gives the same
canonical YAML and SHA-256.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from parindex.core.text import fold
from parindex.scoring import Framework, Problem, ProblemsError, Questionnaire, parse_framework
from parindex.scoring import read_questionnaire as engine_read_questionnaire
from parindex.scoring.model import NodeKind
from parindex.scoring.yamlio import canonical_sha256, dump_canonical_yaml, dump_flow, load_yaml_text

__all__ = [
    "SET_SUFFIXES",
    "CheckResult",
    "CheckedQuestionnaire",
    "NodeRecord",
    "Summary",
    "UploadFile",
    "check_document",
    "check_upload",
    "display_name",
    "find_raw_node",
    "iter_raw_nodes",
    "node_records",
    "questionnaires_digest",
    "read_questionnaire_file",
    "read_set_document",
]

SET_SUFFIXES = (".yaml", ".yml", ".xlsx")
QUESTIONNAIRE_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class UploadFile:
    """One uploaded file: the name the user gave it and its bytes."""

    name: str
    content: bytes


@dataclass(frozen=True, slots=True)
class CheckedQuestionnaire:
    """A questionnaire of the set: inline (in the set's document) or from its own file."""

    code: str
    name: str
    is_inline: bool
    document: Any
    canonical_yaml: str
    sha256: str


@dataclass(frozen=True, slots=True)
class NodeRecord:
    """What is stored of one node (one ``CriterionNode`` row): effective values from the
    engine, the rule as YAML flow text from the document."""

    code: str
    parent: str | None
    position: int  # pre-order index
    depth: int
    name: str
    name_folded: str
    max: Decimal
    capped: bool
    kind: str  # "", "bonus", "penalty"
    is_leaf: bool
    rule_kind: str  # "" for parents
    rule_text: str  # "" for parents
    source: str
    evidence: str
    evidence_hint: str
    guidance: str
    owner_hint: str
    applies_to: list[str] | None
    may_not_apply: bool


@dataclass(frozen=True, slots=True)
class Summary:
    """What a clean set holds, for the preview and the list."""

    code: str
    name: str
    year: int | None
    applies_to: tuple[str, ...]
    fields: int  # top-level nodes that are neither bonus nor penalty
    nodes: int
    leaves: int
    max_points: Decimal
    bonus_max: Decimal
    penalty_max: Decimal
    questionnaires: tuple[str, ...]
    bands: tuple[str, ...]


@dataclass
class CheckResult:
    """The outcome of checking an upload. ``framework`` is None whenever there is an error."""

    filename: str
    document: Any = None
    framework: Framework | None = None
    problems: list[Problem] = field(default_factory=list)
    questionnaires: list[CheckedQuestionnaire] = field(default_factory=list)
    canonical_yaml: str = ""
    sha256: str = ""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return self.framework is not None and not self.errors

    @property
    def external_questionnaires(self) -> list[CheckedQuestionnaire]:
        return [q for q in self.questionnaires if not q.is_inline]

    @property
    def questionnaires_sha256(self) -> str:
        return questionnaires_digest((q.code, q.sha256) for q in self.external_questionnaires)

    def summary(self) -> Summary | None:
        fw = self.framework
        if fw is None:
            return None
        return summarise(fw, self.questionnaires)


def summarise(fw: Framework, questionnaires: Sequence[CheckedQuestionnaire] = ()) -> Summary:
    bonus = sum((n.max for n in fw.nodes if n.kind is NodeKind.BONUS), Decimal(0))
    penalty = sum((n.max for n in fw.nodes if n.kind is NodeKind.PENALTY), Decimal(0))
    names = [f"{q.code}: {q.name}" for q in questionnaires] or [
        f"{code}: {q.name}" for code, q in fw.questionnaires.items()
    ]
    return Summary(
        code=fw.code,
        name=fw.name,
        year=fw.year,
        applies_to=tuple(fw.applies_to or ()),
        fields=sum(1 for n in fw.nodes if n.kind is None),
        nodes=len(fw.order),
        leaves=sum(1 for n in fw.order if n.is_leaf),
        max_points=fw.max,
        bonus_max=bonus,
        penalty_max=penalty,
        questionnaires=tuple(names),
        bands=tuple(b.label for b in fw.bands),
    )


def node_records(framework: Framework, document: Any) -> list[NodeRecord]:
    """One record per node of a checked set, in pre-order."""
    raw_by_code = {
        raw["code"]: raw
        for raw in iter_raw_nodes(document.get("nodes") if isinstance(document, dict) else None)
        if isinstance(raw.get("code"), str)
    }
    records: list[NodeRecord] = []
    for position, node in enumerate(framework.order):
        raw = raw_by_code.get(node.code, {})
        records.append(
            NodeRecord(
                code=node.code,
                parent=node.parent,
                position=position,
                depth=node.depth,
                name=node.name,
                name_folded=fold(node.name),
                max=node.max,
                capped=node.capped,
                kind=node.kind.value if node.kind is not None else "",
                is_leaf=node.is_leaf,
                rule_kind=node.rule.kind if node.rule is not None else "",
                rule_text=dump_flow(raw.get("rule", "manual"), parent="rule")
                if node.is_leaf
                else "",
                source=node.source.value,
                evidence=node.evidence.value,
                evidence_hint=node.evidence_hint or "",
                guidance=node.guidance or "",
                owner_hint=node.owner_hint or "",
                applies_to=sorted(node.applies_to) if node.applies_to is not None else None,
                may_not_apply=node.may_not_apply,
            )
        )
    return records


def questionnaires_digest(pairs: Iterable[tuple[str, str]]) -> str:
    """SHA-256 over (code, sha256) of the separate questionnaires; empty text when none."""
    items = sorted(pairs)
    if not items:
        return ""
    text = "\n".join(f"{code}\t{sha}" for code, sha in items)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def display_name(name: str) -> str:
    """The file's own name, without any folder a browser may send."""
    base = PurePath(name.replace("\\", "/")).name.strip()
    return base or "tep-tai-len"


def _suffix(name: str) -> str:
    return PurePath(name).suffix.lower()


def _decode(filename: str, content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise ProblemsError(
            [
                Problem(
                    filename,
                    "tệp không phải văn bản UTF-8 (hãy lưu lại với bảng mã UTF-8)",
                    where=f"dòng {line}",
                )
            ]
        ) from None


def read_set_document(filename: str, content: bytes) -> tuple[Any, list[Problem]]:
    """The document of an uploaded set and the warnings found reading it.

    Raises :class:`ProblemsError` when the file cannot be read (every problem, naming the
    sheet, row and column for a workbook)."""
    suffix = _suffix(filename)
    if suffix not in SET_SUFFIXES:
        hint = " (tệp .xls cũ: hãy mở bằng Excel và lưu thành .xlsx)" if suffix == ".xls" else ""
        raise ProblemsError(
            [Problem(filename, f"định dạng tệp không hỗ trợ: cần tệp .yaml, .yml hoặc .xlsx{hint}")]
        )
    if not content:
        raise ProblemsError([Problem(filename, "tệp rỗng")])
    if suffix == ".xlsx":
        from parindex.core.sheets import sheet_limits
        from parindex.scoring.xlsxform import SET_LIMITS, read_workbook_with_warnings

        handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="parindex-set-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(content)
            doc, warnings = read_workbook_with_warnings(
                path, filename=filename, limits=sheet_limits(rows=SET_LIMITS.max_rows)
            )
        finally:
            os.unlink(path)
        return doc, list(warnings)
    return load_yaml_text(_decode(filename, content), filename=filename), []


def read_questionnaire_file(
    filename: str, content: bytes
) -> tuple[Questionnaire | None, Any, list[Problem]]:
    """A questionnaire file: ``(questionnaire or None, document, problems)``."""
    if _suffix(filename) not in QUESTIONNAIRE_SUFFIXES:
        return None, None, [Problem(filename, "phiếu khảo sát phải là tệp .yaml hoặc .yml")]
    try:
        doc = load_yaml_text(_decode(filename, content), filename=filename)
    except ProblemsError as exc:
        return None, None, list(exc.problems)
    questionnaire, problems = engine_read_questionnaire(doc, file=filename)
    return questionnaire, doc, list(problems)


def iter_raw_nodes(nodes: Any) -> Iterator[dict[Any, Any]]:
    """The node mappings of a document's ``nodes`` list, in pre-order."""
    if not isinstance(nodes, list):
        return
    for raw in nodes:
        if not isinstance(raw, dict):
            continue
        yield raw
        yield from iter_raw_nodes(raw.get("children"))


def find_raw_node(doc: Any, code: str) -> dict[Any, Any] | None:
    """The mapping of node ``code`` in a document (None when absent)."""
    for raw in iter_raw_nodes(doc.get("nodes") if isinstance(doc, dict) else None):
        if raw.get("code") == code:
            return raw
    return None


def _inline_questionnaires(doc: Mapping[Any, Any], given: set[str]) -> list[CheckedQuestionnaire]:
    found: list[CheckedQuestionnaire] = []
    raw_list = doc.get("questionnaires")
    if not isinstance(raw_list, list):
        return found
    for raw in raw_list:
        if not isinstance(raw, dict) or not isinstance(raw.get("code"), str):
            continue
        if raw["code"] in given:  # the separate file wins (the engine warns)
            continue
        found.append(
            CheckedQuestionnaire(
                code=raw["code"],
                name=str(raw.get("name") or raw["code"]),
                is_inline=True,
                document=raw,
                canonical_yaml=dump_canonical_yaml(raw),
                sha256=canonical_sha256(raw),
            )
        )
    return found


def check_document(
    doc: Any,
    *,
    filename: str,
    questionnaire_files: Sequence[UploadFile] = (),
    read_problems: Sequence[Problem] = (),
) -> CheckResult:
    """Check a set's document with its questionnaire files through the engine."""
    result = CheckResult(filename=filename, document=doc, problems=list(read_problems))
    engine_qs: list[Questionnaire] = []
    external: list[CheckedQuestionnaire] = []
    for upload in questionnaire_files:
        name = display_name(upload.name)
        q, qdoc, problems = read_questionnaire_file(name, upload.content)
        result.problems.extend(problems)
        if q is None:
            continue
        if any(other.code == q.code for other in engine_qs):
            result.problems.append(Problem(name, f"phiếu '{q.code}' đã được đưa vào ở tệp khác"))
            continue
        engine_qs.append(q)
        external.append(
            CheckedQuestionnaire(
                code=q.code,
                name=q.name,
                is_inline=False,
                document=qdoc,
                canonical_yaml=dump_canonical_yaml(qdoc),
                sha256=canonical_sha256(qdoc),
            )
        )
    framework, problems = parse_framework(doc, file=filename, questionnaires=engine_qs)
    result.problems.extend(problems)
    if framework is None or result.errors:
        return result
    try:
        canonical = dump_canonical_yaml(doc)
    except ValueError as exc:  # pragma: no cover - a checked document always dumps
        result.problems.append(Problem(filename, f"không ghi được YAML chuẩn: {exc}"))
        return result
    result.framework = framework
    result.canonical_yaml = canonical
    result.sha256 = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    result.questionnaires = _inline_questionnaires(doc, {q.code for q in external}) + external
    return result


def check_upload(
    filename: str, content: bytes, questionnaire_files: Sequence[UploadFile] = ()
) -> CheckResult:
    """Read and check an uploaded set (see the module description)."""
    name = display_name(filename)
    try:
        doc, warnings = read_set_document(name, content)
    except ProblemsError as exc:
        result = CheckResult(filename=name, problems=list(exc.problems))
        # The questionnaires are still read, so every problem is listed at once.
        for upload in questionnaire_files:
            qname = display_name(upload.name)
            _q, _doc, problems = read_questionnaire_file(qname, upload.content)
            result.problems.extend(problems)
        return result
    return check_document(
        doc, filename=name, questionnaire_files=questionnaire_files, read_problems=warnings
    )
