"""Opening an assessment and saving what is recorded for one criterion."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from parindex.campaigns.models import AssessedUnit
from parindex.core.audit import audit_record
from parindex.core.errors import ConflictError, ServiceError
from parindex.scoring import ProblemsError, format_decimal, input_specs, score_unit

from ..context import AssessmentContext, context_for, evaluations_of, self_entries, with_related
from ..evaluation import Evaluation, clean_raw, evaluate
from ..models import Assessment, Entry, Stage
from ..permissions import (
    ensure_can_edit_entry,
    ensure_can_view_assessment,
    is_organiser_side,
    unit_roles,
)
from ..workflow import EDITABLE, Status
from ._common import (
    actor_or_none,
    audit_burst,
    clean_text,
    edit_answer,
    last_submitted_at,
    phase_rules,
)

CONFLICT_MESSAGE = (
    "Tiêu chí {code} vừa được {who} lưu lúc {at}; bản bạn đang sửa đã cũ. Hãy xem hai bản "
    "bên dưới rồi chọn giữ bản nào."
)


class EntryConflict(ConflictError):
    """A stale save: carries what the user sent (``mine``) and the stored entry (``theirs``)."""

    def __init__(self, message: str, *, mine: dict[str, Any], theirs: Entry | None) -> None:
        super().__init__(message, code="conflict")
        self.mine = mine
        self.theirs = theirs


@dataclass
class SaveResult:
    entry: Entry
    evaluation: Evaluation
    changed: bool


def assessment_get_or_create(*, actor: Any, assessed_unit: AssessedUnit) -> Assessment:
    """The assessment of an assessed unit, created (draft, empty) on first use."""
    found = with_related(Assessment.objects.filter(assessed_unit=assessed_unit)).first()
    if found is not None:
        ensure_can_view_assessment(actor, found)
        return found
    probe = Assessment(assessed_unit=assessed_unit)
    if not (is_organiser_side(actor, probe) or unit_roles(actor, probe)):
        raise PermissionDenied("Bạn không xem được hồ sơ tự đánh giá của đơn vị này.")
    try:
        with transaction.atomic():
            created = Assessment.objects.create(assessed_unit=assessed_unit)
            audit_record(
                actor=actor,
                action="assessment.create",
                obj=created,
                changes={"status": [None, Status.DRAFT.value]},
                scope_unit_id=assessed_unit.unit_id,
            )
    except IntegrityError:
        pass  # created meanwhile by someone else
    return with_related(Assessment.objects.filter(assessed_unit=assessed_unit)).get()


def recompute_totals(ctx: AssessmentContext, entries: list[Entry] | None = None) -> None:
    """Completeness and claimed points of the assessment from its entries (one read, one
    write): the engine scores the complete entries; survey- and organiser-sourced leaves count
    as missing, so the claimed total is what the unit's own entries earn."""
    rows = entries if entries is not None else self_entries(ctx.assessment)
    evaluations = evaluations_of(ctx, rows)
    fillable = ctx.fillable_leaves()
    na_parents = {code for code, ev in evaluations.items() if ev.not_applicable}
    counted = 0
    done = 0
    for node in fillable:
        if _under(ctx, node.code, na_parents) and node.code not in na_parents:
            continue
        counted += 1
        ev = evaluations.get(node.code)
        if ev is not None and ev.complete:
            done += 1
    completeness = Decimal(100) if not counted else Decimal(done * 100) / Decimal(counted)
    total = maximum = index = None
    try:
        result = score_unit(ctx.framework, ctx.engine_unit(), ctx.facts(evaluations))
    except ProblemsError:
        result = None
    if result is not None:
        total, maximum, index = result.total, result.applicable_max, result.index
    Assessment.objects.filter(pk=ctx.assessment.pk).update(
        completeness=round(completeness, 2),
        claimed_total=total,
        claimed_max=maximum,
        claimed_index=index,
    )
    a = ctx.assessment
    a.completeness, a.claimed_total = round(completeness, 2), total
    a.claimed_max, a.claimed_index = maximum, index


def _under(ctx: AssessmentContext, code: str, codes: set[str]) -> bool:
    node = ctx.framework.by_code.get(code)
    while node is not None:
        if node.code in codes:
            return True
        node = ctx.framework.by_code.get(node.parent) if node.parent else None
    return False


def _who(entry: Entry) -> str:
    user = entry.updated_by
    return user.get_full_name() if user is not None else "người khác"


def _fresh_entry(assessment: Assessment, code: str, stage: str) -> Entry | None:
    return (
        Entry.objects.filter(assessment=assessment, node_code=code, stage=stage)
        .select_related("updated_by")
        .first()
    )


def _conflict(mine: dict[str, Any], theirs: Entry | None, code: str) -> EntryConflict:
    if theirs is None:
        return EntryConflict(
            f"Tiêu chí {code} đã thay đổi; hãy tải lại trang.", mine=mine, theirs=None
        )
    at = timezone.localtime(theirs.updated_at).strftime("%H:%M %d/%m/%Y")
    message = CONFLICT_MESSAGE.format(code=code, who=_who(theirs), at=at)
    return EntryConflict(message, mine=mine, theirs=theirs)


