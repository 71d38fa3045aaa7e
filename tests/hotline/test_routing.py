"""Routing suggestions: the dispatchers' rules (checked, matched by keyword and region, offered
first), the model trained on the city's answered orders (its held-out accuracy recomputed here
by hand from its own predictions), training as a background job from the settings page, the
suggestions on a new order's page, and ``minsheng hotline route``."""

from __future__ import annotations

import json
import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from minsheng.core.hotline.routing import (
    Router,
    RuleError,
    document,
    evaluate,
    rules_from_json,
)
from minsheng.hotline.models import WorkOrder
from minsheng.hotline.routing import model_facts, suggestions, train_city
from tests.conftest import City, post_and_run_job

TOPICS = {
    "housing": ["小区物业不作为电梯坏了", "物业费上涨没有公示", "楼顶漏水开发商不维修"],
    "market": ["网购商品质量问题拒绝退货", "超市出售过期食品", "停车场乱收费"],
    "transport": ["公交车不按时发车", "路面坑洼多次发生事故", "公交司机态度恶劣"],
}


def _corpus(n: int, seed: int = 1) -> tuple[list[str], list[str], list[str]]:
    rng = random.Random(seed)
    texts, units, cats = [], [], []
    for _ in range(n):
        unit = rng.choice(sorted(TOPICS))
        text = rng.choice(TOPICS[unit]) + rng.choice(["，请尽快处理", "，多次反映无果", ""])
        texts.append(document(text, rng.choice(["01", "02"])))
        units.append(unit)
        cats.append(f"c-{unit}")
    return texts, units, cats


def test_rules_are_checked_and_matched() -> None:
    rules = rules_from_json([
        {"keywords": "噪音、施工", "unit": "dept-x", "region": "3901"},
        {"keywords": ["欠薪"], "category": "0501"},
    ])  # fmt: skip
    assert rules[0].keywords == ("噪音", "施工")
    assert rules[0].matches("夜间施工扰民", "390102") and not rules[0].matches("夜间施工", "3902")
    assert rules[1].matches("老板欠薪", "") and not rules[1].matches("物业", "")
    bad_rules = (({"keywords": "x"}, "须为列表"), ([{"keywords": []}], "没有关键词"),
                 ([{"keywords": "x"}], "承办单位或诉求分类"), (["x"], "须为对象"))  # fmt: skip
    for bad, words in bad_rules:
        with pytest.raises(RuleError, match=words):
            rules_from_json(bad)


def test_held_out_accuracy_is_what_the_model_predicts() -> None:
    texts, units, cats = _corpus(600)
    unit_acc, cat_acc = evaluate(texts, units, cats)
    assert unit_acc is not None and cat_acc is not None
    cut = int(len(texts) * 0.8)
    router = Router.train(texts[:cut], units[:cut], cats[:cut])
    assert router is not None
    got = router.suggest_many(texts[cut:])
    top1 = sum(1 for g, t in zip(got, units[cut:], strict=True) if g[0][0].label == t)
    top3 = sum(1 for g, t in zip(got, units[cut:], strict=True) if t in {s.label for s in g[0]})
    assert unit_acc.tested == len(texts) - cut
    assert unit_acc.top1 == pytest.approx(top1 / unit_acc.tested)
    assert unit_acc.top3 == pytest.approx(top3 / unit_acc.tested)
    assert unit_acc.top1 > 0.9  # the three topics share no words: nearly all right
    probabilities = [s.probability for s in got[0][0]]
    assert probabilities == sorted(probabilities, reverse=True) and sum(probabilities) <= 1 + 1e-9
    assert Router.train(texts[:10], units[:10], cats[:10]) is None  # too few to learn from
    restored = Router.loads(router.dumps())
    assert restored.suggest(texts[-1]) == router.suggest(texts[-1])


def test_training_suggestions_and_the_command(city: City, tmp_path: object) -> None:
    root = city.county.parent
    assert root is not None
    dispatcher = city.client("dispatcher")
    with override_settings(VAR_DIR=tmp_path):
        saved = dispatcher.post(reverse("hotline_settings"), {
            "what": "routing",
            "routing": json.dumps([{"keywords": ["电梯"], "unit": f"dept-{root.code}-market"}]),
        })  # fmt: skip
        assert saved.status_code == 302
        bad = dispatcher.post(reverse("hotline_settings"), {"what": "routing", "routing": "[{"})
        assert bad.status_code == 400
        page = post_and_run_job(dispatcher, reverse("hotline_settings"), {"what": "train"})
        assert page.status_code == 200 and "命中率" in page.content.decode()
        facts = model_facts(root)
        assert facts is not None
        answered = WorkOrder.objects.filter(city=root, answered_at__isnull=False).exclude(unit=None)
        assert facts["orders"] == answered.count() and facts["unit"]["tested"] > 0
        order = WorkOrder.objects.filter(city=root, text__contains="电梯").first()
        assert order is not None
        units, cats = suggestions(order)
        assert units[0].probability is None and units[0].unit is not None  # the rule, first
        assert units[0].unit.key == f"dept-{root.code}-market"
        assert any(u.probability is not None for u in units) and cats
        out = StringIO()
        call_command("hotline", "route", "小区物业不作为，电梯坏了一个月", stdout=out)
        got = json.loads(out.getvalue())
        assert got["units"][0]["rule"] == "电梯" and len(got["units"]) >= 2
        assert got["categories"][0]["path"].endswith("物业管理")
        again = train_city(root)
        assert again["orders"] == facts["orders"]
    assert (
        city.client("quality").post(reverse("hotline_settings"), {"what": "train"}).status_code
        == 403
    )
