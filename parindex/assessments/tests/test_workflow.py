"""The workflow table, walked: every transition through its service, every refused pair."""

from __future__ import annotations

from decimal import Decimal
from itertools import product
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from parindex.core.errors import ServiceError

from ..models import Assessment, Submission
from ..services import (
    assessment_act,
    assessment_mark_ready,
    assessment_reopen,
    assessment_return,
    assessment_submit,
    assessment_withdraw,
    entry_save,
)
from ..workflow import (
    ACTION_LABELS,
    EDITABLE,
    STATUS_LABELS,
    TRANSITIONS,
    ActingRole,
    Action,
    Status,
    next_status,
)
from .helpers import fill_small

WHO = {ActingRole.FOCAL: "focal", ActingRole.HEAD: "head", ActingRole.ORGANISER: "organiser"}
REFUSED = [pair for pair in product(Status, Action) if pair not in TRANSITIONS]


def test_table_is_complete_and_labelled() -> None:
    assert set(STATUS_LABELS) == set(Status)
    assert set(ACTION_LABELS) == set(Action)
    for (source, action), (target, _who) in TRANSITIONS.items():
        assert next_status(source, action) is target
    for source, action in REFUSED:
        assert next_status(source, action) is None
    # Every status can be left, and the submitted one only by withdrawal or return.
    leaving_submitted = {action for (source, action) in TRANSITIONS if source is Status.SUBMITTED}
    assert leaving_submitted == {Action.WITHDRAW, Action.RETURN}
    assert Status.SUBMITTED not in EDITABLE


def _act(world: Any, assessment: Assessment, action: Action, who: str) -> None:
    assessment_act(
        actor=world.users[who],
        assessment=assessment,
        action=action,
        reason="Thiếu tài liệu kiểm chứng tiêu chí 1.1",
    )


def _prepare(world: Any, assessment: Assessment, status: Status) -> Assessment:
    """Reach ``status`` for real where a submission is involved (the phase rules need it)."""
    if status in (Status.SUBMITTED, Status.WITHDRAWN, Status.RETURNED):
        assessment_submit(actor=world.users["head"], assessment=assessment)
        if status is Status.WITHDRAWN:
            assessment_withdraw(actor=world.users["head"], assessment=assessment)
        elif status is Status.RETURNED:
            assessment_return(
                actor=world.users["organiser"], assessment=assessment, reason="Bổ sung"
            )
    elif status is Status.READY:
        assessment_mark_ready(actor=world.users["focal"], assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.status == status
    return assessment


@pytest.mark.parametrize(("source", "action"), list(TRANSITIONS))
def test_every_transition_through_its_service(
    small_world: Any, source: Status, action: Action
) -> None:
    assessment = small_world.assessment()
    fill_small(small_world, assessment)
    _prepare(small_world, assessment, source)
    target, who = TRANSITIONS[(source, action)]
    _act(small_world, assessment, action, WHO[who])
    assessment.refresh_from_db()
    assert assessment.status == target


@pytest.mark.parametrize(("source", "action"), REFUSED)
def test_every_refused_pair(small_world: Any, source: Status, action: Action) -> None:
    assessment = small_world.assessment()
    fill_small(small_world, assessment)
    _prepare(small_world, assessment, source)
    submissions = Submission.objects.count()
    with pytest.raises(ServiceError):
        _act(small_world, assessment, action, "admin")
    assessment.refresh_from_db()
    assert assessment.status == source
    assert Submission.objects.count() == submissions


@pytest.mark.parametrize(
    ("action", "wrong"),
    [
        (Action.MARK_READY, "officer"),
        (Action.SUBMIT, "focal"),
        (Action.SUBMIT, "organiser"),
        (Action.RETURN, "head"),
        (Action.WITHDRAW, "focal"),
    ],
)
def test_only_the_role_the_table_names(small_world: Any, action: Action, wrong: str) -> None:
    assessment = small_world.assessment()
    fill_small(small_world, assessment)
    source = (
        next(s for (s, a) in TRANSITIONS if a is action and s is not Status.DRAFT)
        if action in (Action.RETURN, Action.WITHDRAW)
        else Status.DRAFT
    )
    _prepare(small_world, assessment, source)
    with pytest.raises(PermissionDenied):
        _act(small_world, assessment, action, wrong)
    assessment.refresh_from_db()
    assert assessment.status == source


def test_the_whole_cycle(small_world: Any) -> None:
    w = small_world
    a = w.assessment()
    fill_small(w, a)
    assessment_mark_ready(actor=w.users["focal"], assessment=a)
    assessment_reopen(actor=w.users["focal"], assessment=a)
    assessment_mark_ready(actor=w.users["focal"], assessment=a)
    first = assessment_submit(actor=w.users["head"], assessment=a)
    assert (first.number, a.status) == (1, Status.SUBMITTED)
    assert a.first_submitted_at is not None and a.submitted_by == w.users["head"]
    assessment_withdraw(actor=w.users["head"], assessment=a)
    entry_save(
        actor=w.users["focal"],
        assessment=a,
        node_code="1.1",
        raw_inputs={"score": "9"},
        expected_revision=1,
    )
    second = assessment_submit(actor=w.users["head"], assessment=a)
    assert second.number == 2
    assessment_return(actor=w.users["organiser"], assessment=a, reason="Bổ sung tài liệu")
    assert a.status == Status.RETURNED and a.return_reason == "Bổ sung tài liệu"
    third = assessment_submit(actor=w.users["head"], assessment=a)
    assert third.number == 3 and a.return_reason == ""
    assert (first.total, second.total) == (Decimal("7.5"), Decimal("9"))
    assert list(Submission.objects.filter(assessment=a).values_list("number", flat=True)) == [
        1,
        2,
        3,
    ]


def test_return_needs_a_reason(small_world: Any) -> None:
    a = small_world.assessment()
    fill_small(small_world, a)
    assessment_submit(actor=small_world.users["head"], assessment=a)
    with pytest.raises(ServiceError, match="lý do"):
        assessment_return(actor=small_world.users["organiser"], assessment=a, reason="  ")
    a.refresh_from_db()
    assert a.status == Status.SUBMITTED


def test_a_stale_status_is_rechecked_inside_the_transaction(small_world: Any) -> None:
    a = small_world.assessment()
    fill_small(small_world, a)
    stale = Assessment.objects.select_related(
        "assessed_unit__campaign", "assessed_unit__unit", "assessed_unit__framework"
    ).get(pk=a.pk)
    assessment_submit(actor=small_world.users["head"], assessment=a)
    with pytest.raises(ServiceError):
        assessment_submit(actor=small_world.users["head"], assessment=stale)
    assert Submission.objects.filter(assessment=a).count() == 1
