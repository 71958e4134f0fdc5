from __future__ import annotations

from django.test import RequestFactory, override_settings

from parindex.accounts.client_ip import client_ip


def test_without_trusted_proxies_forwarded_header_is_ignored() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "10.0.0.5"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_client_is_the_last_forwarded_address() -> None:
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    assert client_ip(request) == "203.0.113.7"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_proxy_without_header_falls_back_to_remote_addr() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5")
    assert client_ip(request) == "10.0.0.5"
