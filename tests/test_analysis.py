"""Models of people-level data and simulated-against-observed comparisons in rmsim.analysis."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

from rmsim.analysis import (
    DID_TERM,
    adjust_pvalues,
    compare_fits,
    compare_groups,
    diff_in_diff,
    distribution_distance,
    fit_cox,
    fit_logit,
    fit_ordinal,
    kaplan_meier,
    logrank_test,
    tost,
)
from rmsim.errors import ConfigError, DataError

# --------------------------------------------------------------------------- reference data

# R's survival::ovarian (Edmunson et al. 1979, Cancer Treatment Reports 63:241-47), all 26 rows in the
# package's order, as stored in survival's data/cancer.rda.
OVARIAN = pd.DataFrame(
    {
        "futime": [59, 115, 156, 421, 431, 448, 464, 475, 477, 563, 638, 744, 769,
                   770, 803, 855, 1040, 1106, 1129, 1206, 1227, 268, 329, 353, 365, 377],
        "fustat": [1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0],
        "age": [72.3315, 74.4932, 66.4658, 53.3644, 50.3397, 56.4301, 56.9370, 59.8548, 64.1753,
                55.1781, 56.7562, 50.1096, 59.6301, 57.0521, 39.2712, 43.1233, 38.8932, 44.6000,
                53.9068, 44.2055, 59.5890, 74.5041, 43.1370, 63.2192, 64.4247, 58.3096],
        "resid.ds": [2, 2, 2, 2, 2, 1, 2, 2, 2, 1, 1, 1, 2, 2, 1, 1, 2, 1, 1, 2, 1, 2, 2, 1, 2, 1],
        "rx": [1, 1, 1, 2, 1, 1, 2, 2, 1, 2, 1, 2, 2, 2, 1, 1, 1, 1, 2, 2, 2, 1, 1, 2, 2, 2],
        "ecog.ps": [1, 1, 2, 1, 1, 2, 2, 2, 1, 2, 2, 1, 2, 1, 1, 2, 2, 1, 1, 1, 2, 2, 1, 2, 1, 1],
    }
)  # fmt: skip

# Reference values printed by R for these models: the survival package's own regression-test output,
# tests/ovarian.Rout.save in github.com/therneau/survival (the R code is tests/ovarian.R), e.g.
#   coxph(Surv(futime, fustat) ~ age + resid.ds + ecog.ps, data=ovarian)
#               coef exp(coef) se(coef)     z       p
#   age      0.14240   1.15303  0.05196 2.740 0.00614
#   resid.ds 0.66261   1.93984  0.75045 0.883 0.37727
#   ecog.ps  0.16634   1.18097  0.61486 0.271 0.78675
# There are no tied death times in ovarian, so Efron (R's default) and Breslow agree.
R_OVARIAN_COXPH = [
    # (formula, strata, coef, se(coef))
    ("age", None, [0.16162], [0.04974]),
    ("age + Q('resid.ds') + Q('ecog.ps')", None, [0.14240, 0.66261, 0.16634], [0.05196, 0.75045, 0.61486]),
    ("age + rx + Q('ecog.ps')", None, [0.1470, -0.8146, 0.1032], [0.0463, 0.6342, 0.6064]),
    ("age + Q('ecog.ps')", "rx", [0.13853, -0.09670], [0.04801, 0.62994]),  # + strata(rx)
]


def _exponential_survival(seed: int, n: int) -> tuple[pd.DataFrame, dict[str, float]]:
    """Leaving times with a constant hazard 0.05 exp(x'beta) per month, censored at random and at 36 months."""
    rng = np.random.default_rng(seed)
    truth = {"gender[T.m]": 0.5, "level[T.mid]": 0.3, "level[T.senior]": -0.4, "sentiment": -0.7}
    data = pd.DataFrame(
        {
            "gender": rng.choice(["f", "m"], n),
            "level": rng.choice(["junior", "mid", "senior"], n),
            "sentiment": rng.normal(size=n),
        }
    )
    lp = (
        truth["gender[T.m]"] * (data["gender"] == "m")
        + truth["level[T.mid]"] * (data["level"] == "mid")
        + truth["level[T.senior]"] * (data["level"] == "senior")
        + truth["sentiment"] * data["sentiment"]
    )
    leaving = rng.exponential(1 / (0.05 * np.exp(lp)))
    censoring = np.minimum(rng.exponential(1 / 0.02, n), 36.0)
    data["month"] = np.minimum(leaving, censoring)
    data["left"] = (leaving <= censoring).astype(int)
    return data, truth


def _covers(table: pd.DataFrame, truth: dict[str, float]) -> dict[str, bool]:
    rows = table.set_index("term")
    return {term: bool(rows.loc[term, "ci_low"] < value < rows.loc[term, "ci_high"]) for term, value in truth.items()}


# --------------------------------------------------------------------------- Cox model


@pytest.mark.parametrize(("formula", "strata", "coef", "se"), R_OVARIAN_COXPH)
def test_cox_matches_r_coxph_on_ovarian(formula: str, strata: str | None, coef: list[float], se: list[float]) -> None:
    results, table = fit_cox(OVARIAN, formula, duration="futime", event="fustat", strata=strata)
    np.testing.assert_allclose(table["estimate"], coef, atol=1e-4)
    np.testing.assert_allclose(table["std_error"], se, atol=1e-4)
    np.testing.assert_allclose(table["hazard_ratio"], np.exp(table["estimate"]))
    assert not table["term"].str.contains("Q(", regex=False).any()  # Q('ecog.ps') reads ecog.ps
    assert np.asarray(results.params) == pytest.approx(table["estimate"].to_numpy())


def test_cox_hazard_ratio_intervals_match_r_summary() -> None:
    # summary(coxph(Surv(futime, fustat) ~ age + ecog.ps + strata(rx), data=ovarian)) in tests/ovarian.Rout.save:
    #         exp(coef) exp(-coef) lower .95 upper .95
    # age        1.1486     0.8706    1.0454     1.262
    # ecog.ps    0.9078     1.1015    0.2641     3.120
    _, table = fit_cox(OVARIAN, "age + Q('ecog.ps')", duration="futime", event="fustat", strata="rx")
    np.testing.assert_allclose(table["hazard_ratio"], [1.1486, 0.9078], atol=1e-4)
    np.testing.assert_allclose(table["hazard_ratio_ci_low"], [1.0454, 0.2641], atol=1e-4)
    np.testing.assert_allclose(table["hazard_ratio_ci_high"], [1.262, 3.120], atol=1e-3)


def test_cox_tied_times_match_the_closed_forms_of_efron_and_breslow() -> None:
    # Test data 1 of Therneau & Grambsch (2000), Modeling Survival Data, appendix E, also used by the survival
    # package's tests/book1.R (Breslow) and tests/book2.R (Efron): two deaths tie at time 6; the NA row is dropped.
    data = pd.DataFrame({"time": [9, 3, 1, 1, 6, 6, 8], "status": [1, np.nan, 1, 0, 1, 1, 0], "x": [0, 2, 1, 1, 1, 0, 0]})
    breslow = 1.5 + np.sqrt(33) / 2  # exp(beta-hat): the root of the Breslow score
    efron = optimize.brentq(lambda r: 30 + 23 * r - r**3, 1, 10)  # the root of the Efron score (30 + 23r - r^3)/...
    information = {
        "breslow": breslow / (breslow + 1) ** 2 + 6 * breslow / (breslow + 3) ** 2,
        "efron": sum(v - v**2 for v in (efron / (efron + 1), efron / (efron + 5), efron / (efron + 3))),
    }
    for ties, root in (("breslow", breslow), ("efron", efron)):
        _, table = fit_cox(data, "x", duration="time", event="status", ties=ties)
        assert table["estimate"].iloc[0] == pytest.approx(np.log(root), abs=1e-6)
        assert table["std_error"].iloc[0] == pytest.approx(1 / np.sqrt(information[ties]), abs=1e-6)


def test_cox_with_ties_and_strata_matches_the_r_coxph_example() -> None:
    # ?coxph example, printed in the survival package's tests/Examples/survival-Ex.Rout.save:
    #   coxph(Surv(time, status) ~ x + strata(sex), test1):  coef 0.8023, se(coef) 0.8224
    test1 = pd.DataFrame({"time": [4, 3, 1, 1, 2, 2, 3], "status": [1, 1, 1, 0, 1, 1, 0], "x": [0, 2, 1, 1, 1, 0, 0]})
    test1["sex"] = [0, 0, 0, 0, 1, 1, 1]
    _, table = fit_cox(test1, "x", duration="time", event="status", strata="sex")
    assert table["estimate"].iloc[0] == pytest.approx(0.8023, abs=1e-4)
    assert table["std_error"].iloc[0] == pytest.approx(0.8224, abs=1e-4)


def test_cox_recovers_known_log_hazard_ratios() -> None:
    data, truth = _exponential_survival(seed=11, n=1500)
    results, table = fit_cox(data, "gender + level + sentiment", duration="month", event="left")
    assert set(table["term"]) == set(truth)
    assert all(_covers(table, truth).values()), table
    rows = table.set_index("term")
    for term, value in truth.items():  # and not by a wide interval: within 3 standard errors of about 0.07
        assert abs(rows.loc[term, "estimate"] - value) < 3 * rows.loc[term, "std_error"] < 0.25
    assert results.model.ties == "efron"


def test_cox_breslow_is_accepted_and_attenuates_under_heavy_ties() -> None:
    data, _ = _exponential_survival(seed=12, n=1500)
    data["month"] = np.ceil(data["month"])  # whole months: many tied leaving times
    _, efron = fit_cox(data, "gender + level + sentiment", duration="month", event="left")
    results, breslow = fit_cox(data, "gender + level + sentiment", duration="month", event="left", ties="breslow")
    assert results.model.ties == "breslow"
    # Breslow's approximation is known to pull estimates towards 0 when many times tie
    assert (breslow["estimate"].abs() < efron["estimate"].abs()).all()
    assert np.allclose(breslow["estimate"], efron["estimate"], atol=0.05)


# --------------------------------------------------------------------------- Kaplan-Meier and log-rank


def test_kaplan_meier_matches_a_hand_computation() -> None:
    data = pd.DataFrame({"t": [1, 2, 2, 3, 4, 5], "e": [1, 1, 0, 1, 0, 1]})
    curves, table = kaplan_meier(data, "t", "e")
    assert list(curves) == ["all"] and curves.logrank is None
    assert table["time"].tolist() == [1, 2, 3, 5]  # event times only
    assert table["n_at_risk"].tolist() == [6, 5, 3, 1]
    assert table["events"].tolist() == [1, 1, 1, 1]
    np.testing.assert_allclose(table["survival"], [5 / 6, 5 / 6 * 4 / 5, 5 / 6 * 4 / 5 * 2 / 3, 0.0])
    greenwood = np.sqrt(1 / (6 * 5) + 1 / (5 * 4))  # standard error of log S(2)
    s2 = table.loc[1]
    assert s2["std_error"] == pytest.approx(2 / 3 * greenwood)
    z = stats.norm.ppf(0.975)
    assert s2["ci_low"] == pytest.approx(2 / 3 * np.exp(-z * greenwood))
    assert s2["ci_high"] == pytest.approx(min(1.0, 2 / 3 * np.exp(z * greenwood)))
    assert np.isnan(table.loc[3, "ci_low"])  # S = 0: no interval on the log scale, as in R


def test_kaplan_meier_matches_r_survfit_on_ovarian() -> None:
    # summary(survfit(Surv(futime, fustat) ~ 1, data=ovarian)) in the survival package's tests/ovarian.Rout.save
    # (event times only; log intervals, R's default)
    r = pd.DataFrame(
        [
            (59, 26, 0.962, 0.0377, 0.890, 1.000),
            (115, 25, 0.923, 0.0523, 0.826, 1.000),
            (156, 24, 0.885, 0.0627, 0.770, 1.000),
            (268, 23, 0.846, 0.0708, 0.718, 0.997),
            (329, 22, 0.808, 0.0773, 0.670, 0.974),
            (353, 21, 0.769, 0.0826, 0.623, 0.949),
            (365, 20, 0.731, 0.0870, 0.579, 0.923),
            (431, 17, 0.688, 0.0919, 0.529, 0.894),
            (464, 15, 0.642, 0.0965, 0.478, 0.862),
            (475, 14, 0.596, 0.0999, 0.429, 0.828),
            (563, 12, 0.546, 0.1032, 0.377, 0.791),
            (638, 11, 0.497, 0.1051, 0.328, 0.752),
        ],
        columns=["time", "n_at_risk", "survival", "std_error", "ci_low", "ci_high"],
    )
    _, table = kaplan_meier(OVARIAN, "futime", "fustat")
    assert table["time"].tolist() == r["time"].tolist()
    assert table["n_at_risk"].tolist() == r["n_at_risk"].tolist()
    for column, tolerance in (("survival", 5e-4), ("std_error", 5e-5), ("ci_low", 5e-4), ("ci_high", 5e-4)):
        np.testing.assert_allclose(table[column], r[column], atol=tolerance, err_msg=column)


def test_grouped_kaplan_meier_has_a_curve_per_group_and_the_r_log_rank_test() -> None:
    # survdiff(Surv(futime, fustat) ~ rx, data=ovarian): Chisq = 1.1 on 1 df, p = 0.3, and the equal score test of
    # coxph(..., ties="breslow") printed as 1.063, p 0.303 (survival's tests/Examples/survival-Ex.Rout.save)
    curves, table = kaplan_meier(OVARIAN, "futime", "fustat", group="rx")
    assert sorted(curves) == [1, 2]
    assert set(table["group"]) == {1, 2}
    assert table.groupby("group")["events"].sum().to_dict() == {1: 7, 2: 5}
    assert curves[1].surv_prob[-1] == pytest.approx(table[table["group"] == 1]["survival"].iloc[-1])
    logrank = curves.logrank.iloc[0]
    assert logrank["statistic"] == pytest.approx(1.063, abs=5e-4)
    assert logrank["p_value"] == pytest.approx(0.303, abs=5e-4)
    assert logrank["df"] == 1
    assert logrank_test(OVARIAN, "futime", "fustat", "rx").equals(curves.logrank)


def test_kaplan_meier_interval_types_nest_around_the_curve() -> None:
    for conf_type in ("log", "log-log", "plain"):
        _, table = kaplan_meier(OVARIAN, "futime", "fustat", conf_type=conf_type)
        assert (table["ci_low"] <= table["survival"]).all() and (table["survival"] <= table["ci_high"]).all()
        assert table[["ci_low", "ci_high"]].stack().between(0, 1).all()


# --------------------------------------------------------------------------- OLS, GLM and logit


def _workforce(seed: int, n: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    data = pd.DataFrame(
        {
            "gender": rng.choice(["f", "m"], n),
            "level": rng.choice(["junior", "mid", "senior"], n),
            "sentiment": rng.normal(size=n),
            "team": rng.integers(0, 40, n),
        }
    )
    noise = rng.normal(size=n) * np.where(data["level"] == "senior", 2.0, 0.5)  # unequal variances: a case for HC3
    data["engagement"] = 1.0 + 0.5 * (data["gender"] == "m") - 0.3 * (data["level"] == "senior") + 2.0 * data["sentiment"] + noise
    lp = -0.5 + 0.6 * (data["gender"] == "m") + 0.8 * (data["level"] == "senior") - 0.9 * data["sentiment"]
    data["left"] = rng.random(n) < 1 / (1 + np.exp(-lp))
    data["requests"] = rng.poisson(np.exp(0.2 + 0.3 * data["sentiment"]))
    return data


def test_compare_groups_recovers_known_differences_with_hc3_intervals() -> None:
    truth = {"Intercept": 1.0, "gender[T.m]": 0.5, "level[T.mid]": 0.0, "level[T.senior]": -0.3, "sentiment": 2.0}
    covered = dict.fromkeys(truth, 0)
    datasets = 30
    for seed in range(datasets):
        results, table = compare_groups(_workforce(seed, 300), "engagement ~ gender + level + sentiment")
        for term, hit in _covers(table, truth).items():
            covered[term] += hit
    assert results.cov_type == "HC3"
    # 95% intervals: fewer than 24 of 30 covering would be a broken interval (binomial p < 0.01)
    assert all(c >= 24 for c in covered.values()), covered


def test_compare_groups_robust_and_clustered_errors_change_only_the_errors() -> None:
    data = _workforce(1, 400)
    _, plain_table = compare_groups(data, "engagement ~ gender + level + sentiment", cov="nonrobust")
    _, hc3_table = compare_groups(data, "engagement ~ gender + level + sentiment")
    clustered, clustered_table = compare_groups(data, "engagement ~ gender + level + sentiment", cov="cluster", groups="team")
    np.testing.assert_allclose(hc3_table["estimate"], plain_table["estimate"])
    np.testing.assert_allclose(clustered_table["estimate"], plain_table["estimate"])
    # the senior level has four times the noise standard deviation: HC3 sees it, the classical error does not
    senior = hc3_table["term"] == "level[T.senior]"
    assert (hc3_table.loc[senior, "std_error"] > 1.2 * plain_table.loc[senior, "std_error"]).all()
    assert clustered.cov_type == "cluster"
    _, array_table = compare_groups(data, "engagement ~ gender", cov="cluster", groups=data["team"].to_numpy())
    _, name_table = compare_groups(data, "engagement ~ gender", cov="cluster", groups="team")
    np.testing.assert_allclose(array_table["std_error"], name_table["std_error"])


def test_compare_groups_clusters_follow_rows_dropped_for_missing_values() -> None:
    data = _workforce(2, 200)
    data.loc[::7, "sentiment"] = np.nan
    results, _ = compare_groups(data, "engagement ~ sentiment", cov="cluster", groups="team")
    kept = data.dropna(subset=["sentiment"])
    expected, _ = compare_groups(kept, "engagement ~ sentiment", cov="cluster", groups="team")
    assert results.nobs == len(kept)
    np.testing.assert_allclose(results.bse, expected.bse)


def test_compare_groups_glm_families_give_ratio_columns() -> None:
    data = _workforce(3, 3000)
    _, poisson = compare_groups(data, "requests ~ sentiment", family="poisson")
    rows = poisson.set_index("term")
    assert rows.loc["sentiment", "ci_low"] < 0.3 < rows.loc["sentiment", "ci_high"]
    assert rows.loc["sentiment", "rate_ratio"] == pytest.approx(np.exp(rows.loc["sentiment", "estimate"]))
    _, binomial = compare_groups(data, "left ~ gender + level + sentiment", family="binomial", cov="nonrobust")
    _, logit_table = fit_logit(data, "left ~ gender + level + sentiment")
    np.testing.assert_allclose(binomial["estimate"], logit_table["estimate"], rtol=1e-6)  # the same model, two routes
    np.testing.assert_allclose(binomial["odds_ratio"], logit_table["odds_ratio"], rtol=1e-6)
    _, gaussian = compare_groups(data, "engagement ~ sentiment", family="gaussian")
    assert "odds_ratio" not in gaussian and "rate_ratio" not in gaussian


def test_fit_logit_recovers_known_log_odds_ratios() -> None:
    truth = {"Intercept": -0.5, "gender[T.m]": 0.6, "level[T.mid]": 0.0, "level[T.senior]": 0.8, "sentiment": -0.9}
    covered = dict.fromkeys(truth, 0)
    datasets = 30
    for seed in range(datasets):
        _, table = fit_logit(_workforce(seed, 600), "left ~ gender + level + sentiment")
        for term, hit in _covers(table, truth).items():
            covered[term] += hit
    assert all(c >= 24 for c in covered.values()), covered
    np.testing.assert_allclose(table["odds_ratio"], np.exp(table["estimate"]))
    np.testing.assert_allclose(table["odds_ratio_ci_low"], np.exp(table["ci_low"]))


def test_fit_logit_clustered_errors_and_boolean_or_01_outcomes_agree() -> None:
    data = _workforce(4, 500)
    _, booleans = fit_logit(data, "left ~ sentiment")
    _, numbers = fit_logit(data.assign(left=data["left"].astype(int)), "left ~ sentiment")
    np.testing.assert_allclose(booleans["estimate"], numbers["estimate"])
    results, clustered = fit_logit(data, "left ~ sentiment", cov="cluster", groups="team")
    assert results.cov_type == "cluster"
    np.testing.assert_allclose(clustered["estimate"], numbers["estimate"])


# --------------------------------------------------------------------------- ordinal logit


def _likert(seed: int, n: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    data = pd.DataFrame({"participant": rng.integers(0, 2, n), "tenure": rng.normal(size=n)})
    latent = 0.8 * data["participant"] - 0.5 * data["tenure"] + rng.logistic(size=n)
    data["satisfaction"] = np.digitize(latent, [-1.0, 0.5, 2.0]) + 1  # answers 1..4
    return data


def test_fit_ordinal_recovers_coefficients_and_thresholds() -> None:
    truth = {"participant": 0.8, "tenure": -0.5, "1|2": -1.0, "2|3": 0.5, "3|4": 2.0}
    covered = dict.fromkeys(truth, 0)
    datasets = 20
    for seed in range(datasets):
        results, table = fit_ordinal(_likert(seed, 400), "satisfaction ~ participant + tenure")
        for term, hit in _covers(table, truth).items():
            covered[term] += hit
    # 95% intervals: fewer than 17 of 20 covering would be a broken interval (binomial p < 0.02)
    assert all(c >= 17 for c in covered.values()), covered
    assert table["kind"].tolist() == ["coefficient"] * 2 + ["threshold"] * 3
    # the cut-points are statsmodels' thresholds, turned from log increments into positions on the latent scale
    np.testing.assert_allclose(table["estimate"].iloc[2:], results.model.transform_threshold_params(results.params)[1:-1])
    assert table["odds_ratio"].iloc[:2].tolist() == pytest.approx(np.exp(table["estimate"].iloc[:2]).tolist())
    assert table["odds_ratio"].iloc[2:].isna().all()


def test_fit_ordinal_orders_labels_by_levels_and_fits_probit() -> None:
    data = _likert(22, 800)
    data["answer"] = data["satisfaction"].map({1: "disagree", 2: "neutral", 3: "agree", 4: "strongly agree"})
    scale = ["disagree", "neutral", "agree", "strongly agree"]
    _, labelled = fit_ordinal(data, "answer ~ participant + tenure", levels=scale)
    _, numbered = fit_ordinal(data, "satisfaction ~ participant + tenure")
    np.testing.assert_allclose(labelled["estimate"], numbered["estimate"], atol=1e-4)
    assert labelled["term"].iloc[2:].tolist() == ["disagree|neutral", "neutral|agree", "agree|strongly agree"]
    _, probit = fit_ordinal(data, "satisfaction ~ participant + tenure", distr="probit")
    assert "odds_ratio" not in probit
    ratio = probit["estimate"].iloc[:2] / numbered["estimate"].iloc[:2]
    assert ratio.between(0.45, 0.75).all()  # probit coefficients are about logit / 1.7
    data["ordered"] = pd.Categorical(data["answer"], categories=scale, ordered=True)
    _, categorical = fit_ordinal(data, "ordered ~ participant + tenure")
    np.testing.assert_allclose(categorical["estimate"], labelled["estimate"], atol=1e-6)


# --------------------------------------------------------------------------- difference in differences


def _panel(seed: int, units: int, effect: float = 0.8) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(units), 2)
    wave = np.tile([0, 1], units)
    treated = unit < units // 2
    person = rng.normal(size=units)[unit]  # each respondent's own level, shared by both waves
    score = 1.0 + 0.5 * treated + 0.3 * wave + effect * treated * wave + person + 0.5 * rng.normal(size=2 * units)
    return pd.DataFrame(
        {"respondent": unit, "wave": wave, "participant": treated, "score": score, "age": rng.normal(size=2 * units)}
    )


def test_diff_in_diff_recovers_the_effect_and_labels_it() -> None:
    covered = 0
    datasets = 30
    for seed in range(datasets):
        results, table = diff_in_diff(_panel(seed, 120), "score", post="wave", treated="participant", unit="respondent")
        row = table.set_index("term").loc[DID_TERM]
        covered += row["ci_low"] < 0.8 < row["ci_high"]
    assert covered >= 24, covered
    assert results.cov_type == "cluster"
    assert table["term"].tolist() == ["Intercept", "participant", "wave", "did"]


def test_diff_in_diff_with_covariates_and_without_units() -> None:
    data = _panel(31, 400)
    results, table = diff_in_diff(data, "score", post="wave", treated="participant", covariates=["age"])
    assert results.cov_type == "HC3"
    assert table["term"].tolist() == ["Intercept", "participant", "wave", "did", "age"]
    row = table.set_index("term").loc["did"]
    assert row["ci_low"] < 0.8 < row["ci_high"]
    _, fragment = diff_in_diff(data, "score", post="wave", treated="participant", covariates="age + I(age**2)")
    assert "I(age ** 2)" in fragment["term"].tolist()


# --------------------------------------------------------------------------- simulated against observed


def test_tost_declares_equivalence_only_within_the_margin() -> None:
    rng = np.random.default_rng(41)
    simulated, observed = rng.normal(3.0, 1.0, 400), rng.normal(3.0, 1.0, 300)
    same = tost(simulated, observed, 0.5).iloc[0]
    assert same["equivalent"] and same["p_value"] < 0.05
    assert same["p_value"] == max(same["p_lower"], same["p_upper"])
    assert same["margin_low"] == -0.5 and same["margin_high"] == 0.5
    # equivalent exactly when the 90% interval of the difference lies within the margin
    assert -0.5 < same["ci_low"] < same["difference"] < same["ci_high"] < 0.5
    shifted = tost(simulated, observed + 1.0, 0.5).iloc[0]
    assert not shifted["equivalent"] and shifted["p_value"] > 0.5
    assert shifted["difference"] == pytest.approx(np.mean(simulated) - np.mean(observed) - 1.0)
    narrow = tost(simulated, observed, 0.01).iloc[0]  # identical distributions, but a margin too tight for 700 people
    assert not narrow["equivalent"]


def test_tost_paired_and_asymmetric_margins() -> None:
    rng = np.random.default_rng(42)
    before = rng.normal(scale=2.0, size=200)
    after = before + 0.05 + rng.normal(scale=0.1, size=200)
    paired = tost(after, before, (-0.1, 0.2), paired=True).iloc[0]
    assert paired["equivalent"] and (paired["n_a"], paired["n_b"]) == (200, 200)
    assert paired["difference"] == pytest.approx(np.mean(after - before))
    # unpaired, the spread of the people swamps the small change: no equivalence shown
    assert not tost(after, before, (-0.1, 0.2)).iloc[0]["equivalent"]
    with_missing = tost(np.append(after, np.nan), np.append(before, 1.0), (-0.1, 0.2), paired=True).iloc[0]
    assert with_missing["n_a"] == 200 and with_missing["p_value"] == pytest.approx(paired["p_value"])


def test_distribution_distance_by_hand_and_zero_for_identical_answers() -> None:
    a = pd.Series([1, 1, 2, 2], name="q1")  # 1/2, 1/2, 0 on the scale 1..3
    b = pd.Series([2, 2, 3, 3], name="q1")  # 0, 1/2, 1/2
    row = distribution_distance(a, b).iloc[0]
    assert row["item"] == "q1"
    assert row["tvd"] == pytest.approx(0.5)
    assert row["wasserstein"] == pytest.approx(1.0)  # half the answers move one step
    assert row["js_distance"] == pytest.approx(np.sqrt(0.5))  # each side is 1/2 bit from the mixture
    same = distribution_distance(a, a.sample(frac=1, random_state=np.random.default_rng(1))).iloc[0]
    assert (same["tvd"], same["js_distance"], same["wasserstein"], same["chi2"]) == (0, 0, 0, 0)
    assert same["p_value"] == 1.0


def test_distribution_distance_per_item_with_a_correction() -> None:
    rng = np.random.default_rng(43)
    simulated = pd.DataFrame({"q1": rng.integers(1, 6, 500), "q2": rng.integers(1, 6, 500), "q3": rng.integers(1, 6, 500)})
    observed = pd.DataFrame({"q1": rng.integers(1, 6, 400), "q2": np.clip(rng.integers(1, 6, 400) + 1, 1, 5)})
    observed["q3"] = rng.integers(1, 6, 400)
    table = distribution_distance(simulated, observed)
    assert table["item"].tolist() == ["q1", "q2", "q3"]
    assert table.set_index("item")["reject"].to_dict() == {"q1": False, "q2": True, "q3": False}
    np.testing.assert_allclose(table["p_adjusted"], adjust_pvalues(table["p_value"])["p_adjusted"])
    assert table.loc[1, "tvd"] > 3 * max(table.loc[0, "tvd"], table.loc[2, "tvd"])
    assert "p_adjusted" not in distribution_distance(simulated, observed, correction=None)
    labelled = distribution_distance(
        pd.Series(["agree", "agree"]), pd.Series(["disagree", "agree"]), levels=["disagree", "agree"]
    )
    assert labelled.iloc[0]["wasserstein"] == pytest.approx(0.5)  # half the answers one step apart


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(1, 5), min_size=1, max_size=40),
    st.lists(st.integers(1, 5), min_size=1, max_size=40),
)
def test_distribution_distances_are_bounded_and_symmetric(a: list[int], b: list[int]) -> None:
    forward = distribution_distance(a, b, levels=[1, 2, 3, 4, 5], correction=None).iloc[0]
    backward = distribution_distance(b, a, levels=[1, 2, 3, 4, 5], correction=None).iloc[0]
    for column in ("tvd", "js_distance"):
        assert -1e-12 <= forward[column] <= 1 + 1e-12
        assert forward[column] == pytest.approx(backward[column], abs=1e-12)
    assert 0 <= forward["wasserstein"] <= 4 + 1e-12  # at most the length of the scale
    assert forward["wasserstein"] >= forward["tvd"] - 1e-12  # moving mass costs at least one step per unit
    assert 0 <= forward["p_value"] <= 1


