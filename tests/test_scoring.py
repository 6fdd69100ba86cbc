"""Keyed scores (surveykit.measure.scoring): the one place that reverse-keys items.

Expected values are worked out by hand in each test (x -> min + max - x on the declared scale)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from surveykit.measure.scoring import keyed_frame, reversed_items, score_indices, scored_frame
from surveykit.spec.questionnaire import questionnaire_from_dict


def _q(index_reverse: list[str]):
    return questionnaire_from_dict({
        "meta": {"id": "t", "title": "t"},
        "scales": {"agree5": {"min": 1, "max": 5}},
        "items": [{"id": "a", "text": "a", "scale": "agree5"},
                  {"id": "b", "text": "b", "scale": "agree5", "reverse": True},
                  {"id": "c", "text": "c", "scale": "agree5"}],
        "indices": [{"id": "abc", "label": "ABC", "items": ["a", "b", "c"], "reverse": index_reverse,
                     "min_valid": 2}],
    })


@pytest.fixture
def frame():
    return pd.DataFrame({"a": [1.0, 2.0, 5.0, np.nan], "b": [1.0, 4.0, np.nan, 5.0], "c": [5.0, 5.0, 1.0, np.nan]})


def test_keyed_frame_reverses_declared_items_only_and_leaves_the_input(frame):
    q = _q([])
    before = frame.copy()
    keyed = keyed_frame(frame, q)
    assert reversed_items(q) == ["b"]
    assert keyed["b"].tolist()[:2] == [5.0, 2.0] and np.isnan(keyed["b"].iloc[2]) and keyed["b"].iloc[3] == 1.0
    pd.testing.assert_series_equal(keyed["a"], frame["a"])
    pd.testing.assert_frame_equal(frame, before)


def test_index_scores_key_each_item_once(frame):
    # b declared reverse-keyed: (1 + 5 + 5) / 3, (2 + 2 + 5) / 3, row 3 two answers (5, 1), row 4 one answer
    expected = [11 / 3, 3.0, 3.0, np.nan]
    scores = scored_frame(frame, _q([]))["abc"]
    np.testing.assert_allclose(scores, expected)
    # listing b in the index's own reverse as well does not reverse it twice
    np.testing.assert_allclose(scored_frame(frame, _q(["b"]))["abc"], expected)
    # an index-only reversal (c) applies on top of the keyed frame: (1 + 5 + 1) / 3, (2 + 2 + 1) / 3, (5 + 5) / 2
    np.testing.assert_allclose(score_indices(keyed_frame(frame, _q(["c"])), _q(["c"]))["abc"],
                               [7 / 3, 5 / 3, 5.0, np.nan])
