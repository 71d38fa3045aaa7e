"""A raked poll's results carry the raking's variance: the page's design starts from the design
weights and rakes again with the stored margins, so its weights are the stored ones and its
standard errors are those of core.survey's calibrated design (checked against R's ``rake`` in
tests/core/survey/test_against_r.py) — not those of treating the raked weights as fixed."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from minsheng.core.survey.calibrate import calibrate, read_margins
from minsheng.core.survey.design import build_design
from minsheng.core.survey.estimate import Survey, estimate
from minsheng.core.survey.frame import Frame
from minsheng.polls.models import Poll, Respondent
from minsheng.polls.results import poll_results
from minsheng.polls.services import fieldwork_import
from tests.conftest import City
from tests.polls.test_polls import _poll, _with_attributes

SCORES = {"1": 100.0, "2": 80.0, "3": 60.0, "4": 40.0, "5": 20.0}
MARGINS = {
    "sex": {"男": 5000.0, "女": 5000.0},
    "age": {"18-39": 4000.0, "40-59": 3500.0, "60+": 2500.0},
}


def test_raked_poll_results_use_the_calibrated_variance(city: City) -> None:
    poll = _poll(city)
    Poll.objects.filter(pk=poll.pk).update(attributes=["sex", "age"])
    poll.refresh_from_db()
    fieldwork_import(poll, _with_attributes(city, 400, seed=8), filename="a.csv", actor="t")
    unweighted = poll_results(poll, "county").overall
    lines = ["variable,category,count"] + [
        f"{v},{c},{n:g}" for v, counts in MARGINS.items() for c, n in counts.items()
    ]
    page = city.client("quality").post(
        reverse("poll_weights", args=[poll.pk]),
        {"file": SimpleUploadedFile("m.csv", "\n".join(lines).encode()), "method": "rake"},
    )
    assert page.context["errors"] == []
    poll.refresh_from_db()
    assert poll.calibration["method"] == "rake" and poll.calibration["trim"] is None

    # The same calibrated design, built here from the stored data with core.survey alone.
    people = list(Respondent.objects.filter(poll=poll).order_by("pk"))
    score = np.array(
        [
            np.mean([SCORES[a] for c, a in r.answers.items() if c != "Q0" and a in SCORES])
            for r in people
        ]
    )
    frame = Frame.from_arrays(
        {
            "stratum": np.array([r.stratum for r in people], dtype=np.str_),
            "w": np.array([r.base_weight for r in people]),
            "score": score,
            **{v: np.array([r.attributes[v] for r in people], dtype=object) for v in MARGINS},
        }
    )
    design = build_design(frame, strata="stratum", weights="w", lonely_psu="adjust")
    raked, calibration = calibrate(design, read_margins(frame, MARGINS), "rake")
    assert raked.weights == pytest.approx([r.weight for r in people], rel=1e-9)
    expected = estimate(Survey(frame, raked, calibration), "mean", "score")[0]
    as_fixed = estimate(Survey(frame, raked), "mean", "score")[0]

    results = poll_results(poll, "county")
    assert results.overall is not None and unweighted is not None
    assert results.overall.estimate == pytest.approx(expected.estimate, rel=1e-9)
    assert results.overall.se == pytest.approx(expected.se, rel=1e-9)
    assert abs(results.overall.se - as_fixed.se) > 1e-6  # the calibration changes the SE
    assert results.overall.estimate != pytest.approx(unweighted.estimate, rel=1e-9)
    assert all(r.rank.ranked for r in results.rows)  # calibrated replicates rank them

    # Without the stored calibration the same weights would count as fixed design weights.
    Poll.objects.filter(pk=poll.pk).update(calibration={})
    poll.refresh_from_db()
    fixed = poll_results(poll, "county").overall
    assert fixed is not None and fixed.se == pytest.approx(as_fixed.se, rel=1e-9)
    assert fixed.estimate == pytest.approx(expected.estimate, rel=1e-9)


def test_margins_that_do_not_fit_the_sample_are_located_in_the_margin_file(city: City) -> None:
    poll = _poll(city)
    Poll.objects.filter(pk=poll.pk).update(attributes=["sex", "age"])
    poll.refresh_from_db()
    fieldwork_import(poll, _with_attributes(city, 120, seed=8), filename="a.csv", actor="t")
    before = list(Respondent.objects.filter(poll=poll).values_list("weight", flat=True))
    lines = [
        "variable,category,count",
        "sex,男,5000",  # row 2
        "sex,女,0",  # row 3: no population, but respondents
        "age,18-39,4000",  # row 4: "40-59" and "60+" are in the sample, not here
        "age,80+,900",  # row 5: a population with nobody in the sample
        "income,高,10",  # row 6: nobody has an income
    ]
    page = city.client("quality").post(
        reverse("poll_weights", args=[poll.pk]),
        {"file": SimpleUploadedFile("m.csv", "\n".join(lines).encode()), "method": "rake"},
    )
    errors = page.context["errors"]
    text = "\n".join(errors)
    assert "第 3 行，列 count：总体数为 0，但样本中有" in text
    assert "第 4 行，列 category：样本中有“age”为“40-59”的受访者" in text
    assert "第 4 行，列 category：样本中有“age”为“60+”的受访者" in text
    assert "第 5 行，列 category：有总体数，但样本中没有这一类别的受访者" in text
    assert "第 6 行，列 variable：受访者数据中没有变量“income”" in text
    assert not any(ch in text for ch in "[]'") and "/ " not in text  # no Python lists, no English
    assert list(Respondent.objects.filter(poll=poll).values_list("weight", flat=True)) == before
    # Post-stratifying takes one variable: the second is pointed at.
    page = city.client("quality").post(
        reverse("poll_weights", args=[poll.pk]),
        {
            "file": SimpleUploadedFile("m.csv", "\n".join(lines[:5]).encode()),
            "method": "poststratify",
        },
    )
    assert "第 4 行，列 variable：事后分层只能用一个变量" in "\n".join(page.context["errors"])
