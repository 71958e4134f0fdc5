"""The phase rules: what a campaign allows, as one table. Plain Python, no Django.

Every later step (self-assessment, surveys, appraisal, explanations, approval, publication)
asks these functions instead of comparing dates itself. Inputs are plain values: each phase's
state, planned start and deadline (a date), the unit's own exception date if it has one, and
``now`` (an aware datetime).

* A phase allows nothing until the organiser opens it, and nothing once the organiser closes it.
* A deadline is the **end of that day in Asia/Ho_Chi_Minh** (23:59:59.999999 local time).
* A per-unit exception moves that unit's deadline to a later day; other units keep the phase's.
* Units' own work (submitting, editing, answering surveys, replying to the council) stops at the
  deadline (``binds``). The organiser's own work (appraisal, approval, publication) runs until
  the organiser closes the phase; its deadline is a target shown as "quá hạn" when passed.
* Withdrawing a submission: allowed after an on-time submission, until the unit's appraisal
  starts, even past the deadline; so is submitting again after such a withdrawal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Phase kinds, in the order of the yearly cycle (same values as models.PhaseKind).
SELF_ASSESSMENT = "self_assessment"
SURVEYS = "surveys"
APPRAISAL = "appraisal"
EXPLANATION = "explanation"
APPROVAL = "approval"
PUBLICATION = "publication"
PHASE_ORDER: tuple[str, ...] = (
    SELF_ASSESSMENT,
    SURVEYS,
    APPRAISAL,
    EXPLANATION,
    APPROVAL,
    PUBLICATION,
)
# Short names used inside sentences: "Đã quá hạn tự đánh giá (30/11/2025)".
PHASE_NOUNS: Mapping[str, str] = {
    SELF_ASSESSMENT: "tự đánh giá",
    SURVEYS: "điều tra xã hội học",
    APPRAISAL: "thẩm định",
    EXPLANATION: "giải trình",
    APPROVAL: "phê duyệt kết quả",
    PUBLICATION: "công bố kết quả",
}

# Phase states (same values as models.PhaseState) and campaign states (models.CampaignStatus).
NOT_OPENED = "not_opened"
OPEN = "open"
CLOSED = "closed"
CAMPAIGN_PREPARING = "preparing"
CAMPAIGN_OPEN = "open"
CAMPAIGN_CLOSED = "closed"


class Action(StrEnum):
    SUBMIT_SELF_ASSESSMENT = "submit_self_assessment"
    EDIT_SELF_ASSESSMENT = "edit_self_assessment"
    ANSWER_SURVEY = "answer_survey"
    SUPPLY_SURVEY_LIST = "supply_survey_list"
    APPRAISE = "appraise"
    REQUEST_EXPLANATION = "request_explanation"
    REPLY_EXPLANATION = "reply_explanation"
    APPROVE_RESULTS = "approve_results"
    PUBLISH_RESULTS = "publish_results"


@dataclass(frozen=True, slots=True)
class Rule:
    phase: str
    binds: bool  # True: refused after the (unit's) deadline; False: allowed until closed
    what: str  # Vietnamese verb phrase: "nộp kết quả tự đánh giá"


# The table. Withdrawal (and submitting again after it) depends on facts about the submission
# and is answered by may_withdraw / may_resubmit_self_assessment below.
RULES: Mapping[Action, Rule] = {
    Action.SUBMIT_SELF_ASSESSMENT: Rule(SELF_ASSESSMENT, True, "nộp kết quả tự đánh giá"),
    Action.EDIT_SELF_ASSESSMENT: Rule(SELF_ASSESSMENT, True, "sửa kết quả tự đánh giá"),
    Action.ANSWER_SURVEY: Rule(SURVEYS, True, "trả lời phiếu điều tra"),
    Action.SUPPLY_SURVEY_LIST: Rule(SURVEYS, True, "gửi danh sách đối tượng khảo sát"),
    Action.APPRAISE: Rule(APPRAISAL, False, "thẩm định"),
    Action.REQUEST_EXPLANATION: Rule(APPRAISAL, False, "yêu cầu giải trình"),
    Action.REPLY_EXPLANATION: Rule(EXPLANATION, True, "gửi giải trình"),
    Action.APPROVE_RESULTS: Rule(APPROVAL, False, "phê duyệt kết quả"),
    Action.PUBLISH_RESULTS: Rule(PUBLICATION, False, "công bố kết quả"),
}


@dataclass(frozen=True, slots=True)
class PhaseWindow:
    """One phase as one unit sees it."""

    kind: str
    state: str = NOT_OPENED
    deadline: date | None = None
    exception_until: date | None = None
    starts_on: date | None = None

    @property
    def effective_deadline(self) -> date | None:
        """The unit's deadline: its exception when later than the phase's deadline."""
        if self.deadline is None:
            return None
        if self.exception_until is not None and self.exception_until > self.deadline:
            return self.exception_until
        return self.deadline

    @property
    def is_extended(self) -> bool:
        return self.effective_deadline != self.deadline


@dataclass(frozen=True, slots=True)
class Answer:
    """Yes or no, with the Vietnamese reason to show."""

    allowed: bool
    reason: str
    deadline: date | None = None

    def __bool__(self) -> bool:
        return self.allowed


def fmt_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def end_of_day(day: date) -> datetime:
    """The last instant of ``day`` in Asia/Ho_Chi_Minh (23:59:59.999999 local time)."""
    return datetime.combine(day, time.max, tzinfo=LOCAL_TZ)


def local_date(now: datetime) -> date:
    """The calendar day in Asia/Ho_Chi_Minh at the aware instant ``now``."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    return now.astimezone(LOCAL_TZ).date()