def entry_save(
    *,
    actor: Any,
    assessment: Assessment,
    node_code: str,
    raw_inputs: dict[str, Any],
    justification: str = "",
    not_applicable_reason: str = "",
    expected_version: int,
    stage: str = Stage.SELF,
    context: AssessmentContext | None = None,
    recompute: bool = True,
) -> SaveResult:
    """Record what the unit typed for one criterion (``expected_version`` 0: not saved yet).

    Raw text is kept even while incomplete or wrong; points and the engine's explanation are
    stored only when every input is present and valid. A save based on an older version raises
    :class:`EntryConflict` with both versions; saving the same content again changes nothing.
    ``recompute=False`` leaves the assessment's totals to the caller (bulk imports).
    """
    if stage != Stage.SELF:
        raise ServiceError("Vòng thẩm định được chấm ở trang thẩm định.")
    ctx = context or context_for(assessment)
    framework = ctx.framework
    code = (node_code or "").strip()
    node = framework.by_code.get(code)
    if node is None:
        raise ServiceError(f"Bộ tiêu chí không có tiêu chí mã {code}.")
    ensure_can_edit_entry(actor, assessment, code)
    excluded = ctx.excluded_reason(node)
    if excluded is not None:
        raise ServiceError(f"Tiêu chí {code}: {excluded}")
    reason = clean_text(not_applicable_reason)
    if reason and not node.may_not_apply:
        raise ServiceError(f"Tiêu chí {code} không được khai báo không áp dụng.")
    specs = input_specs(framework, code)
    try:
        raw = clean_raw(
            specs, {k: clean_text(v) if isinstance(v, str) else v for k, v in raw_inputs.items()}
        )
    except KeyError as exc:
        raise ServiceError(f"Tiêu chí {code} không có số liệu tên “{exc.args[0]}”.") from None
    if not node.is_leaf and raw:
        raise ServiceError(f"Tiêu chí {code} có tiêu chí con: hãy nhập số liệu ở tiêu chí con.")
    note = clean_text(justification)
    ev = evaluate(framework, code, raw, not_applicable_reason=reason, specs=specs)
    mine = {"raw_inputs": raw, "justification": note, "not_applicable_reason": reason}

    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if Status(locked.status) not in EDITABLE:
            raise ServiceError("Hồ sơ đã gửi: cần rút lại (hoặc được trả lại) trước khi sửa.")
        assessment.status = locked.status
        answer = edit_answer(locked, phase_rules(assessment), last_submitted_at(locked))
        if not answer:
            raise ServiceError(answer.reason)
        existing = _fresh_entry(assessment, code, stage)
        fields = {
            "raw_inputs": raw,
            "points": ev.points,
            "explanation": ev.explanation,
            "not_applicable_reason": reason,
            "justification": note,
        }
        if existing is None:
            if expected_version:
                raise _conflict(mine, None, code)
            try:
                with transaction.atomic():
                    entry = Entry.objects.create(
                        assessment=assessment,
                        node_code=code,
                        stage=stage,
                        updated_by=actor_or_none(actor),
                        **fields,
                    )
            except IntegrityError:
                raise _conflict(mine, _fresh_entry(assessment, code, stage), code) from None
            old: dict[str, Any] = {
                "raw_inputs": {},
                "points": None,
                "justification": "",
                "not_applicable_reason": "",
            }
        else:
            same = (
                existing.raw_inputs == raw
                and existing.justification == note
                and existing.not_applicable_reason == reason
            )
            if same:
                return SaveResult(entry=existing, evaluation=ev, changed=False)
            if existing.version != expected_version:
                raise _conflict(mine, existing, code)
            now = timezone.now()
            updated = Entry.objects.filter(pk=existing.pk, version=expected_version).update(
                version=F("version") + 1,
                updated_at=now,
                updated_by=actor_or_none(actor),
                **fields,
            )
            if not updated:
                raise _conflict(mine, _fresh_entry(assessment, code, stage), code)
            old = {
                "raw_inputs": existing.raw_inputs,
                "points": existing.points,
                "justification": existing.justification,
                "not_applicable_reason": existing.not_applicable_reason,
            }
            entry = existing
            for name, value in fields.items():
                setattr(entry, name, value)
            entry.version = expected_version + 1
            entry.updated_at = now
            entry.updated_by = actor_or_none(actor)
        new = {
            "raw_inputs": raw,
            "points": ev.points,
            "justification": note,
            "not_applicable_reason": reason,
        }
        places = framework.decimals
        changes = {
            name: [_show(old[name], places), _show(new[name], places)]
            for name in new
            if old[name] != new[name]
        }
        audit_burst(
            actor=actor,
            action="assessment.entry.save",
            obj=entry,
            changes=changes,
            scope_unit_id=ctx.unit.pk,
            key=f"entry:{entry.pk}",
        )
        if recompute:
            recompute_totals(ctx)
    return SaveResult(entry=entry, evaluation=ev, changed=True)


def _show(value: Any, places: int) -> Any:
    if isinstance(value, Decimal):
        return format_decimal(value, places)
    return value
