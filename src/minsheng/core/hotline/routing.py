"""Suggesting the handling unit and the category of a new order from its text.

Two sources, the dispatcher decides:

- **rules** the dispatchers edit: keywords (any of them in the text) and optionally a region
  code prefix, each naming a unit and/or a category; every matching rule is offered first;
- **a model** trained on the city's own answered orders: the text cut into words (jieba), TF-IDF
  weighted words and word pairs with the order's township (units answer for places), and a
  linear classifier (multinomial logistic regression,
  scikit-learn) for the unit and another for the category; it offers its top three with their
  probability.

Accuracy is measured on held-out orders — the latest share by time, never seen in training, as a
dispatcher would meet them — as top-1 and top-3 hit rates, and shown beside the suggestions."""

from __future__ import annotations

import itertools
import pickle
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

MIN_ORDERS = 50  # fewer answered orders than this: no model
# The model learns from the latest orders only: they reflect today's duties, and on the demo
# city a model of the latest 20,000 is as accurate as one of all 155,000 (84.9 % top-1 on the
# same held-out orders) in an eighth of the time.
MAX_TRAIN = 20_000
MIN_PER_LABEL = 3  # labels rarer than this in training are left out


@dataclass(frozen=True)
class Rule:
    keywords: tuple[str, ...]
    unit: str = ""  # an organisation's key or name
    category: str = ""  # a category's code or path
    region_prefix: str = ""  # only for orders placed under this region code

    def matches(self, text: str, region_code: str = "") -> bool:
        if self.region_prefix and not region_code.startswith(self.region_prefix):
            return False
        return any(k and k in text for k in self.keywords)


class RuleError(ValueError):
    """Routing rules that cannot be used (the message is for the user)."""


def rules_from_json(data: Any) -> list[Rule]:
    if data in (None, ""):
        return []
    if not isinstance(data, list):
        raise RuleError("派单规则须为列表")
    out = []
    for k, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise RuleError(f"第 {k} 条规则须为对象")
        given = item.get("keywords", [])
        if isinstance(given, str):
            given = given.replace("，", ",").replace("、", ",").split(",")
        keywords = tuple(str(w).strip() for w in given if str(w).strip())
        if not keywords:
            raise RuleError(f"第 {k} 条规则没有关键词")
        unit, category = str(item.get("unit", "")).strip(), str(item.get("category", "")).strip()
        if not unit and not category:
            raise RuleError(f"第 {k} 条规则须指定承办单位或诉求分类")
        out.append(Rule(keywords, unit, category, str(item.get("region", "")).strip()))
    return out


def rules_as_json(rules: Sequence[Rule]) -> list[dict[str, object]]:
    return [
        {"keywords": list(r.keywords), "unit": r.unit, "category": r.category,
         "region": r.region_prefix}
        for r in rules
    ]  # fmt: skip


@cache
def _jieba() -> Any:
    with warnings.catch_warnings():  # jieba still imports pkg_resources when it is there
        warnings.simplefilter("ignore")
        import jieba

    jieba.setLogLevel(60)
    return jieba


def words(text: str) -> list[str]:
    """The text cut into words, blanks and punctuation dropped."""
    return [w for w in _jieba().lcut(text) if w.strip() and not _punctuation(w)]


def _punctuation(word: str) -> bool:
    return all(not ch.isalnum() for ch in word)


@dataclass(frozen=True)
class Suggestion:
    label: str
    probability: float


@dataclass(frozen=True)
class Accuracy:
    tested: int  # held-out orders
    top1: float
    top3: float


class _Classifier:
    def __init__(self, labels: list[str], model: Any) -> None:
        self.labels, self.model = labels, model

    def top(self, features: Any, k: int) -> list[list[Suggestion]]:
        proba = self.model.predict_proba(features)
        best = np.argsort(-proba, axis=1)[:, :k]
        return [
            [Suggestion(self.labels[int(self.model.classes_[j])], float(row[j])) for j in picks]
            for row, picks in zip(proba, best, strict=True)
        ]


