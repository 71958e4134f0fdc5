"""The transition runner: one verdict for the page and for the service."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from parindex.core.errors import ServiceError
from parindex.core.transitions import Runner, TransitionTable, Verdict


class S(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class A(StrEnum):
    CLOSE = "close"
    REOPEN = "reopen"


class R(StrEnum):
    OWNER = "owner"
    BOSS = "boss"


TABLE = TransitionTable(
    {(S.OPEN, A.CLOSE): (S.CLOSED, R.OWNER), (S.CLOSED, A.REOPEN): (S.OPEN, R.BOSS)},
    status_labels={S.OPEN: "Đang mở", S.CLOSED: "Đã đóng"},
    action_labels={A.CLOSE: "Đóng", A.REOPEN: "Mở lại"},
    role_names={R.OWNER: "người phụ trách", R.BOSS: "thủ trưởng"},
)


@dataclass
class Thing:
    status: S
    late: bool = False


def runner() -> Runner[S, A, R]:
    return Runner(
        TABLE,
        status_of=lambda thing: thing.status,
        holds=lambda actor, thing, role: role in actor,
        guards={
            A.CLOSE: lambda actor, thing: (
                Verdict(False, "Đã quá hạn.", details=("Hạn: 01/12/2025",))
                if thing.late
                else Verdict(True, "Còn hạn.")
            )
        },
    )


def test_a_table_without_labels_is_refused() -> None:
    with pytest.raises(ValueError):
        TransitionTable(
            {(S.OPEN, A.CLOSE): (S.CLOSED, R.OWNER)},
            status_labels={S.OPEN: "Đang mở"},
            action_labels={},
            role_names={R.OWNER: "x"},
        )


def test_options_list_only_the_actions_of_roles_held_with_the_verdict() -> None:
    run = runner()
    [option] = run.options({R.OWNER}, Thing(S.OPEN))
    assert (option.action, option.allowed, option.reason) == (A.CLOSE, True, "Còn hạn.")
    assert run.options({R.BOSS}, Thing(S.OPEN)) == []
    [late] = run.options({R.OWNER}, Thing(S.OPEN, late=True))
    assert (late.allowed, late.reason, late.details) == (False, "Đã quá hạn.", ("Hạn: 01/12/2025",))


def test_ensure_answers_as_the_options_do() -> None:
    run = runner()
    assert run.ensure({R.OWNER}, Thing(S.OPEN), A.CLOSE) is S.CLOSED
    with pytest.raises(PermissionDenied, match="Chỉ thủ trưởng được “Mở lại”"):
        run.ensure({R.OWNER}, Thing(S.CLOSED), A.REOPEN)
    with pytest.raises(ServiceError, match="trạng thái “Đã đóng”"):
        run.ensure({R.OWNER, R.BOSS}, Thing(S.CLOSED), A.CLOSE)
    with pytest.raises(ServiceError) as caught:
        run.ensure({R.OWNER}, Thing(S.OPEN, late=True), A.CLOSE)
    assert caught.value.messages == ["Đã quá hạn.", "Hạn: 01/12/2025"]


@pytest.mark.parametrize("late", [False, True])
@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("roles", [set(), {R.OWNER}, {R.BOSS}, {R.OWNER, R.BOSS}])
def test_an_allowed_option_is_exactly_an_action_ensure_runs(
    status: S, late: bool, roles: set[Any]
) -> None:
    run = runner()
    thing = Thing(status, late)
    allowed = {o.action for o in run.options(roles, thing) if o.allowed}
    runs = set()
    for action in A:
        try:
            run.ensure(roles, thing, action)
        except (PermissionDenied, ServiceError):
            continue
        runs.add(action)
    assert allowed == runs


def test_a_status_refusal_may_name_the_row() -> None:
    run = Runner(
        TABLE,
        status_of=lambda thing: thing.status,
        holds=lambda actor, thing, role: True,
        status_refusals={(S.CLOSED, A.CLOSE): lambda thing: "Việc này đã đóng trước đó."},
    )
    with pytest.raises(ServiceError, match="đã đóng trước đó"):
        run.ensure(set(), Thing(S.CLOSED), A.CLOSE)
    with pytest.raises(ServiceError, match="trạng thái “Đang mở”"):
        run.ensure(set(), Thing(S.OPEN), A.REOPEN)
