"""Factories for campaigns' tests. Criteria-set versions are made here directly (a small
canonical YAML with a self-assessed, a survey and an organiser-sourced criterion)."""

from __future__ import annotations

import hashlib
from typing import Any

import factory

from parindex.campaigns.models import AssessedUnit, Campaign, Phase, PlanTask, RankingGroup
from parindex.campaigns.rules import PHASE_ORDER
from parindex.frameworks.models import FrameworkVersion
from parindex.units.tests.factories import OrganiserFactory, UnitFactory

YAML_TEMPLATE = """\
format: parindex-framework/1
code: {code}
name: {name}
year: 2025
applies_to: [{kinds}]
nodes:
  - code: "1"
    name: Công tác chỉ đạo, điều hành CCHC
    max: 10
    children:
      - code: "1.1"
        name: Kế hoạch CCHC năm
        max: 10
        rule: manual
  - code: "2"
    name: Tác động của CCHC
    max: 20
    children:
      - code: "2.1"
        name: Đánh giá qua điều tra xã hội học
        max: 10
        source: survey
        rule: manual
      - code: "2.2"
        name: Chỉ số hài lòng (SIPAS)
        max: 10
        source: organiser
        rule: manual
"""


def framework_yaml(code: str, name: str, kinds: list[str]) -> str:
    return YAML_TEMPLATE.format(code=code, name=name, kinds=", ".join(kinds))


class FrameworkVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FrameworkVersion

    organiser = factory.SubFactory(OrganiserFactory)
    code = factory.Sequence(lambda n: f"bo-xa-{n}")
    number = 1
    name = factory.Sequence(lambda n: f"Bộ tiêu chí cấp xã {n}")
    year = 2025
    applies_to = factory.LazyFunction(lambda: ["xa", "phuong"])
    max_points = 30
    canonical_yaml = factory.LazyAttribute(
        lambda o: framework_yaml(o.code, o.name, list(o.applies_to))
    )
    sha256 = factory.LazyAttribute(
        lambda o: hashlib.sha256(o.canonical_yaml.encode("utf-8")).hexdigest()
    )


class CampaignFactory(factory.django.DjangoModelFactory):
    """A campaign row with its six phases (what campaign_create makes)."""

    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    organiser = factory.SubFactory(OrganiserFactory)
    year = 2025
    slug = factory.Sequence(lambda n: f"cchc-2025-{n}")
    name = factory.Sequence(lambda n: f"Đợt xác định Chỉ số CCHC năm 2025 ({n})")

    @factory.post_generation
    def phases(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            Phase.objects.bulk_create([Phase(campaign=self, kind=k) for k in PHASE_ORDER])


class RankingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RankingGroup

    campaign = factory.SubFactory(CampaignFactory)
    code = factory.Sequence(lambda n: f"nhom-{n}")
    name = factory.Sequence(lambda n: f"Nhóm {n}")


class AssessedUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessedUnit

    group = factory.SubFactory(RankingGroupFactory)
    campaign = factory.LazyAttribute(lambda o: o.group.campaign)
    unit = factory.SubFactory(UnitFactory, organiser=factory.SelfAttribute("..campaign.organiser"))
    framework = factory.SubFactory(
        FrameworkVersionFactory, organiser=factory.SelfAttribute("..campaign.organiser")
    )


class PlanTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanTask

    campaign = factory.SubFactory(CampaignFactory)
    title = factory.Sequence(lambda n: f"Nhiệm vụ {n}")
    position = factory.Sequence(lambda n: n + 1)
