from __future__ import annotations

import pytest

from parindex.units.models import Unit
from parindex.units.selectors import ordered_ids, unit_list
from parindex.units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def test_search_without_diacritics_finds_son_linh(organiser_body):
    son_linh = UnitFactory(code="son-linh", name="UBND xã Sơn Lĩnh", organiser=organiser_body)
    UnitFactory(code="son-tay", name="UBND phường Sơn Tây", organiser=organiser_body)
    assert list(Unit.objects.search("son linh")) == [son_linh]
    assert list(Unit.objects.search("SƠN LĨNH")) == [son_linh]
    assert list(Unit.objects.search("  linh   son ")) == [son_linh]


def test_d_finds_d_with_stroke(organiser_body):
    dong_loc = UnitFactory(code="x1", name="Đồng Lộc", organiser=organiser_body)
    UnitFactory(code="x2", name="Xuân Viên", organiser=organiser_body)
    assert list(Unit.objects.search("d")) == [dong_loc]
    assert list(Unit.objects.search("dong loc")) == [dong_loc]


def test_search_matches_the_code(organiser_body):
    unit = UnitFactory(code="18550", name="UBND xã Sơn Lĩnh", organiser=organiser_body)
    assert list(Unit.objects.search("1855")) == [unit]


def test_empty_search_returns_everything(organiser_body):
    UnitFactory.create_batch(3, organiser=organiser_body)
    assert Unit.objects.search("   ").count() == 4  # the organising body too


def test_vietnamese_alphabetical_order(organiser_body, organiser_user):
    names = ["Đông", "Dương", "Ân", "An", "Bình", "Ấp", "Ô Loan", "Ơn", "Ông", "Yên", "Ư"]
    for i, name in enumerate(names):
        UnitFactory(code=f"u{i}", name=name, organiser=organiser_body)
    qs = unit_list(user=organiser_user).exclude(pk=organiser_body.pk)
    ordered = [Unit.objects.get(pk=pk).name for pk in ordered_ids(qs)]
    assert ordered == ["An", "Ân", "Ấp", "Bình", "Dương", "Đông", "Ô Loan", "Ông", "Ơn", "Ư", "Yên"]


def test_same_name_is_ordered_by_code(organiser_body, organiser_user):
    b = UnitFactory(code="b", name="Xã Tân", organiser=organiser_body)
    a = UnitFactory(code="a", name="Xã Tân", organiser=organiser_body)
    qs = unit_list(user=organiser_user, query="tan")
    assert ordered_ids(qs) == [a.pk, b.pk]
