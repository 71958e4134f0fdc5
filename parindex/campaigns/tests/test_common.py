"""What the campaign pages and services share: a unit's pages only for those who may see them,
a button's form errors as messages led by its name, ending an exception or a declaration."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from parindex.campaigns import services
from parindex.campaigns.tests.conftest import Setup, World
from parindex.campaigns.tests.test_services import with_deadline


@pytest.mark.parametrize("page", ["campaigns:unit_dashboard", "campaigns:unit_plan"])
def test_unit_pages_only_for_those_who_may_see_the_unit(
    client: Client, world: World, setup: Setup, page: str
) -> None:
    services.campaign_open(campaign=setup.campaign, actor=world.users["organiser"])
    client.force_login(world.users["head"])
    slug = setup.campaign.slug
    assert client.get(reverse(page, args=[slug, world.commune.code])).status_code == 200
    assert client.get(reverse(page, args=[slug, world.commune2.code])).status_code == 404
    assert client.get(reverse(page, args=[slug, "khong-co"])).status_code == 404


def test_button_form_errors_are_messages_led_by_its_name(
    client: Client, world: World, setup: Setup
) -> None:
    client.force_login(world.users["organiser"])
    slug = setup.campaign.slug
    response = client.post(
        reverse("campaigns:phase_dates", args=[slug, "self_assessment"]),
        {"self_assessment-deadline": "31/02/2025", "self_assessment-revision": "1"},
    )
    assert response.status_code == 302
    date_error = "Tự đánh giá, chấm điểm: Nhập ngày theo dạng dd/mm/yyyy, ví dụ 30/11/2025."
    assert [str(m) for m in get_messages(response.wsgi_request)] == [date_error]
    response = client.post(reverse("campaigns:exception_grant", args=[slug, "self_assessment"]))
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert shown == [date_error] + ["Gia hạn: Trường này là bắt buộc."] * 3


def test_revoking_and_withdrawing_stamp_the_row(world: World, setup: Setup) -> None:
    actor = world.users["organiser"]
    phase = with_deadline(world, setup)
    until = date(2025, 12, 5)
    granted = services.exception_grant(
        phase=phase, unit=world.commune, until=until, reason="Bão", actor=actor
    )
    campaign, version = setup.campaign, world.commune_set
    declared = services.na_declare(
        campaign=campaign, framework=version, node_code="2.1", reason="x", actor=actor
    )
    ended = [
        ("revoked", services.exception_revoke(exception=granted, actor=actor)),
        ("withdrawn", services.na_withdraw(declaration=declared, actor=actor)),
    ]
    for verb, row in ended:
        stored = type(row).objects.get(pk=row.pk)
        for each in (row, stored):
            assert not each.is_active
            assert getattr(each, f"{verb}_by") == actor
        assert getattr(stored, f"{verb}_at") == getattr(row, f"{verb}_at") is not None
