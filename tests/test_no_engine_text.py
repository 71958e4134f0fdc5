"""No page a person reads about criteria, and no criteria-set export, shows engine text.

On the demo province, each demo role opens the pages around criteria — the criteria sets (list,
tree, node edit, a comparison with a rule changed), the scoring form of the demo commune and of
a department, the live points of every general rule with typed values (dates, ratios, cases
that hold and none that does), the submit page, the audit trail, the progress board — and the
criteria sets' .xlsx files are read cell by cell. The visible text (tags, attributes, scripts
and styles left out) must not contain ``max_points``, ``date("``, ``>=``, ``<=``, the YAML of a
rule, or any input's machine name of the sets' general rules as a whole word.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from parindex.accounts.models import User
from parindex.assessments.models import Assessment
from parindex.campaigns.models import Campaign
from parindex.demo.data import DEMO_PASSWORD, DEMO_UNIT, ORGANISER_USERNAME, UNIT_FOCAL_USERNAME
from parindex.frameworks.models import FrameworkQuestionnaire, FrameworkVersion
from parindex.frameworks.selectors import get_engine_framework, version_document
from parindex.frameworks.services import framework_clone, framework_reimport
from parindex.scoring import input_specs
from parindex.scoring.model import GeneralRule, Source
from parindex.scoring.yamlio import dump_canonical_yaml

ENGINE_BITS = ("max_points", 'date("', ">=", "<=", "{yes_no:", "cases:", "inputs:", "checks:")
XLSX_RULE_COLUMN = "Cách chấm"  # the rule as the file format writes it (§5): data, not reading
HEAD = "sonlinh.chutich"
OFFICER = "sonlinh.tuphap"
DEPARTMENT_HEAD = "sotuphap.thutruong"
READERS = ("hoidong.thanhvien", "theodoi", "chutich")


class _Visible(HTMLParser):
    """The text a person sees: data outside script and style; attributes are never data."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return " ".join(parser.parts)


def engine_text(text: str, names: Iterable[str]) -> list[str]:
    """What in ``text`` is engine text: each forbidden bit and machine name found, with a
    little of the text around it."""
    found: list[str] = []

    def around(start: int, end: int) -> str:
        return " ".join(text[max(0, start - 40) : end + 40].split())

    for bit in ENGINE_BITS:
        at = text.find(bit)
        if at != -1:
            found.append(f"{bit!r} in …{around(at, at + len(bit))}…")
    for name in names:
        match = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text)
        if match:
            found.append(f"input name {name!r} in …{around(match.start(), match.end())}…")
    return found


def _input_names(versions: Iterable[FrameworkVersion]) -> set[str]:
    names: set[str] = set()
    for version in versions:
        for node in get_engine_framework(version).leaves():
            if isinstance(node.rule, GeneralRule):
                names.update(item.name for item in node.rule.inputs)
    return names


def _client(username: str) -> Client:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302, f"{username} could not log in"
    return client


