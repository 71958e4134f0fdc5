"""Factories for campaigns' tests. Criteria-set versions are uploaded like a user's file (a
small set with a self-assessed, a survey and an organiser-sourced criterion)."""

from __future__ import annotations

from typing import Any

import factory

from parindex.campaigns.models import AssessedUnit, Campaign, Phase, PlanTask, RankingGroup
from parindex.campaigns.rules import PHASE_ORDER
from parindex.frameworks.models import FrameworkVersion
from parindex.frameworks.tests.factories import stored_version
from parindex.units.tests.factories import OrganiserFactory, UnitFactory

YAML_TEMPLATE = """\
format: parindex-framework/1
code: {code}
name: {name}
year: 2025
{applies_to}nodes:
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
    """The small set's YAML; without ``kinds`` it leaves ``applies_to`` out."""
    applies_to = f"applies_to: [{', '.join(kinds)}]\n" if kinds else ""
    return YAML_TEMPLATE.format(code=code, name=name, applies_to=applies_to)


class FrameworkVersionFactory(factory.Factory):
    """A draft version of the small set, stored by ``framework_import``."""

    class Meta:
        model = FrameworkVersion

    organiser = factory.SubFactory(OrganiserFactory)
    code = factory.Sequence(lambda n: f"bo-xa-{n}")
    name = factory.Sequence(lambda n: f"Bộ tiêu chí cấp xã {n}")
    applies_to = factory.LazyFunction(lambda: ["xa", "phuong"])

    @classmethod
    def _create(cls, model_class: type[FrameworkVersion], **kwargs: Any) -> FrameworkVersion:
        text = framework_yaml(kwargs["code"], kwargs["name"], list(kwargs["applies_to"]))
        return stored_version(kwargs["organiser"], text)


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