def is_past(deadline: date, now: datetime) -> bool:
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    return now > end_of_day(deadline)


def days_left(deadline: date | None, now: datetime) -> int | None:
    """Whole days from today (local) to the deadline: 0 on the day, negative once past."""
    if deadline is None:
        return None
    return (deadline - local_date(now)).days


def _campaign_refusal(campaign_state: str) -> Answer | None:
    if campaign_state == CAMPAIGN_PREPARING:
        return Answer(False, "Đợt đánh giá chưa mở.")
    if campaign_state == CAMPAIGN_CLOSED:
        return Answer(False, "Đợt đánh giá đã kết thúc.")
    return None


def window_answer(
    window: PhaseWindow | None,
    now: datetime,
    *,
    binds: bool = True,
    campaign_state: str = CAMPAIGN_OPEN,
) -> Answer:
    """May work of this phase still be done at ``now``?"""
    refused = _campaign_refusal(campaign_state)
    if refused is not None:
        return refused
    if window is None:
        return Answer(False, "Đợt đánh giá không có giai đoạn này.")
    noun = PHASE_NOUNS.get(window.kind, window.kind)
    if window.state == NOT_OPENED:
        planned = f" (dự kiến bắt đầu {fmt_date(window.starts_on)})" if window.starts_on else ""
        return Answer(False, f"Giai đoạn {noun} chưa mở{planned}.", window.effective_deadline)
    if window.state == CLOSED:
        return Answer(False, f"Giai đoạn {noun} đã đóng.", window.effective_deadline)
    if window.state != OPEN:
        return Answer(False, f"Giai đoạn {noun} không ở trạng thái mở.")
    deadline = window.effective_deadline
    if deadline is None:
        return Answer(True, f"Giai đoạn {noun} đang mở.")
    shown = fmt_date(deadline)
    if is_past(deadline, now):
        if binds:
            extended = f"đã gia hạn đến {shown}" if window.is_extended else shown
            return Answer(
                False,
                f"Đã quá hạn {noun} ({extended}); cần cơ quan tổ chức gia hạn.",
                deadline,
            )
        return Answer(True, f"Giai đoạn {noun} đang mở (đã quá hạn dự kiến {shown}).", deadline)
    if window.is_extended:
        return Answer(True, f"Được gia hạn {noun} đến hết ngày {shown}.", deadline)
    return Answer(True, f"Còn hạn {noun} đến hết ngày {shown}.", deadline)


def decide(
    action: Action,
    windows: Mapping[str, PhaseWindow],
    now: datetime,
    *,
    campaign_state: str = CAMPAIGN_OPEN,
) -> Answer:
    """Answer one action of the table for one unit."""
    rule = RULES[action]
    return window_answer(
        windows.get(rule.phase), now, binds=rule.binds, campaign_state=campaign_state
    )


def submitted_on_time(window: PhaseWindow, submitted_at: datetime) -> bool:
    """A submission is on time when made by the end of the unit's own deadline day."""
    deadline = window.effective_deadline
    return deadline is None or not is_past(deadline, submitted_at)


def may_withdraw(
    window: PhaseWindow | None,
    *,
    submitted_at: datetime | None,
    appraisal_started: bool,
    now: datetime,
    campaign_state: str = CAMPAIGN_OPEN,
) -> Answer:
    """Take back a submission to fix it: after an on-time submission, until appraisal starts."""
    refused = _campaign_refusal(campaign_state)
    if refused is not None:
        return refused
    if window is None or window.state == NOT_OPENED:
        return Answer(False, "Giai đoạn tự đánh giá chưa mở.")
    if submitted_at is None:
        return Answer(False, "Đơn vị chưa nộp kết quả tự đánh giá.")
    if appraisal_started:
        return Answer(False, "Hội đồng đã bắt đầu thẩm định đơn vị; không thể rút lại hồ sơ.")
    if not submitted_on_time(window, submitted_at):
        return Answer(False, "Hồ sơ nộp sau hạn nên không được rút lại.")
    return Answer(
        True, "Có thể rút lại hồ sơ để sửa cho đến khi bắt đầu thẩm định.", window.deadline
    )


def may_resubmit_self_assessment(
    window: PhaseWindow | None,
    *,
    withdrawn_submission_at: datetime | None,
    appraisal_started: bool,
    now: datetime,
    campaign_state: str = CAMPAIGN_OPEN,
) -> Answer:
    """Submit again after a withdrawal: always while the window accepts submissions; past the
    deadline only when the withdrawn submission was on time and appraisal has not started."""
    normal = window_answer(window, now, campaign_state=campaign_state)
    if normal or window is None or withdrawn_submission_at is None:
        return normal
    if campaign_state != CAMPAIGN_OPEN or window.state == NOT_OPENED:
        return normal
    if appraisal_started:
        return Answer(False, "Hội đồng đã bắt đầu thẩm định đơn vị; không thể nộp lại.")
    if not submitted_on_time(window, withdrawn_submission_at):
        return normal
    return Answer(True, "Nộp lại hồ sơ đã nộp đúng hạn và rút ra để sửa.", window.deadline)


__all__ = [
    "APPRAISAL",
    "APPROVAL",
    "EXPLANATION",
    "LOCAL_TZ",
    "PHASE_NOUNS",
    "PHASE_ORDER",
    "PUBLICATION",
    "RULES",
    "SELF_ASSESSMENT",
    "SURVEYS",
    "Action",
    "Answer",
    "PhaseWindow",
    "Rule",
    "days_left",
    "decide",
    "end_of_day",
    "is_past",
    "local_date",
    "may_resubmit_self_assessment",
    "may_withdraw",
    "submitted_on_time",
    "window_answer",
]