def _fit(features: Any, labels: Sequence[str]) -> _Classifier | None:
    from sklearn.linear_model import LogisticRegression

    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    kept = sorted(label for label, n in counts.items() if label and n >= MIN_PER_LABEL)
    if len(kept) < 2:
        return None
    index = {label: k for k, label in enumerate(kept)}
    rows = [i for i, label in enumerate(labels) if label in index]
    y = np.array([index[labels[i]] for i in rows])
    model = LogisticRegression(max_iter=300, C=5.0)
    model.fit(features[rows], y)
    return _Classifier(kept, model)


class Router:
    """A trained model: ``suggest`` gives the top units and categories of a text."""

    def __init__(self, vectorizer: Any, unit: _Classifier | None, category: _Classifier | None):
        self.vectorizer, self.unit, self.category = vectorizer, unit, category

    @classmethod
    def train(
        cls, texts: Sequence[str], units: Sequence[str], categories: Sequence[str]
    ) -> Router | None:
        if len(texts) < MIN_ORDERS:
            return None
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts, units = texts[-MAX_TRAIN:], units[-MAX_TRAIN:]
        categories = categories[-MAX_TRAIN:]
        vectorizer = TfidfVectorizer(
            analyzer=words_and_pairs, min_df=2, sublinear_tf=True, max_features=200_000
        )
        features = vectorizer.fit_transform(texts)
        return cls(vectorizer, _fit(features, units), _fit(features, categories))

    def suggest_many(
        self, texts: Sequence[str], k: int = 3
    ) -> list[tuple[list[Suggestion], list[Suggestion]]]:
        features = self.vectorizer.transform(texts)
        units = self.unit.top(features, k) if self.unit else [[] for _ in texts]
        cats = self.category.top(features, k) if self.category else [[] for _ in texts]
        return list(zip(units, cats, strict=True))

    def suggest(self, text: str, k: int = 3) -> tuple[list[Suggestion], list[Suggestion]]:
        return self.suggest_many([text], k)[0]

    def dumps(self) -> bytes:
        return pickle.dumps(self)

    @staticmethod
    def loads(data: bytes) -> Router:
        router = pickle.loads(data)  # noqa: S301 - the platform's own file, written by dumps
        if not isinstance(router, Router):
            raise TypeError("not a routing model")
        return router


PLACE = "\u241e"  # separates a document's text from its place (the township's code)


def document(text: str, place: str = "") -> str:
    """What the model reads of an order: its text, and where it is (units answer for places)."""
    return f"{text}{PLACE}{place}" if place else text


def words_and_pairs(doc: str) -> list[str]:
    """Words, adjacent word pairs (物业 + 不作为 → "物业 不作为") and the place."""
    text, _sep, place = doc.partition(PLACE)
    found = words(text)
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(found)]
    return found + pairs + ([f"@{place}"] if place else [])


def evaluate(
    texts: Sequence[str], units: Sequence[str], categories: Sequence[str], *, share: float = 0.2
) -> tuple[Accuracy | None, Accuracy | None]:
    """Train on the earlier orders (the latest ``MAX_TRAIN`` of them) and test on the latest
    ``share`` (the inputs in time order): top-1 and top-3 hit rates of the unit and of the
    category."""
    cut = int(len(texts) * (1 - share))
    router = Router.train(texts[:cut], units[:cut], categories[:cut])
    if router is None or cut >= len(texts):
        return None, None
    got = router.suggest_many(texts[cut:])

    def score(truth: Sequence[str], which: int, trained: bool) -> Accuracy | None:
        if not trained:
            return None
        pairs = [(t, g[which]) for t, g in zip(truth, got, strict=True) if t]
        if not pairs:
            return None
        top1 = sum(1 for t, s in pairs if s and s[0].label == t) / len(pairs)
        top3 = sum(1 for t, s in pairs if t in {x.label for x in s}) / len(pairs)
        return Accuracy(len(pairs), top1, top3)

    return (
        score(units[cut:], 0, router.unit is not None),
        score(categories[cut:], 1, router.category is not None),
    )