class Reader:
    """Opens pages and files and keeps every piece of engine text found, by address."""

    def __init__(self, names: set[str]) -> None:
        self.names = names
        self.problems: list[str] = []
        self.read = 0

    def check(self, where: str, text: str) -> None:
        self.read += 1
        self.problems += [f"{where}: {p}" for p in engine_text(text, self.names)]

    def page(self, client: Client, url: str, who: str) -> str:
        response = client.get(url)
        assert response.status_code == 200, f"{who} {url}: {response.status_code}"
        html = str(response.content.decode())
        self.check(f"{who} GET {url}", visible_text(html))
        return html

    def fragment(self, client: Client, url: str, data: dict[str, str], who: str) -> str:
        response = client.post(url, data, HTTP_HX_REQUEST="true")
        assert response.status_code == 200, f"{who} POST {url}: {response.status_code}"
        html = str(response.content.decode())
        self.check(f"{who} POST {url} {data}", visible_text(html))
        return html

    def workbook(self, client: Client, url: str, who: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, f"{who} {url}: {response.status_code}"
        wb = load_workbook(io.BytesIO(response.content), read_only=True)
        for ws in wb.worksheets:
            rows = list(ws.iter_rows(values_only=True))
            header = [str(v or "") for v in (rows[0] if rows else ())]
            skip = {i for i, h in enumerate(header) if h == XLSX_RULE_COLUMN}
            for number, row in enumerate(rows, start=1):
                for column, value in enumerate(row):
                    if value is None or column in skip:
                        continue
                    self.check(f"{url} {ws.title}!R{number}C{column + 1}", str(value))


def _with_rules_changed(organiser: User, version: FrameworkVersion) -> FrameworkVersion:
    """A clone of ``version`` with two rules changed through the services: a date rule's
    deadline and a ratio rule's threshold."""
    clone = framework_clone(actor=organiser, version=version)
    doc = version_document(clone)
    changed: list[str] = []

    def walk(nodes: list[Any]) -> None:
        for node in nodes:
            walk(node.get("children") or [])
            rule = node.get("rule")
            if not isinstance(rule, dict) or "cases" not in rule:
                continue
            kinds = {str(i.get("type")) for i in rule.get("inputs", [])}
            kind = "date" if "date" in kinds else "ratio" if "integer" in kinds else None
            if kind is None or kind in changed:
                continue
            first = rule["cases"][0]
            if kind == "date" and "date(" in str(first.get("when", "")):
                first["when"] = re.sub(r'"(\d{4})-(\d{2})-\d{2}"', r'"\1-\2-28"', first["when"])
                changed.append(kind)
            elif kind == "ratio" and first.get("when"):
                first["when"] = f"({first['when']}) and {rule['inputs'][0]['name']} >= 1"
                changed.append(kind)

    walk(doc["nodes"])
    assert sorted(changed) == ["date", "ratio"]
    uploads = [
        (f"{q.code}.questionnaire.yaml", q.canonical_yaml.encode("utf-8"))
        for q in FrameworkQuestionnaire.objects.filter(framework=clone, is_inline=False)
    ]
    return framework_reimport(
        actor=organiser,
        version=clone,
        filename=f"{clone.code}.yaml",
        content=dump_canonical_yaml(doc).encode("utf-8"),
        questionnaires=uploads,
    )


def _typed(spec: Any, high: bool) -> str:
    """A value an officer would type: ratios near and far from the thresholds, dates before
    and well after the usual deadlines."""
    kind = spec.type
    if kind == "date":
        return "20/01/2025" if high else "15/03/2025"
    if kind == "boolean":
        return "có" if high else "không"
    if kind == "percent":
        return "95" if high else "40"
    low = spec.min if isinstance(spec.min, Decimal) else Decimal(0)
    value = max(low, Decimal(19 if high else 3))
    if isinstance(spec.max, Decimal):
        value = min(value, spec.max)
    return format(value, "f").replace(".", ",")


def _preview_everything(reader: Reader, client: Client, assessment: Assessment, who: str) -> int:
    """The live points of every general rule the unit fills, typed two ways and half-typed."""
    framework = get_engine_framework(assessment.assessed_unit.framework)
    count = 0
    for node in framework.leaves():
        if not isinstance(node.rule, GeneralRule) or node.source is not Source.SELF:
            continue
        specs = input_specs(framework, node.code)
        url = reverse("assessments:preview", args=[assessment.pk, node.code])
        numbers = [s for s in specs if s.type in ("integer", "decimal")]
        for high in (True, False):
            data = {f"in-{s.name}": _typed(s, high) for s in specs}
            if high and len(numbers) >= 2:  # 19 of 20: a ratio just under the whole
                data[f"in-{numbers[0].name}"], data[f"in-{numbers[1].name}"] = "19", "20"
            reader.fragment(client, url, data, who)
            count += 1
        if len(specs) > 1:  # one input only, and one that cannot be read
            first = specs[0]
            reader.fragment(client, url, {f"in-{first.name}": _typed(first, True)}, who)
            reader.fragment(client, url, {f"in-{first.name}": "?"}, who)
    return count


def test_the_detector_finds_engine_text() -> None:
    """The check below would fail on the pages as they were: engine text is found."""
    names = {"done", "planned", "issued_on"}
    assert engine_text("Nếu done ≥ planned: điểm tối đa", names)
    assert engine_text("fixed >= found → max_points = 1,00", {"fixed", "found"})
    assert engine_text('issued_on <= date("2025-01-31")', names)
    assert engine_text("{yes_no: Có kế hoạch}", set())
    assert not engine_text("Số nhiệm vụ đã hoàn thành 19 ≥ 0,9 × 20: 0,95 điểm", names)
    assert visible_text('<p title="done >= 1">Đạt</p><script>max_points</script>') == "Đạt"


def test_no_page_shows_engine_text(demo: None) -> None:
    organiser = User.objects.get(username=ORGANISER_USERNAME)
    versions = list(FrameworkVersion.objects.filter(organiser__code="so-noi-vu").order_by("pk"))
    assert len(versions) >= 2
    names = _input_names(versions)
    assert {"done", "planned"} <= names
    reader = Reader(names)

    # The criteria sets, as the organiser and as readers.
    org = _client(ORGANISER_USERNAME)
    commune_set = next(v for v in versions if "xa" in (v.applies_to or []))
    changed = _with_rules_changed(organiser, commune_set)
    assert len(_input_names([changed])) >= len(_input_names([commune_set]))
    reader.page(org, reverse("frameworks:list"), ORGANISER_USERNAME)
    for version in [*versions, changed]:
        reader.page(org, reverse("frameworks:detail", args=[version.pk]), ORGANISER_USERNAME)
        reader.workbook(org, reverse("frameworks:download_xlsx", args=[version.pk]), "xlsx")
    leaf = next(n for n in get_engine_framework(changed).leaves() if n.is_leaf)
    reader.page(
        org, reverse("frameworks:node_edit", args=[changed.pk, leaf.code]), ORGANISER_USERNAME
    )
    compare = f"{reverse('frameworks:compare')}?a={commune_set.pk}&b={changed.pk}"
    html = reader.page(org, compare, ORGANISER_USERNAME)
    assert html.count('class="change-rule"') == 2  # both rule changes, in words
    reader.workbook(
        org, f"{reverse('frameworks:compare_xlsx')}?a={commune_set.pk}&b={changed.pk}", "diff"
    )
    for username in READERS:
        client = _client(username)
        for version in versions:
            reader.page(client, reverse("frameworks:detail", args=[version.pk]), username)

    # The demo commune's scoring form, as each of its people, and what they read around it.
    commune = Assessment.objects.get(assessed_unit__unit__code=DEMO_UNIT)
    detail = reverse("assessments:detail", args=[commune.pk])
    focal = _client(UNIT_FOCAL_USERNAME)
    html = reader.page(focal, detail, UNIT_FOCAL_USERNAME)
    assert "data-rule" in html and "Cách chấm:" in html
    reader.page(_client(OFFICER), detail + "?loc=cua-toi", OFFICER)
    reader.page(focal, reverse("assessments:mine"), UNIT_FOCAL_USERNAME)
    reader.page(focal, reverse("assessments:home"), UNIT_FOCAL_USERNAME)
    reader.page(focal, reverse("assessments:import", args=[commune.pk]), UNIT_FOCAL_USERNAME)
    head = _client(HEAD)
    reader.page(head, detail, HEAD)
    reader.page(head, reverse("assessments:submit", args=[commune.pk]), HEAD)
    reader.page(head, reverse("assessments:audit", args=[commune.pk]), HEAD)
    reader.page(head, reverse("assessments:submissions", args=[commune.pk]), HEAD)
    previews = _preview_everything(reader, focal, commune, UNIT_FOCAL_USERNAME)
    assert previews >= 20

    # A department's form, the organiser's view of the commune, the progress board.
    department = (
        Assessment.objects.exclude(pk=commune.pk)
        .filter(assessed_unit__unit__kind="so_nganh")
        .order_by("pk")
        .first()
    )
    assert department is not None
    reader.page(org, reverse("assessments:detail", args=[department.pk]), ORGANISER_USERNAME)
    _preview_everything(reader, org, department, ORGANISER_USERNAME)
    reader.page(org, detail, ORGANISER_USERNAME)
    reader.page(org, reverse("assessments:audit", args=[commune.pk]), ORGANISER_USERNAME)
    for campaign in Campaign.objects.all():
        reader.page(org, reverse("assessments:board", args=[campaign.slug]), ORGANISER_USERNAME)
    mine = Assessment.objects.filter(assessed_unit__unit__code="so-tu-phap").first()
    if mine is not None:
        dept_head = _client(DEPARTMENT_HEAD)
        reader.page(dept_head, reverse("assessments:detail", args=[mine.pk]), DEPARTMENT_HEAD)

    assert reader.read > 100
    assert reader.problems == []