def test_compare_fits_side_by_side() -> None:
    data = _workforce(51, 2000)
    simulated, observed = data.iloc[:1000], data.iloc[1000:]
    fits, table = compare_fits("engagement ~ gender + sentiment", simulated, observed)
    assert set(fits) == {"simulated", "observed"}
    assert table["term"].tolist() == ["Intercept", "gender[T.m]", "sentiment"]
    np.testing.assert_allclose(table["estimate_simulated"], np.asarray(fits["simulated"].params))
    np.testing.assert_allclose(table["difference"], table["estimate_simulated"] - table["estimate_observed"])
    assert not table["reject"].any()  # one population, two halves
    shifted = observed.assign(engagement=observed["engagement"] + 1.5 * observed["sentiment"])
    _, table = compare_fits("engagement ~ gender + sentiment", simulated, shifted)
    assert table.set_index("term")["reject"].to_dict() == {"Intercept": False, "gender[T.m]": False, "sentiment": True}
    assert (table["p_adjusted"] >= table["p_value"]).all()


def test_compare_fits_with_other_fitters_and_missing_terms() -> None:
    a, _ = _exponential_survival(seed=52, n=400)
    b, _ = _exponential_survival(seed=53, n=400)
    a["month"], b["month"] = np.ceil(a["month"]), np.ceil(b["month"])
    _, table = compare_fits("gender + sentiment", a, b, fitter=fit_cox, duration="month", event="left", correction="bonferroni")
    assert table["term"].tolist() == ["gender[T.m]", "sentiment"]
    np.testing.assert_allclose(table["p_adjusted"], np.minimum(1, 2 * table["p_value"]))
    # a level the observed data lack has no observed estimate and no test, and does not count in the family
    _, table = compare_fits("engagement ~ level", _workforce(1, 300), _workforce(2, 300).query("level != 'senior'"))
    assert table["term"].tolist() == ["Intercept", "level[T.mid]", "level[T.senior]"]
    assert table["p_adjusted"].notna().sum() == 2
    row = table.set_index("term").loc["level[T.senior]"]
    assert np.isnan(row["estimate_observed"]) and np.isnan(row["p_value"]) and not row["reject"]


