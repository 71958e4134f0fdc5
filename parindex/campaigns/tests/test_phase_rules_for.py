"""phase_rules_for: the table as services ask it, with frozen time (before, on and just after
each deadline, not opened, closed, exceptions for one unit only)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from parindex.campaigns import services
from parindex.campaigns.models import Phase
from parindex.campaigns.selectors import phase_rules_for
from parindex.campaigns.tests.conftest import Setup, World

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
SA_DEADLINE = date(2025, 11, 30)
EXPLANATION_DEADLINE = date(2025, 12, 20)


def local(y: int, m: int, d: int, hh: int = 12, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=HCM)


@pytest.fixture
def running(world: World, setup: Setup) -> Setup:
    actor = world.users["organiser"]
    with time_machine.travel(local(2025, 11, 1, 8), tick=False):
        for kind, deadline in (
            ("self_assessment", SA_DEADLINE),
            ("explanation", EXPLANATION_DEADLINE),
            ("appraisal", date(2025, 12, 15)),
        ):
            phase = Phase.objects.get(campaign=setup.campaign, kind=kind)
            services.phase_set_dates(
                phase=phase,
                actor=actor,
                expected_revision=phase.revision,
                starts_on=date(2025, 11, 1),
                deadline=deadline,
            )
        services.campaign_open(campaign=setup.campaign, actor=actor)
        for kind in ("self_assessment", "explanation"):
            services.phase_open(
                phase=Phase.objects.get(campaign=setup.campaign, kind=kind), actor=actor
            )
    setup.campaign.refresh_from_db()
    return setup


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [
        (local(2025, 11, 29, 9), True),
        (local(2025, 11, 30, 0, 0, 0), True),
        (local(2025, 11, 30, 23, 59, 59), True),
        (local(2025, 12, 1, 0, 0, 0), False),
        (local(2025, 12, 3, 10), False),
    ],
)
def test_may_submit_around_the_deadline(
    world: World, running: Setup, moment: datetime, allowed: bool
) -> None:
    with time_machine.travel(moment, tick=False):
        answer = phase_rules_for(campaign=running.campaign, unit=world.commune)
        assert answer.may_submit_self_assessment().allowed is allowed
        assert answer.may_edit_self_assessment().allowed is allowed
    if not allowed:
        assert answer.may_submit_self_assessment().reason == (
            "Đã quá hạn tự đánh giá (30/11/2025); cần cơ quan tổ chức gia hạn."
        )


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [
        (local(2025, 12, 20, 23, 59, 59), True),
        (local(2025, 12, 21, 0, 0, 0), False),
    ],
)
def test_may_reply_explanation_around_its_deadline(
    world: World, running: Setup, moment: datetime, allowed: bool
) -> None:
    with time_machine.travel(moment, tick=False):
        rules_now = phase_rules_for(campaign=running.campaign, unit=world.commune)
        assert rules_now.may_reply_explanation().allowed is allowed


def test_not_opened_phase_refuses_even_before_its_deadline(world: World, running: Setup) -> None:
    with time_machine.travel(local(2025, 11, 10), tick=False):
        rules_now = phase_rules_for(campaign=running.campaign, unit=world.commune)
        answer = rules_now.may_appraise()
        assert not answer
        assert answer.reason == "Giai đoạn thẩm định chưa mở (dự kiến bắt đầu 01/11/2025)."
        assert not rules_now.may_answer_survey()


def test_closed_phase_refuses_before_its_deadline(world: World, running: Setup) -> None:
    phase = Phase.objects.get(campaign=running.campaign, kind="self_assessment")
    with time_machine.travel(local(2025, 11, 10), tick=False):
        services.phase_close(phase=phase, actor=world.users["organiser"])
        answer = phase_rules_for(
            campaign=running.campaign, unit=world.commune
        ).may_submit_self_assessment()
        assert not answer
        assert answer.reason == "Giai đoạn tự đánh giá đã đóng."


def test_exception_extends_only_that_unit(world: World, running: Setup) -> None:
    phase = Phase.objects.get(campaign=running.campaign, kind="self_assessment")
    services.exception_grant(
        phase=phase,
        unit=world.commune,
        until=date(2025, 12, 5),
        reason="Mất điện kéo dài do bão",
        actor=world.users["organiser"],
    )
    with time_machine.travel(local(2025, 12, 5, 23, 59, 59), tick=False):
        mine = phase_rules_for(campaign=running.campaign, unit=world.commune)
        other = phase_rules_for(campaign=running.campaign, unit=world.commune2)
        assert mine.may_submit_self_assessment()
        assert mine.deadline("self_assessment") == date(2025, 12, 5)
        assert not other.may_submit_self_assessment()
        assert other.deadline("self_assessment") == SA_DEADLINE
    with time_machine.travel(local(2025, 12, 6, 0, 0, 0), tick=False):
        assert not phase_rules_for(
            campaign=running.campaign, unit=world.commune
        ).may_submit_self_assessment()


def test_revoked_exception_no_longer_counts(world: World, running: Setup) -> None:
    phase = Phase.objects.get(campaign=running.campaign, kind="self_assessment")
    granted = services.exception_grant(
        phase=phase,
        unit=world.commune,
        until=date(2025, 12, 5),
        reason="Lý do",
        actor=world.users["organiser"],
    )
    services.exception_revoke(exception=granted, actor=world.users["organiser"])
    with time_machine.travel(local(2025, 12, 2), tick=False):
        assert not phase_rules_for(
            campaign=running.campaign, unit=world.commune
        ).may_submit_self_assessment()


def test_unit_not_assessed_is_refused(world: World, running: Setup) -> None:
    with time_machine.travel(local(2025, 11, 10), tick=False):
        answer = phase_rules_for(
            campaign=running.campaign, unit=world.ward
        ).may_submit_self_assessment()
    assert not answer
    assert "không thuộc danh sách được đánh giá" in answer.reason


def test_preparing_campaign_refuses(world: World, setup: Setup) -> None:
    answer = phase_rules_for(
        campaign=setup.campaign, unit=world.commune
    ).may_submit_self_assessment()
    assert not answer
    assert answer.reason == "Đợt đánh giá chưa mở."


def test_withdraw_through_selector(world: World, running: Setup) -> None:
    with time_machine.travel(local(2025, 12, 3), tick=False):
        rules_now = phase_rules_for(campaign=running.campaign, unit=world.commune)
        assert rules_now.may_withdraw(
            submitted_at=local(2025, 11, 30, 23, 0), appraisal_started=False
        )
        assert not rules_now.may_withdraw(
            submitted_at=local(2025, 11, 30, 23, 0), appraisal_started=True
        )
        assert rules_now.may_resubmit_self_assessment(
            withdrawn_submission_at=local(2025, 11, 30, 23, 0), appraisal_started=False
        )
