"""Benchmark of the scoring engine on the commune set the project ships (with its consistency
checks, which every generated entry passes).

Generates facts for 10,000 units in memory (fixed seed), then times separately:

1. reading and checking the set (YAML → document → checked, compiled Framework);
2. checking the facts of every unit (``prepare_facts``, consistency checks included);
3. scoring checked facts (``score_facts``: leaves, parents, totals, index, band);
4. the compiled rules alone (one call per leaf on checked values).

Each phase runs ``--repeat`` times (default 3) and the best time counts, since the machine may
be shared. Prints leaf evaluations per second and units per second. Run from the repository
root:

    .venv/bin/python bench/bench_scoring.py [--units N] [--seed S] [--repeat R]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from parindex.scoring.aggregate import score_facts  # noqa: E402
from parindex.scoring.document import load_document  # noqa: E402
from parindex.scoring.entries import check_entry  # noqa: E402
from parindex.scoring.evaluate import leaf_evaluators  # noqa: E402
from parindex.scoring.facts import Unit, prepare_facts  # noqa: E402
from parindex.scoring.framework import parse_framework  # noqa: E402
from parindex.scoring.model import (  # noqa: E402
    ChecklistRule,
    Framework,
    GeneralRule,
    InputType,
    ManualRule,
    Node,
    Questionnaire,
    SurveyRule,
)
from parindex.scoring.questionnaires import read_questionnaire  # noqa: E402

DATA = ROOT / "parindex" / "frameworks" / "data"
SET = DATA / "vd-xa-2025.yaml"
QUESTIONNAIRE = DATA / "lanh-dao.questionnaire.yaml"
KINDS = ("xa", "phuong", "dac_khu")


def load_set() -> tuple[Framework, Questionnaire]:
    qdoc, _ = load_document(QUESTIONNAIRE)
    questionnaire, _ = read_questionnaire(qdoc, file=str(QUESTIONNAIRE))
    assert questionnaire is not None
    doc, _ = load_document(SET)
    framework, problems = parse_framework(doc, file=str(SET), questionnaires=[questionnaire])
    assert framework is not None, [p.line() for p in problems]
    return framework, questionnaire


def random_value(rng: random.Random, kind: InputType, low: Any) -> Any:
    if kind is InputType.BOOLEAN:
        return rng.random() < 0.7
    if kind is InputType.DATE:
        return dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(0, 365))
    if kind is InputType.PERCENT:
        return Decimal(rng.randrange(0, 10001)).scaleb(-2)
    start = int(low) if isinstance(low, Decimal) else 0
    if kind is InputType.INTEGER:
        return Decimal(start + rng.randrange(0, 40))
    return Decimal(start * 100 + rng.randrange(0, 4000)).scaleb(-2)


def random_entry(
    rng: random.Random, framework: Framework, node: Node, q: Questionnaire
) -> dict[str, Any]:
    rule = node.rule
    if isinstance(rule, GeneralRule):
        while True:  # draw again until the rule's error checks pass
            entry = {d.name: random_value(rng, d.type, d.min) for d in rule.inputs}
            if (
                not rule.checks
                or not check_entry(framework, node.code, entry, questionnaires={})[1]
            ):
                return entry
    if isinstance(rule, ManualRule):
        step = rule.step or Decimal("0.01")
        return {"score": step * rng.randrange(0, int(node.max / step) + 1)}
    if isinstance(rule, ChecklistRule):
        return {"items": [rng.random() < 0.6 for _ in rule.items]}
    if isinstance(rule, SurveyRule):
        codes = [o.code for o in q.scale]
        return {
            "answers": {
                c: [rng.choice(codes) for _ in range(rng.randrange(0, 12))] for c in rule.questions
            }
        }
    return {"met": rng.random() < 0.7}


def generate(
    framework: Framework, q: Questionnaire, units: int, seed: int
) -> list[tuple[Unit, dict[str, Any]]]:
    rng = random.Random(seed)
    leaves = [n for n in framework.order if n.is_leaf]
    out = []
    for i in range(units):
        values: dict[str, Any] = {}
        for node in leaves:
            roll = rng.random()
            if roll < 0.02:
                continue  # missing
            if roll < 0.05 and node.allows_not_applicable:
                values[node.code] = {"not_applicable": "Không áp dụng trong năm"}
            else:
                values[node.code] = random_entry(rng, framework, node, q)
        out.append((Unit(f"u{i:05d}", None, KINDS[i % 3]), values))
    return out


def timed(label: str, seconds: float, count: int, what: str) -> None:
    rate = count / seconds if seconds else float("inf")
    print(f"{label:<44} {seconds * 1000:10.1f} ms  {rate:14,.0f} {what}/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20251115)
    parser.add_argument("--repeat", type=int, default=3, help="runs per phase; the best counts")
    args = parser.parse_args()

    repeats = 20
    start = time.perf_counter()
    for _ in range(repeats):
        framework, questionnaire = load_set()
    parse_time = (time.perf_counter() - start) / repeats
    leaves = [n for n in framework.order if n.is_leaf]
    print(
        f"bộ tiêu chí {framework.code}: {len(framework.order)} tiêu chí, {len(leaves)} lá; "
        f"{args.units:,} đơn vị (seed {args.seed})"
    )
    timed("đọc + kiểm tra + biên dịch bộ tiêu chí", parse_time, 1, "bộ")

    units = generate(framework, questionnaire, args.units, args.seed)
    gc.collect()
    gc.freeze()  # the generated input is long-lived: keep it out of the collector's scans

    def best(run: Callable[[], object]) -> tuple[float, Any]:
        """Best time of ``--repeat`` runs (the machine may be shared), and the last result."""
        times, result = [], None
        for _ in range(args.repeat):
            result = None
            gc.collect()
            start = time.perf_counter()
            result = run()
            times.append(time.perf_counter() - start)
        return min(times), result

    check_time, prepared = best(
        lambda: [prepare_facts(framework, unit, values) for unit, values in units]
    )
    evaluations = sum(len(f.values) for f in prepared)
    score_time, results = best(lambda: [score_facts(framework, facts) for facts in prepared])

    evaluators = leaf_evaluators(framework)
    plan = [(evaluators[i], n.code) for i, n in enumerate(framework.order) if n.is_leaf]

    def rules_only() -> None:
        for facts in prepared:
            given = facts.values
            for evaluate, code in plan:
                values = given.get(code)
                if values is not None and evaluate is not None:
                    evaluate(values)

    rules_time, _ = best(rules_only)

    timed("kiểm tra số liệu (prepare_facts)", check_time, evaluations, "lá")
    timed("chấm điểm (score_facts)", score_time, evaluations, "lá")
    timed("  cùng phép đo, theo đơn vị", score_time, len(prepared), "đơn vị")
    timed("chỉ các quy tắc đã biên dịch", rules_time, evaluations, "lá")
    timed("kiểm tra + chấm điểm", check_time + score_time, evaluations, "lá")
    timed("  cùng phép đo, theo đơn vị", check_time + score_time, len(prepared), "đơn vị")
    mean = sum((r.index or Decimal(0)) for r in results) / len(results)
    print(f"{evaluations:,} lượt tính điểm lá; chỉ số bình quân {mean:.2f}")


if __name__ == "__main__":
    main()