def test_adjust_pvalues_matches_a_hand_computed_holm() -> None:
    p = [0.01, 0.04, 0.03, 0.005]
    # Holm: sort 0.005, 0.01, 0.03, 0.04; times 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04; running maximum 0.02, 0.03, 0.06, 0.06
    table = adjust_pvalues(p)
    assert table["p_adjusted"].tolist() == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert table["reject"].tolist() == [True, False, False, True]
    assert adjust_pvalues(p, "bonferroni")["p_adjusted"].tolist() == pytest.approx([0.04, 0.16, 0.12, 0.02])
    # Benjamini-Hochberg: p(i) m / i = 0.02, 0.02, 0.04, 0.04, then the running minimum from the top
    assert adjust_pvalues(p, "fdr_bh")["p_adjusted"].tolist() == pytest.approx([0.02, 0.04, 0.04, 0.02])
    frame = pd.DataFrame({"term": list("abcd"), "p_value": [0.01, np.nan, 0.03, 0.005]})
    adjusted = adjust_pvalues(frame)
    assert adjusted["term"].tolist() == list("abcd") and "p_adjusted" not in frame
    assert np.isnan(adjusted.loc[1, "p_adjusted"]) and not adjusted.loc[1, "reject"]
    assert adjusted["p_adjusted"].dropna().tolist() == pytest.approx([0.02, 0.03, 0.015])  # a family of three


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=30),
    st.sampled_from(["holm", "bonferroni", "fdr_bh"]),
)
def test_adjusted_pvalues_are_at_least_raw_and_keep_their_order(p: list[float], method: str) -> None:
    table = adjust_pvalues(p, method)
    raw, adjusted = table["p_value"].to_numpy(), table["p_adjusted"].to_numpy()
    assert (adjusted >= raw - 1e-12).all() and (adjusted <= 1).all()
    order = np.argsort(raw, kind="stable")
    assert (np.diff(adjusted[order]) >= -1e-12).all()
    assert (adjusted[table["reject"].to_numpy()] <= 0.05 + 1e-12).all()


