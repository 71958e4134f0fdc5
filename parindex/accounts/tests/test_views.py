"""The accounts pages: list with search without diacritics and bounded queries, a person's
page with grant and revoke, creation showing the temporary password once, own account."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parindex.accounts.models import Membership, User
from parindex.accounts.roles import Role
from parindex.accounts.sealed import SealError, seal, unseal
from parindex.accounts.tests.conftest import Province
from parindex.accounts.tests.factories import user_with_role
from parindex.units.tests.factories import UnitFactory


@pytest.fixture
def organiser_client(province: Province) -> Client:
    client = Client()
    client.force_login(province["organiser"])
    return client


def _names(response: Any) -> list[str]:
    return [u.username for u in response.context["users"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("son linh", {"t.head", "t.focal", "t.officer"}),
        ("SƠN LĨNH", {"t.head", "t.focal", "t.officer"}),
        ("duc", {"t.head"}),
        ("nguyen thi", {"t.focal", "t.officer"}),
        ("lan son-linh", {"t.officer"}),
        ("t.council", {"t.council"}),
        ("dien chau", set()),
    ],
)
def test_list_search_without_diacritics(
    organiser_client: Client, query: str, expected: set[str]
) -> None:
    response = organiser_client.get(reverse("accounts:user_list"), {"q": query})
    assert response.status_code == 200
    assert set(_names(response)) == expected


def test_list_is_scoped_and_in_vietnamese_order(organiser_client: Client) -> None:
    names = [
        u.full_name for u in organiser_client.get(reverse("accounts:user_list")).context["users"]
    ]
    assert "Hoàng Văn Châu" not in names  # another organiser's commune
    assert "Quản Trị Viên" not in names
    # Sorted by given name: Dõi < Định < Đức < Lan < Mai < Tịch < Trực.
    assert names == [
        "Đỗ Văn Theo Dõi",
        "Hồ Thị Thẩm Định",
        "Trần Văn Đức",
        "Nguyễn Thị Lan",
        "Nguyễn Thị Mai",
        "Lê Văn Chủ Tịch",
        "Phan Thị Thường Trực",
    ]


def test_list_query_count_does_not_grow_with_people(
    province: Province, organiser_client: Client
) -> None:
    url = reverse("accounts:user_list")
    organiser_client.get(url)
    with CaptureQueriesContext(connection) as few:
        organiser_client.get(url)
    for i in range(30):
        unit = UnitFactory(organiser=province.org)
        user_with_role(Role.OFFICER, unit, username=f"nguoi{i}.x")
        user_with_role(Role.HEAD, unit, username=f"thutruong{i}.x")
    with CaptureQueriesContext(connection) as many:
        response = organiser_client.get(url)
    assert len(response.context["users"]) == 50  # first page
    assert len(many) == len(few) <= 12


def test_list_pages(province: Province, organiser_client: Client) -> None:
    for i in range(55):
        user_with_role(Role.OFFICER, province.ky_anh, username=f"can.bo{i}")
    second = organiser_client.get(reverse("accounts:user_list"), {"trang": 2})
    assert second.context["page"].number == 2 and len(second.context["users"]) == 55 + 7 - 50


def test_create_page_shows_the_temporary_password_once(
    province: Province, organiser_client: Client
) -> None:
    form = organiser_client.get(reverse("accounts:user_create"))
    units = {u.code for u in form.context["form"].fields["unit"].queryset}
    assert units == {"so-noi-vu-ha-tinh", "son-linh", "ky-anh"}
    roles = {value for value, _ in form.context["form"].fields["role"].choices}
    assert Role.ADMIN not in roles
    response = organiser_client.post(
        reverse("accounts:user_create"),
        {"full_name": "Nguyễn Văn Bình", "unit": province.son_linh.pk, "role": Role.FOCAL},
    )
    assert response.status_code == 200 and response["Cache-Control"].startswith("no-store")
    user = User.objects.get(username="binh.sonlinh")
    assert user.check_password(response.context["password"])
    assert response.context["password"] in response.content.decode()
    assert user.memberships.get().role == Role.FOCAL


def test_create_page_shows_rule_errors_on_the_form(
    province: Province, organiser_client: Client
) -> None:
    response = organiser_client.post(
        reverse("accounts:user_create"),
        {"full_name": "Nguyễn Văn Bình", "unit": province.son_linh.pk, "role": Role.COUNCIL},
    )
    assert response.status_code == 200
    assert "chỉ giao trong cơ quan tổ chức đánh giá" in str(response.context["form"].errors["role"])
    assert not User.objects.filter(full_name="Nguyễn Văn Bình").exists()


def test_detail_grant_and_revoke(province: Province, organiser_client: Client) -> None:
    lan = province["officer"]
    url = reverse("accounts:user_detail", args=[lan.pk])
    page = organiser_client.get(url)
    assert page.status_code == 200 and page.context["can_manage"]
    response = organiser_client.post(
        reverse("accounts:membership_grant", args=[lan.pk]),
        {"unit": province.ky_anh.pk, "role": Role.OBSERVER, "valid_from": "05/11/2025"},
    )
    assert response.status_code == 302
    granted = lan.memberships.get(unit=province.ky_anh)
    assert granted.valid_from.isoformat() == "2025-11-05"
    refused = organiser_client.post(
        reverse("accounts:membership_grant", args=[lan.pk]),
        {"unit": province.son_linh.pk, "role": Role.COUNCIL},
    )
    assert refused.status_code == 400
    assert "chỉ giao trong cơ quan tổ chức đánh giá" in refused.content.decode()
    revoke = organiser_client.post(reverse("accounts:membership_revoke", args=[granted.pk]))
    assert revoke.status_code == 302
    granted.refresh_from_db()
    assert not granted.is_active
    history = organiser_client.get(url).context["history"]
    assert {line.entry.action for line in history} >= {"membership.grant", "membership.revoke"}


def test_detail_of_a_person_managed_elsewhere_is_read_only(
    province: Province, organiser_client: Client
) -> None:
    lan = province["officer"]
    Membership.objects.create(user=lan, unit=province.foreign, role=Role.OBSERVER)
    page = organiser_client.get(reverse("accounts:user_detail", args=[lan.pk]))
    assert page.status_code == 200
    assert not page.context["can_manage"] and page.context["grant_form"] is None
    assert organiser_client.get(reverse("accounts:user_update", args=[lan.pk])).status_code == 403
    reset = organiser_client.post(reverse("accounts:user_password_reset", args=[lan.pk]))
    assert reset.status_code == 302
    assert "Bạn không quản lý tài khoản" in organiser_client.get(reset.url).content.decode()


def test_update_deactivate_reactivate_pages(province: Province, organiser_client: Client) -> None:
    lan = province["officer"]
    response = organiser_client.post(
        reverse("accounts:user_update", args=[lan.pk]),
        {"full_name": "Nguyễn Thị Lan", "position": "Công chức Văn hóa", "email": "", "phone": ""},
    )
    assert response.status_code == 302
    lan.refresh_from_db()
    assert lan.position == "Công chức Văn hóa"
    organiser_client.post(reverse("accounts:user_deactivate", args=[lan.pk]))
    lan.refresh_from_db()
    assert not lan.is_active
    organiser_client.post(reverse("accounts:user_reactivate", args=[lan.pk]))
    lan.refresh_from_db()
    assert lan.is_active


def test_my_account_edits_contact_and_lists_roles(province: Province, client: Client) -> None:
    lan = province["officer"]
    client.force_login(lan)
    page = client.get(reverse("accounts:my_account"))
    assert "UBND xã Sơn Lĩnh" in page.content.decode()
    response = client.post(
        reverse("accounts:my_account"), {"email": "lan@sonlinh.gov.vn", "phone": "0912 345 678"}
    )
    assert response.status_code == 302
    lan.refresh_from_db()
    assert (lan.email, lan.phone) == ("lan@sonlinh.gov.vn", "0912 345 678")
    bad = client.post(reverse("accounts:my_account"), {"email": "", "phone": "gọi xã"})
    assert "không phải số điện thoại hợp lệ" in bad.content.decode()


def test_sealed_values_round_trip_and_expire(settings: Any) -> None:
    token = seal("mật khẩu bako-rimu-7253".encode(), purpose="p")
    assert "bako" not in token
    assert unseal(token, purpose="p", max_age=timedelta(minutes=1)).decode() == (
        "mật khẩu bako-rimu-7253"
    )
    with pytest.raises(SealError):
        unseal(token, purpose="other", max_age=timedelta(minutes=1))
    with pytest.raises(SealError):
        unseal(token[:-2] + "xx", purpose="p", max_age=timedelta(minutes=1))
    with pytest.raises(SealError):
        unseal(token, purpose="p", max_age=timedelta(seconds=-1))


def test_person_history_shows_labels_subjects_and_changes_never_raw_names(
    province: Province, organiser_client: Client
) -> None:
    from parindex.accounts import services
    from parindex.core.models import AuditEntry

    lan = province["officer"]
    organiser = province["organiser"]
    services.user_update(actor=organiser, user=lan, position="Công chức văn phòng")
    services.membership_grant(actor=organiser, user=lan, unit=province.ky_anh, role=Role.OBSERVER)
    services.user_deactivate(actor=organiser, user=lan)
    AuditEntry.objects.create(  # a stored name nobody declares, with a file hash
        action="user.legacy_thing",
        object_type="accounts.user",
        object_id=str(lan.pk),
        object_repr="Nguyễn Thị Lan",
        changes={"note": ["a", "b"], "sha256": [None, "ab" * 32]},
    )
    response = organiser_client.get(reverse("accounts:user_detail", args=[lan.pk]))
    page = response.content.decode()
    labels = [line.label for line in response.context["history"]]
    assert {"Sửa thông tin tài khoản", "Giao vai trò", "Khóa tài khoản", "Thay đổi khác"} <= set(
        labels
    )
    assert "Chức vụ: — → <strong>Công chức văn phòng</strong>" in page
    assert "Vai trò: — → <strong>Người theo dõi (chỉ xem)</strong>" in page
    assert "Đang hoạt động: có → <strong>không</strong>" in page
    assert "Nguyễn Thị Lan (t.officer)" in page  # the subject: name and username
    for raw in ("user.update", "membership.grant", "user.deactivate", "user.legacy_thing"):
        assert raw not in page
    assert "ab" * 32 not in page
