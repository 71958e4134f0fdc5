"""Demo self-assessments: the demo province's units in varied states.

``load_demo_assessments(campaign)`` is idempotent (a unit whose assessment already has entries
or left the draft state is left alone) and goes through the services, so points, totals,
snapshots and the audit trail are real. Values are made up but plausible and deterministic
(derived from the unit and criterion codes). States, in the units' alphabetical order:
three submitted, one ready for the head, one returned by the organiser, the rest drafts with
part of the criteria filled or not started; the demo commune (Sơn Lĩnh, which has demo
accounts) stays a draft with its work assigned, so its people have something to do.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from parindex.accounts.models import User
from parindex.assessments.context import context_for
from parindex.assessments.evaluation import evaluate
from parindex.assessments.models import Assessment, Entry
from parindex.assessments.services import (
    assessment_get_or_create,
    assessment_mark_ready,
    assessment_return,
    assessment_submit,
    assignment_set,
    assignment_suggest,
    entry_save,
    recompute_totals,
)
from parindex.campaigns.models import AssessedUnit, Campaign
from parindex.core.errors import ServiceError
from parindex.scoring import InputSpec, input_specs

from .data import DEMO_UNIT, ORGANISER_USERNAME, SYSTEM_ACTOR, UNIT_FOCAL_USERNAME

# What happens to the first units in turn; the others are drafts or not started (the demo
# commune is always a partial draft).
PLAN = ("submitted", "draft", "ready", "submitted", "returned", "draft", "submitted", "empty")


def _plan(index: int) -> str:
    if index < len(PLAN):
        return PLAN[index]
    return "empty" if index % 3 == 2 else "draft"


def _rand(*parts: str) -> int:
    return int(hashlib.sha256("|".join(parts).encode()).hexdigest()[:8], 16)


def _value(spec: InputSpec, seed: int, year: int) -> Any:
    if spec.type == "checklist":
        return [bool((seed >> i) % 4) for i in range(len(spec.items))]
    if spec.type == "boolean":
        return "có" if seed % 5 else "không"
    if spec.type == "date":
        day = date(year, 1, 5) + timedelta(days=seed % 45)
        return day.strftime("%d/%m/%Y")
    if spec.type == "percent":
        whole = 70 + seed % 31
        return f"{whole},5" if whole < 100 and seed % 4 == 0 else str(whole)
    low = spec.min if isinstance(spec.min, Decimal) else Decimal(0)
    high = spec.max if isinstance(spec.max, Decimal) else low + 10
    if spec.step is not None and spec.type == "decimal":
        steps = int((high - low) / spec.step)
        chosen = low + spec.step * (steps - seed % max(1, min(steps, 3) + 1))
        return format(max(chosen, low), "f").replace(".", ",")
    span = int(high - low) if high > low else 1
    if spec.type == "integer":
        return str(int(low) + span - (seed % max(1, min(span, 3) + 1)))
    return format(low + Decimal(span) * Decimal(seed % 100) / 100, "f").replace(".", ",")


def _consistent_values(framework: Any, unit: str, code: str, year: int) -> dict[str, Any] | None:
    """Plausible values for leaf ``code`` that pass its consistency checks (a few
    deterministic draws; None when none passes)."""
    specs = input_specs(framework, code)
    for attempt in range(8):
        salt = (str(attempt),) if attempt else ()  # the first draw as the demo always had
        raw = {
            spec.name: _value(spec, _rand(unit, code, str(i), *salt), year)
            for i, spec in enumerate(specs)
        }
        if not evaluate(framework, code, raw).has_errors:
            return raw
    return None


def _fill(assessment: Assessment, actor: Any, share: int, *, justify: bool) -> None:
    """Fill ``share`` percent of the unit's criteria (all when 100) through entry_save."""
    ctx = context_for(assessment)
    unit = ctx.unit.code
    year = ctx.campaign.year
    existing = set(Entry.objects.filter(assessment=assessment).values_list("node_code", flat=True))
    for node in ctx.fillable_leaves():
        seed = _rand(unit, node.code)
        if node.code in existing or (share < 100 and seed % 100 >= share):
            continue
        raw = {}
        reason = ""
        if node.may_not_apply and seed % 7 == 0:
            reason = "Trong năm đơn vị không phát sinh nội dung của tiêu chí này."
        else:
            raw = _consistent_values(ctx.framework, unit, node.code, year)
            if raw is None:
                continue
        note = ""
        if justify and node.evidence.value == "required":
            note = "Tài liệu kiểm chứng lưu tại Văn phòng HĐND-UBND; bản chụp gửi kèm hồ sơ."
        entry_save(
            actor=actor,
            assessment=assessment,
            node_code=node.code,
            raw_inputs=raw,
            justification=note,
            not_applicable_reason=reason,
            expected_revision=0,
            context=ctx,
            recompute=False,
        )
    recompute_totals(ctx)


def _user(username: str) -> Any:
    return User.objects.filter(username=username, is_active=True).first()


def load_demo_assessments(campaign: Campaign) -> list[Assessment]:
    """Put the campaign's units in varied states (see the module description)."""
    organiser = _user(ORGANISER_USERNAME) or SYSTEM_ACTOR
    members = list(
        AssessedUnit.objects.filter(campaign=campaign)
        .select_related("unit", "framework", "campaign")
        .order_by("unit__name_folded", "unit__code")
    )
    done: list[Assessment] = []
    others = [m for m in members if m.unit.code != DEMO_UNIT]
    for au in members:
        with transaction.atomic():
            found = Assessment.objects.filter(assessed_unit=au).first()
            if found is not None and (found.status != "draft" or found.entries.exists()):
                done.append(found)
                continue
            assessment = assessment_get_or_create(actor=SYSTEM_ACTOR, assessed_unit=au)
            if au.unit.code == DEMO_UNIT:
                focal = _user(UNIT_FOCAL_USERNAME) or SYSTEM_ACTOR
                for code, person in assignment_suggest(assessment).items():
                    assignment_set(
                        actor=SYSTEM_ACTOR,
                        assessment=assessment,
                        node_code=code,
                        assignee=person,
                        due_on=None,
                    )
                _fill(assessment, focal, 45, justify=False)
                done.append(assessment)
                continue
            plan = _plan(others.index(au))
            if plan == "empty":
                done.append(assessment)
                continue
            if plan == "draft":
                _fill(assessment, SYSTEM_ACTOR, 30 + _rand(au.unit.code) % 50, justify=False)
                done.append(assessment)
                continue
            _fill(assessment, SYSTEM_ACTOR, 100, justify=True)
            assessment_mark_ready(actor=SYSTEM_ACTOR, assessment=assessment)
            if plan in ("submitted", "returned"):
                try:
                    assessment_submit(actor=SYSTEM_ACTOR, assessment=assessment)
                except ServiceError:
                    done.append(assessment)  # stays ready (e.g. the deadline has passed)
                    continue
                if plan == "returned":
                    assessment_return(
                        actor=organiser,
                        assessment=assessment,
                        reason="Đề nghị bổ sung tài liệu kiểm chứng cho tiêu chí 1.1.1 "
                        "(kế hoạch CCHC năm) và giải trình số liệu tiêu chí 3.2.",
                    )
            done.append(assessment)
    return done