# --------------------------------------------------------------------------- errors


SURVIVAL = OVARIAN[["futime", "fustat", "age"]]


@pytest.mark.parametrize(
    ("call", "error", "named"),
    [
        (lambda: compare_groups(_workforce(0, 50), "engagement ~ tenure"), ConfigError, "'tenure'"),
        (lambda: compare_groups(_workforce(0, 50), "engagement ~ Q('team size')"), ConfigError, "'team size'"),
        (lambda: fit_logit(_workforce(0, 50), "left ~ gender + salary"), ConfigError, "'salary'"),
        (lambda: fit_cox(SURVIVAL, "age + stage", duration="futime", event="fustat"), ConfigError, "'stage'"),
        (lambda: fit_ordinal(_likert(0, 50), "satisfaction ~ grade"), ConfigError, "'grade'"),
        (lambda: fit_ordinal(_likert(0, 50), "happiness ~ tenure"), ConfigError, "happiness"),
        (lambda: compare_groups(_workforce(0, 50), "engagement ~ gender +"), ConfigError, "engagement ~ gender +"),
        (lambda: fit_cox(SURVIVAL.assign(fustat=2), "age", duration="futime", event="fustat"), DataError, "'fustat'"),
        (lambda: kaplan_meier(SURVIVAL.assign(fustat="dead"), "futime", "fustat"), DataError, "'fustat'"),
        (lambda: kaplan_meier(SURVIVAL.assign(futime="long"), "futime", "fustat"), DataError, "'futime'"),
        (
            lambda: fit_cox(SURVIVAL.assign(futime=-SURVIVAL["futime"]), "age", duration="futime", event="fustat"),
            DataError,
            ">= 0",
        ),
        (lambda: fit_cox(SURVIVAL.assign(fustat=0), "age", duration="futime", event="fustat"), DataError, "no events"),
        (lambda: fit_cox(SURVIVAL, "futime ~ age", duration="futime", event="fustat"), ConfigError, "right-hand side"),
        (lambda: fit_cox(SURVIVAL, "age", duration="futime", event="fustat", ties="exact"), ConfigError, "'exact'"),
        (lambda: kaplan_meier(SURVIVAL, "time", "fustat"), ConfigError, "duration = 'time'"),
        (lambda: kaplan_meier(SURVIVAL, "futime", "fustat", group="arm"), ConfigError, "group = 'arm'"),
        (lambda: fit_logit(_workforce(0, 50), "level ~ sentiment"), DataError, "'level'"),
        (lambda: fit_logit(_workforce(0, 50).assign(left=3), "left ~ sentiment"), DataError, "found 3"),
        (lambda: compare_groups(_workforce(0, 50), "engagement ~ gender", cov="HC4"), ConfigError, "'HC4'"),
        (
            lambda: compare_groups(_workforce(0, 50), "requests ~ gender", family="poisson", cov="HC3"),
            ConfigError,
            "only for OLS",
        ),
        (lambda: compare_groups(_workforce(0, 50), "engagement ~ gender", cov="cluster"), ConfigError, "groups"),
        (lambda: compare_groups(_workforce(0, 50), "engagement ~ gender", groups="team"), ConfigError, "cov='cluster'"),
        (lambda: compare_groups(_workforce(0, 50), "engagement ~ gender", family="tobit"), ConfigError, "'tobit'"),
        (lambda: fit_ordinal(_likert(0, 50).assign(s="x"), "s ~ tenure"), DataError, "'s'"),
        (lambda: fit_ordinal(_likert(0, 50), "satisfaction ~ tenure", levels=[1, 2, 3]), DataError, "outside levels"),
        (lambda: fit_ordinal(_likert(0, 50), "satisfaction ~ tenure", distr="cauchy"), ConfigError, "'cauchy'"),
        (lambda: tost([1.0, 2.0, 3.0], [1.0, 2.0], 0), ConfigError, "margin = 0"),
        (lambda: tost([1.0, 2.0, 3.0], [1.0, 2.0], -0.5), ConfigError, "margin = -0.5"),
        (lambda: tost([1.0, 2.0, 3.0], [1.0, 2.0], (0.5, -0.5)), ConfigError, "low < high"),
        (lambda: tost([1.0, 2.0, 3.0], [1.0], 0.5), DataError, "at least 2"),
        (lambda: tost([1.0, 2.0, 3.0], [1.0, 2.0], 0.5, paired=True), ConfigError, "paired"),
        (lambda: tost(["a", "b"], [1.0, 2.0], 0.5), DataError, "'a'"),
        (lambda: distribution_distance(pd.DataFrame({"q1": [1]}), pd.DataFrame({"q2": [1]})), ConfigError, "'q1'"),
        (lambda: distribution_distance([1, 2, 7], [1, 2], levels=[1, 2, 3]), DataError, "7"),
        (lambda: distribution_distance([1, 2], [1, 2], correction="tukey"), ConfigError, "correction = 'tukey'"),
        (lambda: compare_fits("y ~ x", _workforce(0, 50), _workforce(1, 50), correction="tukey"), ConfigError, "correction"),
        (lambda: adjust_pvalues([0.1, 1.5]), DataError, "1.5"),
        (lambda: adjust_pvalues(pd.DataFrame({"p": [0.1]})), ConfigError, "column = 'p_value'"),
        (lambda: adjust_pvalues([0.1], method="sometimes"), ConfigError, "'sometimes'"),
        (lambda: compare_fits("engagement ~ mood", _workforce(0, 50), _workforce(1, 50)), ConfigError, "simulated: formula"),
    ],
)
def test_bad_input_raises_an_error_naming_it(call, error, named) -> None:
    with pytest.raises(error) as raised:
        call()
    assert named in str(raised.value)
    assert "\n" not in str(raised.value)  # one line, no patsy caret diagram


