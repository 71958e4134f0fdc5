"""The demo campaign: its groups, plan, phases and exception; loading it twice adds nothing."""

from __future__ import annotations

from parindex.campaigns.models import (
    AssessedUnit,
    Campaign,
    Phase,
    PhaseException,
    PlanTask,
    RankingGroup,
)
from parindex.campaigns.selectors import phase_rules_for, plan_summary
from parindex.core.models import AuditEntry
from parindex.demo.campaigns import SLUG, load_demo_campaign
from parindex.frameworks.models import FrameworkStatus, FrameworkVersion


def _snapshot() -> dict[str, int]:
    return {
        "campaigns": Campaign.objects.count(),
        "groups": RankingGroup.objects.count(),
        "units": AssessedUnit.objects.count(),
        "tasks": PlanTask.objects.count(),
        "exceptions": PhaseException.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def test_demo_campaign_is_idempotent(demo: None) -> None:
    campaign = Campaign.objects.get(slug=SLUG)
    departments = FrameworkVersion.objects.get(code="vd-so-2025")
    communes = FrameworkVersion.objects.get(code="vd-xa-2025")
    first = _snapshot()
    again = load_demo_campaign(departments, communes)
    assert again.pk == campaign.pk
    assert _snapshot() == first

    assert campaign.is_open
    assert set(RankingGroup.objects.values_list("code", flat=True)) == {"so-nganh", "xa-phuong"}
    assert AssessedUnit.objects.filter(group__code="so-nganh").count() == 17
    # Every current commune is assessed; the communes merged on 01/07/2025 are not.
    assert AssessedUnit.objects.filter(group__code="xa-phuong").count() == 30
    assert not AssessedUnit.objects.filter(unit__code="son-linh-cu").exists()
    assert 8 <= PlanTask.objects.filter(owner_unit__isnull=True).count() <= 12
    assert PlanTask.objects.filter(owner_unit__code="son-linh").count() == 3
    assert departments.status == FrameworkStatus.FROZEN
    summary = plan_summary(campaign)
    assert summary.overdue and summary.done
    sa = Phase.objects.get(campaign=campaign, kind="self_assessment")
    assert sa.state == "open"
    son_linh = AssessedUnit.objects.get(unit__code="son-linh").unit
    assert phase_rules_for(campaign=campaign, unit=son_linh).may_submit_self_assessment()
    island = AssessedUnit.objects.get(unit__code="dao-son-ha").unit
    assert phase_rules_for(campaign=campaign, unit=island).deadline("self_assessment") > sa.deadline
    # Actions were taken by the demo accounts, not anonymously.
    assert AuditEntry.objects.filter(action="campaign.create").get().actor.username == (
        "sonv.thuongtruc"
    )
