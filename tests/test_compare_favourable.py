"""Favourable / neutral / unfavourable shares (surveykit.compare.favourable) against an independent pandas
computation written from the definition (value_counts per item and group, pooled sums for an index), on
simulated data with missing answers, a "don't know" code, a reverse-keyed item and a missing group.
Exact equality is expected (same integer counts; tolerance 1e-12 only for the division)."""

import numpy as np
import pandas as pd
import pytest

from surveykit.compare.favourable import ALL, ItemCategories, classify, favourable_shares
from surveykit.errors import AnalysisError

SCALE = (1, 2, 3, 4, 5)
FAV, UNFAV = (4, 5), (1, 2)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(11)
    n = 300
    df = pd.DataFrame({f"q{i}": rng.integers(1, 6, n).astype(float) for i in range(1, 5)})
    df.loc[rng.choice(n, 25, replace=False), "q2"] = np.nan
    df.loc[rng.choice(n, 30, replace=False), "q3"] = 9  # "don't know": not substantive
    df["unit"] = rng.choice([1.0, 2.0, 3.0, np.nan], n, p=[0.4, 0.3, 0.25, 0.05])
    df["gender"] = rng.choice([1, 2], n)
    return df


def categories(reverse=("q4",)):
    return {c: ItemCategories(FAV, UNFAV, SCALE, reverse=c in reverse) for c in ("q1", "q2", "q3", "q4")}


def reference(df: pd.DataFrame, items: list[str], mask: pd.Series) -> dict:
    """Pooled counts straight from the definition, one item at a time, with pandas."""
    fav = neu = unf = 0
    for item in items:
        x = df.loc[mask, item]
        x = x[x.isin(SCALE)]
        if item == "q4":
            x = 6 - x  # reverse-keyed on 1..5
        counts = x.value_counts()
        fav += int(counts.reindex(FAV, fill_value=0).sum())
        unf += int(counts.reindex(UNFAV, fill_value=0).sum())
        neu += int(counts.reindex([3], fill_value=0).sum())
    total = fav + neu + unf
    resp = int(df.loc[mask, items].isin(SCALE).any(axis=1).sum())
    return {"n": resp, "n_answers": total, "pct_favourable": 100 * fav / total, "pct_neutral": 100 * neu / total,
            "pct_unfavourable": 100 * unf / total}


def test_shares_match_pandas(data):
    res = favourable_shares(data, categories(), indices={"idx": ["q1", "q2", "q3", "q4"]}, groups=["unit", "gender"])
    t = res.table
    for name, items in [("q1", ["q1"]), ("q3", ["q3"]), ("q4", ["q4"]), ("idx", ["q1", "q2", "q3", "q4"])]:
        cases = [(None, ALL, pd.Series(True, index=data.index))]
        cases += [(gv, g, data[gv] == g) for gv in ("unit", "gender") for g in sorted(data[gv].dropna().unique())]
        for gv, g, mask in cases:
            row = t[(t.variable == name) & (t.group == g) & ((t.group_var == gv) if gv else t.group_var.isna())]
            assert len(row) == 1
            ref = reference(data, items, mask)
            row = row.iloc[0]
            assert row["n"] == ref["n"] and row["n_answers"] == ref["n_answers"]
            for key in ("pct_favourable", "pct_neutral", "pct_unfavourable"):
                assert row[key] == pytest.approx(ref[key], abs=1e-12)
            all_pct = reference(data, items, pd.Series(True, index=data.index))["pct_favourable"]
            assert row["diff_favourable"] == pytest.approx(ref["pct_favourable"] - all_pct, abs=1e-12)


def test_shares_add_to_100_and_dont_know_is_no_answer(data):
    t = favourable_shares(data, categories(), groups=["unit"]).table
    total = t[["pct_favourable", "pct_neutral", "pct_unfavourable"]].sum(axis=1)
    assert np.allclose(total, 100.0)
    q3 = t[(t.variable == "q3") & (t.group == ALL)].iloc[0]
    assert q3["n_answers"] == data["q3"].isin(SCALE).sum() == 270


def test_index_is_pooled_not_share_of_respondents():
    """Three respondents, two items: answers 5,5 / 5,1 / 1,1. Pooled: 3 of 6 answers favourable (50 %);
    the old definition (index mean >= 4) would give 1 of 3 (33 %)."""
    df = pd.DataFrame({"a": [5, 5, 1], "b": [5, 1, 1]})
    cats = {c: ItemCategories(FAV, UNFAV, SCALE) for c in "ab"}
    t = favourable_shares(df, cats, indices={"x": ["a", "b"]}).table
    assert t.set_index("variable").loc["x", "pct_favourable"] == 50.0


def test_classify_reverse_and_codes():
    cats = ItemCategories((5, 6), (1, 2), (1, 2, 3, 4, 5, 6), reverse=True)
    assert classify(np.array([1, 2, 3, 4, 5, 6, 9, np.nan]), cats).tolist() == [3, 3, 2, 2, 1, 1, 0, 0]


def test_unknown_item_or_column_is_an_analysis_error(data):
    with pytest.raises(AnalysisError, match="favourable"):
        favourable_shares(data, categories(), indices={"idx": ["q1", "nope"]})
    with pytest.raises(AnalysisError, match="favourable"):
        favourable_shares(data, categories(), groups=["nope"])


def test_scale_declares_favourable_and_unfavourable_codes():
    from pydantic import ValidationError

    from surveykit.spec.elements import Scale

    five = Scale(min=1, max=5)
    assert (five.favourable_values, five.neutral_values, five.unfavourable_values) == ([4, 5], [3], [1, 2])
    three = Scale(min=1, max=3)  # the bottom two would overlap the top two: 2 stays favourable
    assert (three.favourable_values, three.neutral_values, three.unfavourable_values) == ([2, 3], [], [1])
    seven = Scale(min=1, max=7, favourable=[5, 6, 7], unfavourable=[1, 2, 3])
    assert seven.neutral_values == [4]
    with pytest.raises(ValidationError, match="both favourable and unfavourable"):
        Scale(min=1, max=5, favourable=[3, 4, 5], unfavourable=[1, 2, 3])
    with pytest.raises(ValidationError, match="outside the scale"):
        Scale(min=1, max=5, unfavourable=[0, 1])


def test_classify_lookup_equals_the_definition():
    """classify's lookup table gives each answer the category classify_values (the definition) gives it:
    reversed and not, with missing, out-of-scale, fractional and 'don't know' (9) answers."""
    from surveykit.compare.favourable import ItemCategories, classify, classify_values

    rng = np.random.default_rng(5)
    x = rng.choice([np.nan, 0, 1, 2, 3, 4, 5, 6, 9, 2.5, -1], size=20_000)
    for reverse in (False, True):
        cats = ItemCategories(substantive=(1, 2, 3, 4, 5), favourable=(4, 5), unfavourable=(1, 2), reverse=reverse)
        assert np.array_equal(classify(x, cats), classify_values(x, cats))
        assert set(np.unique(classify(x, cats))) == {0, 1, 2, 3}
    odd = ItemCategories(substantive=(0.5, 1.5), favourable=(1.5,), unfavourable=(0.5,), reverse=False)
    assert np.array_equal(classify(x, odd), classify_values(x, odd))
