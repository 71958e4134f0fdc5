"""Phase rules as services ask them: ``phase_rules_for(campaign=..., unit=...)``.

"May this unit still submit?" is answered here from the campaign's phases and the unit's
exceptions; the dates are compared only in :mod:`parindex.campaigns.rules`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from parindex.units.models import Unit

from .. import rules
from ..models import AssessedUnit, Campaign, Phase, PhaseException

_PHASE_RANK = {kind: i for i, kind in enumerate(rules.PHASE_ORDER)}
BINDING_PHASES = frozenset(r.phase for r in rules.RULES.values() if r.binds)


def ordered_phases(phases: Iterable[Phase]) -> list[Phase]:
    return sorted(phases, key=lambda p: _PHASE_RANK.get(p.kind, 99))


def window_of(phase: Phase, exception_until: date | None = None) -> rules.PhaseWindow:
    return rules.PhaseWindow(
        kind=phase.kind,
        state=phase.state,
        deadline=phase.deadline,
        exception_until=exception_until,
        starts_on=phase.starts_on,
    )


@dataclass
class PhaseRules:
    """The rules for one unit in one campaign at one instant; every answer has a reason."""

    campaign: Campaign
    unit: Unit | None
    is_assessed: bool
    windows: dict[str, rules.PhaseWindow]
    now: datetime

    def _not_assessed(self) -> rules.Answer | None:
        if self.unit is not None and not self.is_assessed:
            return rules.Answer(
                False, f"{self.unit.name} không thuộc danh sách được đánh giá của đợt này."
            )
        return None

    def ask(self, action: rules.Action) -> rules.Answer:
        refused = self._not_assessed()
        if refused is not None:
            return refused
        return rules.decide(action, self.windows, self.now, campaign_state=self.campaign.status)

    def window(self, kind: str) -> rules.PhaseWindow | None:
        return self.windows.get(kind)

    def deadline(self, kind: str) -> date | None:
        """This unit's deadline for the phase (its exception if it has one)."""
        w = self.windows.get(kind)
        return w.effective_deadline if w else None

    def may_submit_self_assessment(self) -> rules.Answer:
        return self.ask(rules.Action.SUBMIT_SELF_ASSESSMENT)

    def may_edit_self_assessment(self) -> rules.Answer:
        return self.ask(rules.Action.EDIT_SELF_ASSESSMENT)

    def may_answer_survey(self) -> rules.Answer:
        return self.ask(rules.Action.ANSWER_SURVEY)

    def may_supply_survey_list(self) -> rules.Answer:
        return self.ask(rules.Action.SUPPLY_SURVEY_LIST)

    def may_appraise(self) -> rules.Answer:
        return self.ask(rules.Action.APPRAISE)

    def may_request_explanation(self) -> rules.Answer:
        return self.ask(rules.Action.REQUEST_EXPLANATION)

    def may_reply_explanation(self) -> rules.Answer:
        return self.ask(rules.Action.REPLY_EXPLANATION)

    def may_approve_results(self) -> rules.Answer:
        return self.ask(rules.Action.APPROVE_RESULTS)

    def may_publish_results(self) -> rules.Answer:
        return self.ask(rules.Action.PUBLISH_RESULTS)

    def may_withdraw(
        self, *, submitted_at: datetime | None, appraisal_started: bool
    ) -> rules.Answer:
        refused = self._not_assessed()
        if refused is not None:
            return refused
        return rules.may_withdraw(
            self.windows.get(rules.SELF_ASSESSMENT),
            submitted_at=submitted_at,
            appraisal_started=appraisal_started,
            now=self.now,
            campaign_state=self.campaign.status,
        )

    def may_resubmit_self_assessment(
        self, *, withdrawn_submission_at: datetime | None, appraisal_started: bool
    ) -> rules.Answer:
        refused = self._not_assessed()
        if refused is not None:
            return refused
        return rules.may_resubmit_self_assessment(
            self.windows.get(rules.SELF_ASSESSMENT),
            withdrawn_submission_at=withdrawn_submission_at,
            appraisal_started=appraisal_started,
            now=self.now,
            campaign_state=self.campaign.status,
        )


def phase_rules_for(
    *, campaign: Campaign, unit: Unit | None, now: datetime | None = None
) -> PhaseRules:
    """The rules ``unit`` is under (``None``: the organiser's own steps, no unit exception)."""
    moment = now or timezone.now()
    phases = list(Phase.objects.filter(campaign=campaign))
    exceptions: dict[int, date] = {}
    is_assessed = False
    if unit is not None:
        is_assessed = AssessedUnit.objects.filter(campaign=campaign, unit=unit).exists()
        exceptions = dict(
            PhaseException.objects.filter(
                phase__campaign=campaign, unit=unit, is_active=True
            ).values_list("phase_id", "until")
        )
    windows = {p.kind: window_of(p, exceptions.get(p.pk)) for p in phases}
    return PhaseRules(
        campaign=campaign, unit=unit, is_assessed=is_assessed, windows=windows, now=moment
    )
