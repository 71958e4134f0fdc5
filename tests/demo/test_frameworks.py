"""The demo's criteria sets: both imported once, with the communes' questionnaire; loading
them again, frozen by the campaign, returns the stored versions."""

from __future__ import annotations

from parindex.demo.data import ORGANISER
from parindex.demo.frameworks import load_demo_frameworks
from parindex.frameworks.models import FrameworkVersion
from parindex.units.models import Unit


def test_demo_sets_load_once_and_stay_frozen(demo: None) -> None:
    organiser = Unit.objects.get(code=ORGANISER["code"])
    departments, communes = load_demo_frameworks(organiser)
    assert (departments.code, communes.code) == ("vd-so-2025", "vd-xa-2025")
    assert departments.applies_to == ["so_nganh", "co_quan_tw"]
    assert communes.questionnaires.get().code == "lanh-dao"
    assert communes.warnings == []
    assert departments.is_frozen and communes.is_frozen  # frozen by the demo campaign
    again = load_demo_frameworks(organiser)
    assert again == (departments, communes)
    assert FrameworkVersion.objects.count() == 2