@pytest.mark.parametrize(
    "call",
    [
        lambda empty: compare_groups(empty, "engagement ~ gender"),
        lambda empty: fit_logit(empty, "left ~ gender"),
        lambda empty: kaplan_meier(empty, "futime", "fustat"),
        lambda empty: fit_cox(empty, "age", duration="futime", event="fustat"),
        lambda empty: fit_ordinal(empty, "satisfaction ~ tenure"),
        lambda empty: diff_in_diff(empty, "score", post="wave", treated="participant"),
    ],
)
def test_empty_data_raises_a_data_error(call) -> None:
    empty = pd.DataFrame(columns=["engagement", "gender", "left", "futime", "fustat", "age", "satisfaction", "tenure"])
    with pytest.raises(DataError, match="no rows"):
        call(empty)


def test_diff_in_diff_rejects_designs_it_cannot_estimate() -> None:
    data = _panel(61, 20)
    with pytest.raises(DataError, match=r"'participant'.*constant within each respondent"):
        diff_in_diff(data.assign(participant=data["wave"] == 1), "score", post="wave", treated="participant", unit="respondent")
    with pytest.raises(DataError, match="participant = 1 and wave = 1"):
        diff_in_diff(data[~(data["participant"] & (data["wave"] == 1))], "score", post="wave", treated="participant")
    with pytest.raises(DataError, match="'wave'"):
        diff_in_diff(data.assign(wave=data["wave"] + 1), "score", post="wave", treated="participant")
    with pytest.raises(ConfigError, match="unit = 'person'"):
        diff_in_diff(data, "score", post="wave", treated="participant", unit="person")


def test_compare_fits_names_the_data_set_of_a_data_error() -> None:
    bad = _workforce(1, 50).assign(left=2)
    with pytest.raises(DataError, match=r"^observed data: column 'left'"):
        compare_fits("left ~ sentiment", _workforce(0, 50), bad, fitter=fit_logit)
