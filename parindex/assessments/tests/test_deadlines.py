"""Deadlines, per-unit exceptions and "until appraisal starts", with the clock frozen."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from parindex.accounts.roles import Role
from parindex.accounts.tests.factories import user_with_role
from parindex.campaigns import services as campaign_services
from parindex.campaigns.models import AssessedUnit
from parindex.campaigns.rules import LOCAL_TZ
from parindex.core.errors import ServiceError
from parindex.units.tests.factories import OrganiserFactory, UnitFactory

from ..models import Submission
from ..services import (
    assessment_get_or_create,
    assessment_submit,
    assessment_withdraw,
    entry_save,
)
from ..workflow import Status
from .factories import open_campaign, small_version
from .helpers import fill_small


def at(day: Any, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LOCAL_TZ)


def test_first_submission_after_the_deadline_needs_an_exception(small_world: Any) -> None:
    w = small_world
    a = w.assessment()
    fill_small(w, a)
    deadline = w.phase().deadline
    with time_machine.travel(at(deadline + timedelta(days=1)), tick=False):
        with pytest.raises(ServiceError, match="quá hạn"):
            assessment_submit(actor=w.users["head"], assessment=a)
        with pytest.raises(ServiceError, match="quá hạn"):
            entry_save(
                actor=w.users["focal"],
                assessment=a,
                node_code="1.1",
                raw_inputs={"score": "8"},
                expected_revision=1,
            )
        campaign_services.exception_grant(
            phase=w.phase(),
            unit=w.commune,
            until=deadline + timedelta(days=3),
            reason="Xã bị ảnh hưởng bão số 3",
            actor=w.users["organiser"],
        )
        entry_save(
            actor=w.users["focal"],
            assessment=a,
            node_code="1.1",
            raw_inputs={"score": "8"},
            expected_revision=1,
        )
        submission = assessment_submit(actor=w.users["head"], assessment=a)
    assert submission.late_exception_reason == "Xã bị ảnh hưởng bão số 3"
    # The exception is for this unit only.
    other = w.assessment(w.commune2)
    with time_machine.travel(at(deadline + timedelta(days=1)), tick=False):
        with pytest.raises(ServiceError, match="quá hạn"):
            assessment_submit(actor=w.users["other_head"], assessment=other)


def test_on_the_deadline_day_until_midnight(small_world: Any) -> None:
    w = small_world
    a = w.assessment()
    fill_small(w, a)
    deadline = w.phase().deadline
    with time_machine.travel(datetime.combine(deadline, time(23, 59), tzinfo=LOCAL_TZ), tick=False):
        submission = assessment_submit(actor=w.users["head"], assessment=a)
    assert submission.number == 1 and submission.late_exception_reason == ""


def test_after_an_on_time_submission_withdraw_fix_resubmit_until_appraisal(
    small_world: Any,
) -> None:
    w = small_world
    a = w.assessment()
    fill_small(w, a)
    deadline = w.phase().deadline
    assessment_submit(actor=w.users["head"], assessment=a)
    with time_machine.travel(at(deadline + timedelta(days=2)), tick=False):
        assessment_withdraw(actor=w.users["head"], assessment=a)
        entry_save(
            actor=w.users["focal"],
            assessment=a,
            node_code="1.1",
            raw_inputs={"score": "9,5"},
            expected_revision=1,
        )
        second = assessment_submit(actor=w.users["head"], assessment=a)
        assert second.number == 2
        w.open_phase("appraisal")
        with pytest.raises(ServiceError, match="thẩm định"):
            assessment_withdraw(actor=w.users["head"], assessment=a)
    a.refresh_from_db()
    assert a.status == Status.SUBMITTED
    assert [s.total for s in Submission.objects.filter(assessment=a)] == [
        Decimal("7.5"),
        Decimal("9.5"),
    ]


def test_nothing_before_the_phase_opens(db: Any) -> None:
    organiser = OrganiserFactory(code="p2-so")
    unit = UnitFactory(code="p2-xa", organiser=organiser)
    campaign = open_campaign(
        organiser=organiser,
        units=[unit],
        version=small_version(organiser, code="p2-bo"),
        slug="p2",
        open_self_assessment=False,
    )
    focal = user_with_role(Role.FOCAL, unit, username="p2-focal")
    a = assessment_get_or_create(
        actor=focal, assessed_unit=AssessedUnit.objects.get(campaign=campaign)
    )
    with pytest.raises(ServiceError, match="chưa mở"):
        entry_save(
            actor=focal,
            assessment=a,
            node_code="1.1",
            raw_inputs={"score": "1"},
            expected_revision=0,
        )
