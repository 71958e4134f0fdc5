"""Starting an assessment and saving what is recorded for its criteria (one or many at once)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from parindex.accounts.permissions import ensure
from parindex.campaigns.models import AssessedUnit
from parindex.core.actions import lock, save_versioned
from parindex.core.audit import audit_record
from parindex.core.errors import ConflictError, ServiceError
from parindex.scoring import ProblemsError, format_decimal, input_specs, score_unit
from parindex.scoring.model import Node

from ..audit_actions import ASSESSMENT_CREATE, ENTRY_SAVE
from ..context import (
    AssessmentContext,
    ancestors_and_self,
    context_for,
    evaluations_of,
    self_entries,
    with_related,
)
from ..evaluation import Evaluation, clean_raw, evaluate
from ..models import Assessment, Entry, Stage
from ..permissions import (
    can_start_assessment,
    ensure_can_edit_entry,
    ensure_can_view_assessment,
)
from ..selectors.rules import may_change_entries
from ..workflow import EDITABLE, Status
from ._common import (
    actor_or_none,
    audit_burst,
    clean_text,
)

CONFLICT_MESSAGE = (
    "Tiêu chí {code} vừa được {who} lưu lúc {at}; bản bạn đang sửa đã cũ. Hãy xem hai bản "
    "bên dưới rồi chọn giữ bản nào."
)
SENT_MESSAGE = "Hồ sơ đã gửi: cần rút lại (hoặc được trả lại) trước khi sửa."
START_REFUSED = "Chỉ thủ trưởng hoặc đầu mối của đơn vị được bắt đầu tự đánh giá."
MISSING_MESSAGE = "Hồ sơ tự đánh giá này không còn tồn tại; vui lòng tải lại trang."


class EntryConflict(ConflictError):
    """A stale save: carries what the user sent (``mine``), the stored entry (``theirs``) and
    both revisions (``expected_revision``: the one the form was built from, 0 for "not saved
    yet"; ``current_revision``: the one stored now, 0 when there is none)."""

    def __init__(
        self,
        message: str,
        *,
        mine: dict[str, Any],
        theirs: Entry | None,
        expected_revision: int | None = None,
        current_revision: int | None = None,
    ) -> None:
        super().__init__(
            message,
            expected_revision=expected_revision,
            current_revision=current_revision,
            current=theirs,
        )
        self.mine = mine
        self.theirs = theirs


@dataclass
class SaveResult:
    entry: Entry
    evaluation: Evaluation
    changed: bool


@dataclass(frozen=True)
class EntryChange:
    """One criterion of a bulk save (an Excel import): what to record, on which revision."""

    node_code: str
    raw_inputs: dict[str, Any]
    justification: str = ""
    not_applicable_reason: str = ""
    expected_revision: int = 0


# --- Starting ----------------------------------------------------------------------------------


def assessment_start(*, actor: Any, assessed_unit: AssessedUnit) -> Assessment:
    """Start the self-assessment of an assessed unit: an empty draft whose creator (in the
    audit trail) is ``actor``, the unit's head or focal officer. Starting one already started
    returns it."""
    with transaction.atomic():
        found = with_related(Assessment.objects.filter(assessed_unit=assessed_unit)).first()
        if found is not None:
            ensure_can_view_assessment(actor, found)
            return found
        ensure(can_start_assessment(actor, assessed_unit), START_REFUSED)
        try:
            with transaction.atomic():
                created = Assessment.objects.create(assessed_unit=assessed_unit)
        except IntegrityError:  # started meanwhile by someone else
            pass
        else:
            audit_record(
                actor=actor,
                action=ASSESSMENT_CREATE,
                obj=created,
                changes={"status": [None, Status.DRAFT.value]},
                scope_unit_id=assessed_unit.unit_id,
            )
        return with_related(Assessment.objects.filter(assessed_unit=assessed_unit)).get()


def assessment_get_or_create(*, actor: Any, assessed_unit: AssessedUnit) -> Assessment:
    """The assessment of an assessed unit, started by ``actor`` when there is none yet (only
    someone who may start it: a reader never creates anything)."""
    return assessment_start(actor=actor, assessed_unit=assessed_unit)


def assessment_to_write(
    actor: Any, assessment: Assessment | None, assessed_unit: AssessedUnit | None
) -> Assessment:
    """The assessment written to: the given one, or the assessed unit's, started by the writer
    on their first change. Called inside the writing service's transaction."""
    if assessment is not None:
        return assessment
    if assessed_unit is None:
        raise TypeError("assessment= or assessed_unit= is required")
    return assessment_get_or_create(actor=actor, assessed_unit=assessed_unit)


def lock_assessment(
    actor: Any, assessment: Assessment, check: Callable[[Any, Assessment], Any]
) -> Assessment:
    """The assessment row FOR UPDATE, ``check(actor, stored row)`` passed. The stored row keeps
    the caller's loaded unit, campaign and set (an assessment never changes its assessed unit),
    so the check and the phase rules read no more rows and lock none of them."""

    def on_stored(who: Any, row: Assessment) -> Any:
        row.assessed_unit = assessment.assessed_unit
        assessment.status = row.status  # the caller's copy learns the stored status
        assessment.revision = row.revision
        return check(who, row)

    return lock(
        Assessment, assessment.pk, actor=actor, check=on_stored, missing_message=MISSING_MESSAGE
    )


def _ensure_open(locked: Assessment) -> None:
    """The stored status allows editing and the campaign's phase rules still do."""
    if Status(locked.status) not in EDITABLE:
        raise ServiceError(SENT_MESSAGE)
    answer = may_change_entries(locked)
    if not answer:
        raise ServiceError(answer.reason)


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
        chain = ancestors_and_self(ctx.framework, node.code)
        if any(c in na_parents for c in chain) and node.code not in na_parents:
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


def _who(entry: Entry) -> str:
    user = entry.updated_by
    return user.get_full_name() if user is not None else "người khác"


def _fresh_entry(assessment: Assessment, code: str) -> Entry | None:
    return (
        Entry.objects.filter(assessment=assessment, node_code=code, stage=Stage.SELF)
        .select_related("updated_by")
        .first()
    )


def _conflict(
    mine: dict[str, Any], theirs: Entry | None, code: str, expected_revision: int
) -> EntryConflict:
    revisions = {
        "expected_revision": expected_revision,
        "current_revision": theirs.revision if theirs is not None else 0,
    }
    if theirs is None:
        return EntryConflict(
            f"Tiêu chí {code} đã thay đổi; hãy tải lại trang.", mine=mine, theirs=None, **revisions
        )
    at = timezone.localtime(theirs.updated_at).strftime("%H:%M %d/%m/%Y")
    message = CONFLICT_MESSAGE.format(code=code, who=_who(theirs), at=at)
    return EntryConflict(message, mine=mine, theirs=theirs, **revisions)


def _node(ctx: AssessmentContext, node_code: str) -> Node:
    code = (node_code or "").strip()
    node = ctx.framework.by_code.get(code)
    if node is None:
        raise ServiceError(f"Bộ tiêu chí không có tiêu chí mã {code}.")
    return node


@dataclass
class _Prepared:
    """What one criterion will record, checked against the set (no row read)."""

    node: Node
    raw: dict[str, Any]
    note: str
    reason: str
    evaluation: Evaluation

    @property
    def mine(self) -> dict[str, Any]:
        return {
            "raw_inputs": self.raw,
            "justification": self.note,
            "not_applicable_reason": self.reason,
        }


def _prepare(
    ctx: AssessmentContext,
    node: Node,
    raw_inputs: dict[str, Any],
    justification: str,
    not_applicable_reason: str,
) -> _Prepared:
    code = node.code
    excluded = ctx.excluded_reason(node)
    if excluded is not None:
        raise ServiceError(f"Tiêu chí {code}: {excluded}")
    reason = clean_text(not_applicable_reason)
    if reason and not node.may_not_apply:
        raise ServiceError(f"Tiêu chí {code} không được khai báo không áp dụng.")
    specs = input_specs(ctx.framework, code)
    try:
        raw = clean_raw(
            specs, {k: clean_text(v) if isinstance(v, str) else v for k, v in raw_inputs.items()}
        )
    except KeyError as exc:
        raise ServiceError(f"Tiêu chí {code} không có số liệu tên “{exc.args[0]}”.") from None
    if not node.is_leaf and raw:
        raise ServiceError(f"Tiêu chí {code} có tiêu chí con: hãy nhập số liệu ở tiêu chí con.")
    ev = evaluate(ctx.framework, code, raw, not_applicable_reason=reason, specs=specs)
    return _Prepared(node, raw, clean_text(justification), reason, ev)


_NOTHING: dict[str, Any] = {
    "raw_inputs": {},
    "points": None,
    "justification": "",
    "not_applicable_reason": "",
}


def _write(
    actor: Any, ctx: AssessmentContext, change: _Prepared, expected_revision: int
) -> SaveResult:
    """Create or update one entry on ``expected_revision`` and record it (inside the caller's
    transaction, the assessment locked and checked)."""
    assessment = ctx.assessment
    code = change.node.code
    ev = change.evaluation
    fields: dict[str, Any] = {
        "raw_inputs": change.raw,
        "points": ev.points,
        "explanation": ev.explanation,
        "not_applicable_reason": change.reason,
        "justification": change.note,
    }
    by = actor_or_none(actor)
    existing = _fresh_entry(assessment, code)
    if existing is None:
        if expected_revision:
            raise _conflict(change.mine, None, code, expected_revision)
        try:
            with transaction.atomic():
                entry = Entry.objects.create(
                    assessment=assessment, node_code=code, stage=Stage.SELF, updated_by=by, **fields
                )
        except IntegrityError:  # saved first by someone else a moment ago
            raise _conflict(
                change.mine, _fresh_entry(assessment, code), code, expected_revision
            ) from None
        old = dict(_NOTHING)
    else:
        same = (
            existing.raw_inputs == change.raw
            and existing.justification == change.note
            and existing.not_applicable_reason == change.reason
        )
        if same:
            return SaveResult(entry=existing, evaluation=ev, changed=False)
        old = {name: getattr(existing, name) for name in _NOTHING}
        try:
            save_versioned(
                existing, {**fields, "updated_by": by}, expected_revision=expected_revision
            )
        except ConflictError:
            raise _conflict(
                change.mine, _fresh_entry(assessment, code), code, expected_revision
            ) from None
        entry = existing
    new = {name: fields[name] for name in _NOTHING}
    places = ctx.framework.decimals
    changes = {
        name: [_show(old[name], places), _show(new[name], places)]
        for name in new
        if old[name] != new[name]
    }
    audit_burst(
        actor=actor,
        action=ENTRY_SAVE,
        obj=entry,
        changes=changes,
        scope_unit_id=ctx.unit.pk,
        key=f"entry:{entry.pk}",
        subject=f"{code} {change.node.name}",
    )
    return SaveResult(entry=entry, evaluation=ev, changed=True)


def entry_save(
    *,
    actor: Any,
    assessment: Assessment | None = None,
    assessed_unit: AssessedUnit | None = None,
    node_code: str,
    raw_inputs: dict[str, Any],
    justification: str = "",
    not_applicable_reason: str = "",
    expected_revision: int,
    stage: str = Stage.SELF,
    context: AssessmentContext | None = None,
    recompute: bool = True,
) -> SaveResult:
    """Record what the unit typed for one criterion (``expected_revision`` 0: not saved yet).

    Raw text is kept even while incomplete or wrong; points and the engine's explanation are
    stored only when every input is present and valid. A save based on an older revision raises
    :class:`EntryConflict` with both revisions; saving the same content again changes nothing.
    Given ``assessed_unit`` instead of ``assessment``, the first save starts the assessment
    (its creator: ``actor``). ``recompute=False`` leaves the assessment's totals to the caller.
    """
    if stage != Stage.SELF:
        raise ServiceError("Vòng thẩm định được chấm ở trang thẩm định.")
    with transaction.atomic():
        assessment = assessment_to_write(actor, assessment, assessed_unit)
        ctx = context or context_for(assessment)
        node = _node(ctx, node_code)
        locked = lock_assessment(
            actor, assessment, lambda who, row: ensure_can_edit_entry(who, row, node.code)
        )
        _ensure_open(locked)
        change = _prepare(ctx, node, raw_inputs, justification, not_applicable_reason)
        result = _write(actor, ctx, change, expected_revision)
        if recompute and result.changed:
            recompute_totals(ctx)
    return result


def entries_import(
    *,
    actor: Any,
    assessment: Assessment | None = None,
    assessed_unit: AssessedUnit | None = None,
    changes: Sequence[EntryChange],
    context: AssessmentContext | None = None,
) -> list[SaveResult]:
    """Record many criteria at once (an Excel upload): every change or none. Each is checked
    as :func:`entry_save` checks it (the criterion is the actor's, its revision is the one the
    file was made from); the first refusal or conflict undoes the whole import. The totals are
    computed once, at the end."""
    with transaction.atomic():
        assessment = assessment_to_write(actor, assessment, assessed_unit)
        ctx = context or context_for(assessment)
        locked = lock_assessment(actor, assessment, ensure_can_view_assessment)
        _ensure_open(locked)
        results: list[SaveResult] = []
        for item in changes:
            node = _node(ctx, item.node_code)
            ensure_can_edit_entry(actor, locked, node.code)
            change = _prepare(
                ctx, node, item.raw_inputs, item.justification, item.not_applicable_reason
            )
            results.append(_write(actor, ctx, change, item.expected_revision))
        if any(r.changed for r in results):
            recompute_totals(ctx)
    return results


def _show(value: Any, places: int) -> Any:
    if isinstance(value, Decimal):
        return format_decimal(value, places)
    return value
