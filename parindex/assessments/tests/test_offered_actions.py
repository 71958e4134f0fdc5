"""A page offers a workflow action exactly when its service would run it.

For every status, three moments (in time, after the deadline, once appraisal has opened) and
each kind of person: the actions the scoring page offers (an enabled button or link) are exactly
those whose service succeeds — each is tried for real inside a savepoint that is rolled back.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse

from parindex.campaigns.rules import LOCAL_TZ

from ..models import Assessment
from ..services import (
    assessment_act,
    assessment_options,
    assessment_verdict,
)
from ..workflow import Action, Status
from .helpers import fill_small
from .test_workflow import _prepare

PEOPLE = ("focal", "head", "officer", "organiser", "observer", "unit_observer", "other_head")
MOMENTS = ("in_time", "late", "appraisal")
ENABLED = re.compile(r'<(?:button|a)\b(?P<attrs>[^>]*)data-action="(?P<action>[a-z_]+)"[^>]*>')


class _Rollback(Exception):
    pass


def offered(html: str) -> set[Action]:
    """Actions with an enabled button or link on the page."""
    out = set()
    for found in ENABLED.finditer(html):
        tag = found.group(0)
        if " disabled" not in tag:
            out.add(Action(found.group("action")))
    return out


def runs(user: Any, pk: int, action: Action) -> bool:
    """Whether the service carries the action out (then undone)."""
    assessment = Assessment.objects.select_related(
        "assessed_unit__campaign", "assessed_unit__unit", "assessed_unit__framework"
    ).get(pk=pk)
    try:
        with transaction.atomic():
            assessment_act(actor=user, assessment=assessment, action=action, reason="Bổ sung")
            raise _Rollback
    except _Rollback:
        return True
    except (ValidationError, PermissionDenied):
        return False


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("status", list(Status))
def test_the_page_offers_exactly_what_the_service_runs(
    small_world: Any, status: Status, moment: str
) -> None:
    w = small_world
    assessment = w.assessment()
    fill_small(w, assessment)
    _prepare(w, assessment, status)
    deadline = w.phase().deadline
    when = datetime.combine(deadline + timedelta(days=2), time(10), tzinfo=LOCAL_TZ)
    if moment == "in_time":
        when = datetime.now(LOCAL_TZ)
    with time_machine.travel(when, tick=False):
        if moment == "appraisal":
            w.open_phase("appraisal")
        url = reverse("assessments:detail", args=[assessment.pk])
        for who in PEOPLE:
            user = w.users[who]
            client = Client()
            client.force_login(user)
            response = client.get(url)
            page = response.content.decode() if response.status_code == 200 else ""
            shown = offered(page)
            would = {a for a in Action if runs(user, assessment.pk, a)}
            assert shown == would, (who, status, moment, shown, would)
            if (status, who) == (Status.DRAFT, "head"):  # the check is not vacuous
                expected = {Action.MARK_READY, Action.SUBMIT}
                assert shown == (expected if moment == "in_time" else {Action.MARK_READY})
            fresh = Assessment.objects.get(pk=assessment.pk)
            listed = {o.action for o in assessment_options(user, fresh) if o.allowed}
            assert listed == would, (who, status, moment)
            for option in assessment_options(user, fresh):
                if not option.allowed:  # a refusal always says why, on the page too
                    assert option.reason and option.reason in page


def test_the_submit_page_offers_the_button_exactly_when_submitting_works(small_world: Any) -> None:
    w = small_world
    assessment = w.assessment()
    fill_small(w, assessment)
    for who in PEOPLE:
        user = w.users[who]
        client = Client()
        client.force_login(user)
        response = client.get(reverse("assessments:submit", args=[assessment.pk]))
        page = response.content.decode() if response.status_code == 200 else ""
        would = runs(user, assessment.pk, Action.SUBMIT)
        assert ('id="confirm-submit"' in page) is would, who
        if response.status_code == 200:
            assert assessment_verdict(user, assessment, Action.SUBMIT).allowed is would


def test_the_return_page_offers_the_form_exactly_when_returning_works(small_world: Any) -> None:
    w = small_world
    assessment = w.assessment()
    fill_small(w, assessment)
    _prepare(w, assessment, Status.SUBMITTED)
    for who in PEOPLE:
        user = w.users[who]
        client = Client()
        client.force_login(user)
        response = client.get(reverse("assessments:return", args=[assessment.pk]))
        page = response.content.decode() if response.status_code == 200 else ""
        would = runs(user, assessment.pk, Action.RETURN)
        assert ('name="reason"' in page) is would, who
        if not would and response.status_code == 200:
            verdict = assessment_verdict(user, assessment, Action.RETURN)
            assert verdict.reason in page
