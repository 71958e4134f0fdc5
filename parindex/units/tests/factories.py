from __future__ import annotations

import factory

from parindex.units.kinds import UnitKind
from parindex.units.models import Unit


class OrganiserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"so-noi-vu-{n}")
    name = factory.Sequence(lambda n: f"Sở Nội vụ tỉnh {n}")
    kind = UnitKind.SO_NGANH
    is_organiser = True


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"xa-{n}")
    name = factory.Sequence(lambda n: f"UBND xã Số {n}")
    kind = UnitKind.XA
    organiser = factory.SubFactory(OrganiserFactory)
