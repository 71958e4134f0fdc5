"""The one pager every list uses: the page parameter is ``trang`` and the other filters stay."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def _render(query: str, number: int) -> str:
    request = RequestFactory().get("/don-vi/?" + query)
    page = Paginator(list(range(95)), 20).get_page(number)
    return render_to_string("web/partials/pager.html", {"page": page}, request=request)


def test_links_keep_filters_and_replace_the_page() -> None:
    html = _render("q=son+linh&kind=xa&trang=2", 2)
    assert 'href="?q=son+linh&amp;kind=xa&amp;trang=1"' in html
    assert 'href="?q=son+linh&amp;kind=xa&amp;trang=3"' in html
    assert "Trang 2/5" in html
    assert "page=" not in html


def test_first_and_last_pages_offer_one_direction() -> None:
    first = _render("", 1)
    assert "Trang trước" not in first and "Trang sau" in first
    last = _render("trang=5", 5)
    assert "Trang sau" not in last and "Trang trước" in last


def test_a_single_page_shows_no_pager() -> None:
    request = RequestFactory().get("/")
    page = Paginator([1, 2], 20).get_page(1)
    assert (
        render_to_string("web/partials/pager.html", {"page": page}, request=request).strip() == ""
    )
