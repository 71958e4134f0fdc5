"""Internal assignment: the focal officer gives fields or criteria to the unit's officers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q

from parindex.accounts.models import Membership, User
from parindex.accounts.roles import Role
from parindex.campaigns.models import AssessedUnit
from parindex.core.actions import actor_or_none
from parindex.core.audit import audit_record
from parindex.core.errors import ServiceError
from parindex.core.text import fold
from parindex.frameworks.selectors import get_engine_framework
from parindex.scoring import Framework

from ..audit_actions import ASSIGN
from ..models import Assessment, Assignment
from ..permissions import ensure_can_assign, forget_assigned
from .entries import assessment_to_write, lock_assessment

ASSIGNABLE_ROLES = (Role.HEAD, Role.FOCAL, Role.OFFICER)
# Words every position shares: they say nothing about the section.
_COMMON_WORDS = frozenset({"cong", "chuc", "can", "bo", "vien", "chuyen", "phu", "trach", "va"})
_WORD = re.compile(r"[a-z0-9]+")


def unit_people(assessment: Assessment) -> list[User]:
    """People holding a unit-side role in the assessed unit (who work can be given to)."""
    unit_id = assessment.assessed_unit.unit_id
    ids = Membership.objects.active().filter(
        # lasting and dated roles, and those given for this assessment's campaign only
        Q(campaign__isnull=True) | Q(campaign_id=assessment.assessed_unit.campaign_id),
        unit_id=unit_id,
        role__in=ASSIGNABLE_ROLES,
    )
    return list(
        User.objects.filter(pk__in=ids.values("user_id"), is_active=True).order_by(
            "full_name_folded", "username"
        )
    )


@dataclass(frozen=True)
class AssignmentRow:
    """One row of the assignment page: who scores ``node_code`` (None: nobody) and by when."""

    node_code: str
    assignee: User | None
    due_on: date | None = None


def _apply(
    actor: Any,
    assessment: Assessment,
    framework: Framework,
    people: set[int],
    row: AssignmentRow,
) -> tuple[Assignment | None, bool]:
    """Give (or take back) one node, inside the caller's transaction: (assignment, changed)."""
    code = (row.node_code or "").strip()
    node = framework.by_code.get(code)
    if node is None:
        raise ServiceError(f"Bộ tiêu chí không có tiêu chí mã {code}.")
    assignee, due_on = row.assignee, row.due_on if row.assignee is not None else None
    if assignee is not None and assignee.pk not in people:
        raise ServiceError(
            f"{assignee.get_full_name()} không phải cán bộ, công chức của "
            f"{assessment.assessed_unit.unit.name}."
        )
    current = (
        Assignment.objects.select_for_update()
        .filter(assessment=assessment, node_code=code)
        .select_related("assignee")
        .first()
    )
    old_who = current.assignee.get_full_name() if current else None
    old_due = current.due_on if current else None
    by = actor_or_none(actor)
    result: Assignment | None
    if assignee is None:
        if current is None:
            return None, False
        current.delete()
        result = None
    elif current is None:
        result = Assignment.objects.create(
            assessment=assessment, node_code=code, assignee=assignee, due_on=due_on, assigned_by=by
        )
    else:
        if current.assignee_id == assignee.pk and current.due_on == due_on:
            return current, False
        current.assignee = assignee
        current.due_on = due_on
        current.assigned_by = by
        current.save(update_fields=["assignee", "due_on", "assigned_by"])
        result = current
    new_who = assignee.get_full_name() if assignee else None
    changes: dict[str, Any] = {"node_code": [code, code]}
    if old_who != new_who:
        changes["assignee"] = [old_who, new_who]
    if old_due != due_on:
        changes["due_on"] = [old_due, due_on]
    audit_record(
        actor=actor,
        action=ASSIGN,
        obj=assessment,
        changes=changes,
        scope_unit_id=assessment.assessed_unit.unit_id,
        subject=f"{code} {node.name}",
    )
    return result, True


def assignments_save(
    *,
    actor: Any,
    assessment: Assessment | None = None,
    assessed_unit: AssessedUnit | None = None,
    rows: Sequence[AssignmentRow | tuple[str, User | None, date | None]],
) -> int:
    """Save the assignment page: every row or none (one refused row undoes them all). Rows
    that change nothing are skipped; the answer is how many changed. Given ``assessed_unit``
    instead of ``assessment``, the first assignment starts the assessment (creator: ``actor``).
    """
    wanted = [r if isinstance(r, AssignmentRow) else AssignmentRow(*r) for r in rows]
    with transaction.atomic():
        assessment = assessment_to_write(actor, assessment, assessed_unit)
        locked = lock_assessment(actor, assessment, ensure_can_assign)
        framework = get_engine_framework(assessment.assessed_unit.framework)
        people = {u.pk for u in unit_people(locked)}
        changed = [_apply(actor, assessment, framework, people, row) for row in wanted]
    for row in wanted:
        if row.assignee is not None:
            forget_assigned(row.assignee)
    return sum(1 for _result, did in changed if did)


def assignment_set(
    *,
    actor: Any,
    assessment: Assessment | None = None,
    assessed_unit: AssessedUnit | None = None,
    node_code: str,
    assignee: User | None,
    due_on: date | None = None,
) -> Assignment | None:
    """Give ``node_code`` (and every node below it) to ``assignee``; None takes it back."""
    with transaction.atomic():
        assessment = assessment_to_write(actor, assessment, assessed_unit)
        locked = lock_assessment(actor, assessment, ensure_can_assign)
        framework = get_engine_framework(assessment.assessed_unit.framework)
        people = {u.pk for u in unit_people(locked)}
        result, _changed = _apply(
            actor, assessment, framework, people, AssignmentRow(node_code, assignee, due_on)
        )
    if assignee is not None:
        forget_assigned(assignee)
    return result


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(fold(text)) if w not in _COMMON_WORDS}


def introduced_hints(framework: Framework) -> list[tuple[str, str]]:
    """(node code, owner hint) where a hint first appears in the tree (not inherited)."""
    out: list[tuple[str, str]] = []
    for node in framework.order:
        if not node.owner_hint:
            continue
        parent = framework.by_code.get(node.parent) if node.parent else None
        if parent is None or parent.owner_hint != node.owner_hint:
            out.append((node.code, node.owner_hint))
    return out


def best_match(hint: str, people: list[User], titles: dict[int, str]) -> User | None:
    """The person whose position (or signing title) shares most words with ``hint``."""
    wanted = _words(hint)
    if not wanted:
        return None
    best: tuple[float, User] | None = None
    for person in people:
        have = _words(f"{person.position} {titles.get(person.pk, '')}")
        common = len(wanted & have)
        if not common:
            continue
        score = common / len(wanted | have)
        if best is None or score > best[0]:
            best = (score, person)
    return best[1] if best else None


def assignment_suggest(assessment: Assessment) -> dict[str, User]:
    """Suggested assignments from the set's ``owner_hint`` (by position or title match)."""
    framework = get_engine_framework(assessment.assessed_unit.framework)
    people = unit_people(assessment)
    titles = dict(
        Membership.objects.active()
        .filter(unit_id=assessment.assessed_unit.unit_id, user__in=people)
        .exclude(title="")
        .values_list("user_id", "title")
    )
    out: dict[str, User] = {}
    for code, hint in introduced_hints(framework):
        match = best_match(hint, people, titles)
        if match is not None:
            out[code] = match
    return out
