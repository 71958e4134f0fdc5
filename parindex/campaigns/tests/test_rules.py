"""The phase-rule table as plain functions: states, deadlines at the end of the local day,
exceptions, and the organiser's own phases whose deadline does not bind."""

from __future__ import annotations

import ast
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from parindex.campaigns import rules
from parindex.campaigns.models import CampaignStatus, PhaseKind, PhaseState
from parindex.campaigns.rules import Action, PhaseWindow

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE = date(2025, 11, 30)


def at(day: date, hh: int, mm: int = 0, ss: int = 0, us: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, ss, us, tzinfo=HCM)


def window(kind: str = rules.SELF_ASSESSMENT, **kw: object) -> dict[str, PhaseWindow]:
    values: dict[str, object] = {"state": rules.OPEN, "deadline": DEADLINE}
    values.update(kw)
    return {kind: PhaseWindow(kind=kind, **values)}  # type: ignore[arg-type]


def test_rules_module_imports_no_django() -> None:
    tree = ast.parse(Path(rules.__file__).read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    assert [n for n in names if n.startswith(("django", "parindex"))] == []


def test_table_constants_match_models() -> None:
    assert set(rules.PHASE_ORDER) == set(PhaseKind.values)
    assert {rules.NOT_OPENED, rules.OPEN, rules.CLOSED} == set(PhaseState.values)
    assert {rules.CAMPAIGN_PREPARING, rules.CAMPAIGN_OPEN, rules.CAMPAIGN_CLOSED} == set(
        CampaignStatus.values
    )
    assert set(rules.PHASE_NOUNS) == set(PhaseKind.values)
    assert set(rules.RULES) == set(Action)


def test_end_of_day_is_last_microsecond_in_ho_chi_minh() -> None:
    end = rules.end_of_day(DEADLINE)
    assert end == at(DEADLINE, 23, 59, 59, 999999)
    assert end.astimezone(ZoneInfo("UTC")) == datetime(
        2025, 11, 30, 16, 59, 59, 999999, tzinfo=ZoneInfo("UTC")
    )


@pytest.mark.parametrize(
    ("now", "allowed"),
    [
        (at(DEADLINE - timedelta(days=1), 9), True),  # the day before
        (at(DEADLINE, 0, 0, 0), True),  # on the day, at midnight
        (at(DEADLINE, 23, 59, 59), True),  # the last second of the day
        (at(DEADLINE, 23, 59, 59, 999999), True),  # the last instant
        (at(DEADLINE + timedelta(days=1), 0, 0, 0), False),  # the next midnight
        (at(DEADLINE + timedelta(days=3), 10), False),  # later
    ],
)
def test_submit_allowed_until_end_of_deadline_day(now: datetime, allowed: bool) -> None:
    answer = rules.decide(Action.SUBMIT_SELF_ASSESSMENT, window(), now)
    assert answer.allowed is allowed
    assert bool(answer) is allowed


def test_deadline_is_local_not_utc() -> None:
    # 30/11 17:30 UTC is already 01/12 00:30 in Hanoi: past the deadline.
    utc_evening = datetime(2025, 11, 30, 17, 30, tzinfo=ZoneInfo("UTC"))
    assert not rules.decide(Action.SUBMIT_SELF_ASSESSMENT, window(), utc_evening)
    # 30/11 16:00 UTC is 23:00 in Hanoi: still on time.
    assert rules.decide(
        Action.SUBMIT_SELF_ASSESSMENT,
        window(),
        datetime(2025, 11, 30, 16, 0, tzinfo=ZoneInfo("UTC")),
    )


def test_refusal_after_deadline_names_the_date_and_the_remedy() -> None:
    answer = rules.decide(Action.SUBMIT_SELF_ASSESSMENT, window(), at(date(2025, 12, 1), 0))
    assert answer.reason == "Đã quá hạn tự đánh giá (30/11/2025); cần cơ quan tổ chức gia hạn."


def test_allowed_answer_says_until_when() -> None:
    answer = rules.decide(Action.SUBMIT_SELF_ASSESSMENT, window(), at(date(2025, 11, 20), 8))
    assert answer.reason == "Còn hạn tự đánh giá đến hết ngày 30/11/2025."
    assert answer.deadline == DEADLINE


@pytest.mark.parametrize(
    ("state", "text"),
    [(rules.NOT_OPENED, "chưa mở"), (rules.CLOSED, "đã đóng")],
)
def test_phase_must_be_open_whatever_the_date(state: str, text: str) -> None:
    early = at(date(2025, 11, 1), 8)
    answer = rules.decide(Action.SUBMIT_SELF_ASSESSMENT, window(state=state), early)
    assert not answer
    assert text in answer.reason


def test_not_opened_mentions_the_planned_start() -> None:
    answer = rules.decide(
        Action.SUBMIT_SELF_ASSESSMENT,
        window(state=rules.NOT_OPENED, starts_on=date(2025, 11, 5)),
        at(date(2025, 11, 1), 8),
    )
    assert answer.reason == "Giai đoạn tự đánh giá chưa mở (dự kiến bắt đầu 05/11/2025)."


def test_open_phase_without_deadline_runs_until_closed() -> None:
    answer = rules.decide(
        Action.SUBMIT_SELF_ASSESSMENT, window(deadline=None), at(date(2030, 1, 1), 8)
    )
    assert answer
    assert "đang mở" in answer.reason


def test_missing_phase_is_refused() -> None:
    assert not rules.decide(Action.REPLY_EXPLANATION, {}, at(DEADLINE, 8))


@pytest.mark.parametrize(
    ("campaign_state", "text"),
    [(rules.CAMPAIGN_PREPARING, "chưa mở"), (rules.CAMPAIGN_CLOSED, "đã kết thúc")],
)
def test_campaign_must_be_open(campaign_state: str, text: str) -> None:
    answer = rules.decide(
        Action.SUBMIT_SELF_ASSESSMENT,
        window(),
        at(date(2025, 11, 20), 8),
        campaign_state=campaign_state,
    )
    assert not answer
    assert text in answer.reason


@pytest.mark.parametrize(
    ("now", "allowed"),
    [
        (at(date(2025, 12, 5), 23, 59, 59), True),  # last second of the extended day
        (at(date(2025, 12, 6), 0, 0, 0), False),  # the next midnight
        (at(date(2025, 12, 1), 0, 0, 0), True),  # past the common deadline, within the own
    ],
)
def test_exception_extends_the_units_deadline(now: datetime, allowed: bool) -> None:
    extended = window(exception_until=date(2025, 12, 5))
    answer = rules.decide(Action.SUBMIT_SELF_ASSESSMENT, extended, now)
    assert answer.allowed is allowed
    if allowed:
        assert answer.reason == "Được gia hạn tự đánh giá đến hết ngày 05/12/2025."
    else:
        assert "đã gia hạn đến 05/12/2025" in answer.reason


def test_exception_earlier_than_deadline_never_shortens_it() -> None:
    early = window(exception_until=date(2025, 11, 25))
    assert rules.decide(Action.SUBMIT_SELF_ASSESSMENT, early, at(DEADLINE, 23, 59))
    assert early[rules.SELF_ASSESSMENT].effective_deadline == DEADLINE


@pytest.mark.parametrize(
    ("action", "kind"),
    [
        (Action.SUBMIT_SELF_ASSESSMENT, rules.SELF_ASSESSMENT),
        (Action.EDIT_SELF_ASSESSMENT, rules.SELF_ASSESSMENT),
        (Action.ANSWER_SURVEY, rules.SURVEYS),
        (Action.SUPPLY_SURVEY_LIST, rules.SURVEYS),
        (Action.REPLY_EXPLANATION, rules.EXPLANATION),
    ],
)
def test_units_actions_stop_at_the_deadline(action: Action, kind: str) -> None:
    windows = window(kind)
    assert rules.decide(action, windows, at(DEADLINE, 23, 59, 59))
    assert not rules.decide(action, windows, at(DEADLINE + timedelta(days=1), 0))
    assert not rules.decide(action, window(kind, state=rules.CLOSED), at(DEADLINE, 8))
    assert not rules.decide(action, window(kind, state=rules.NOT_OPENED), at(DEADLINE, 8))


@pytest.mark.parametrize(
    ("action", "kind"),
    [
        (Action.APPRAISE, rules.APPRAISAL),
        (Action.REQUEST_EXPLANATION, rules.APPRAISAL),
        (Action.APPROVE_RESULTS, rules.APPROVAL),
        (Action.PUBLISH_RESULTS, rules.PUBLICATION),
    ],
)
def test_organiser_phases_run_until_closed(action: Action, kind: str) -> None:
    windows = window(kind)
    late = rules.decide(action, windows, at(DEADLINE + timedelta(days=10), 8))
    assert late
    assert "đã quá hạn dự kiến 30/11/2025" in late.reason
    assert not rules.decide(action, window(kind, state=rules.CLOSED), at(DEADLINE, 8))
    assert not rules.decide(action, window(kind, state=rules.NOT_OPENED), at(DEADLINE, 8))


def test_phases_overlap_independently() -> None:
    windows = {
        **window(rules.SELF_ASSESSMENT),
        **window(rules.SURVEYS, deadline=date(2025, 12, 31)),
    }
    now = at(date(2025, 12, 10), 8)
    assert not rules.decide(Action.SUBMIT_SELF_ASSESSMENT, windows, now)
    assert rules.decide(Action.ANSWER_SURVEY, windows, now)


# --- Withdrawal ----------------------------------------------------------------------------


def sa(**kw: object) -> PhaseWindow:
    values: dict[str, object] = {"state": rules.OPEN, "deadline": DEADLINE}
    values.update(kw)
    return PhaseWindow(kind=rules.SELF_ASSESSMENT, **values)  # type: ignore[arg-type]


def test_withdraw_after_on_time_submission_until_appraisal_starts() -> None:
    submitted = at(DEADLINE, 22)
    later = at(date(2025, 12, 10), 8)  # past the deadline
    answer = rules.may_withdraw(sa(), submitted_at=submitted, appraisal_started=False, now=later)
    assert answer
    started = rules.may_withdraw(sa(), submitted_at=submitted, appraisal_started=True, now=later)
    assert not started
    assert "thẩm định" in started.reason


def test_withdraw_refused_without_submission_or_after_late_one() -> None:
    now = at(date(2025, 12, 10), 8)
    assert not rules.may_withdraw(sa(), submitted_at=None, appraisal_started=False, now=now)
    late = at(date(2025, 12, 1), 0, 0, 1)
    assert not rules.may_withdraw(sa(), submitted_at=late, appraisal_started=False, now=now)
    # ... unless that submission was within the unit's own exception.
    assert rules.may_withdraw(
        sa(exception_until=date(2025, 12, 5)),
        submitted_at=late,
        appraisal_started=False,
        now=now,
    )


def test_withdraw_refused_when_phase_never_opened_or_campaign_closed() -> None:
    now = at(DEADLINE, 8)
    assert not rules.may_withdraw(
        sa(state=rules.NOT_OPENED), submitted_at=now, appraisal_started=False, now=now
    )
    assert not rules.may_withdraw(
        sa(),
        submitted_at=now,
        appraisal_started=False,
        now=now,
        campaign_state=rules.CAMPAIGN_CLOSED,
    )


def test_resubmit_after_withdrawing_an_on_time_submission() -> None:
    later = at(date(2025, 12, 10), 8)
    ok = rules.may_resubmit_self_assessment(
        sa(state=rules.CLOSED),
        withdrawn_submission_at=at(DEADLINE, 10),
        appraisal_started=False,
        now=later,
    )
    assert ok
    assert not rules.may_resubmit_self_assessment(
        sa(), withdrawn_submission_at=at(DEADLINE, 10), appraisal_started=True, now=later
    )
    assert not rules.may_resubmit_self_assessment(
        sa(), withdrawn_submission_at=None, appraisal_started=False, now=later
    )
    # Within the window, resubmitting is simply submitting.
    assert rules.may_resubmit_self_assessment(
        sa(), withdrawn_submission_at=None, appraisal_started=False, now=at(DEADLINE, 8)
    )


def test_days_left_counts_local_days() -> None:
    assert rules.days_left(DEADLINE, at(DEADLINE, 23, 59)) == 0
    assert rules.days_left(DEADLINE, at(date(2025, 11, 25), 0, 1)) == 5
    assert rules.days_left(DEADLINE, at(date(2025, 12, 1), 0, 0)) == -1
    assert rules.days_left(None, at(DEADLINE, 8)) is None


def test_naive_now_is_rejected() -> None:
    with pytest.raises(ValueError):
        rules.is_past(DEADLINE, datetime(2025, 11, 30, 8))
