"""The validation command (benchmarks/validate.py) over the published training cases.

The cases are the project's validation set (../shared/validation/published_training_cases.yaml:
Llama 2 and Llama 3.1 model cards, Patterson et al. 2021 for GPT-3), replayed three ways:
exact (every assumption typed in), as stated (accelerator, hours, region, year, operator)
and defaults only. Targets (issue 13): as stated, at least 80% of cases within +-25% of the
published CO2e; defaults only, the 90% range contains the published figure for at least 80%.
benchmarks/evidence_cases.yaml holds further published runs (LLaMA 1, BLOOM, T5, Meena,
Switch, GShard) that the defaults were not calibrated on; only their exact replay is asserted
here, their predictions are reported by the command.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("validate", ROOT / "benchmarks" / "validate.py")
assert spec is not None and spec.loader is not None
validate = importlib.util.module_from_spec(spec)
sys.modules["validate"] = validate  # dataclasses look their module up
spec.loader.exec_module(validate)

needs_cases = pytest.mark.skipif(
    not validate.DEFAULT_CASES.is_file(), reason=f"{validate.DEFAULT_CASES} not present"
)


@pytest.fixture(scope="module")
def replays():
    return validate.replay_all(validate.load_cases([validate.DEFAULT_CASES]))


@needs_cases
def test_exact_replay_is_the_published_figure(replays) -> None:
    cases = {c["id"]: c for c in validate.load_cases([validate.DEFAULT_CASES])}
    exact = [r for r in replays if r.mode == "exact"]
    assert len(exact) >= 8
    for r in exact:
        assert r.ratio == pytest.approx(1.0, abs=cases[r.case]["tolerance_rel"]), r.case


@needs_cases
def test_as_stated_predicts_within_25_percent(replays) -> None:
    s = validate.summary(replays)["stated"]
    assert s["within_25pct"] >= 0.8, validate.render(replays)


@needs_cases
def test_defaults_range_covers_the_published_figure(replays) -> None:
    s = validate.summary(replays)["defaults"]
    assert s["range_coverage"] >= 0.8, validate.render(replays)


def test_evidence_cases_replay_exactly() -> None:
    cases = validate.load_cases([ROOT / "benchmarks" / "evidence_cases.yaml"])
    for case in cases:
        r = validate.replay(case, "exact", uncertainty=False)
        assert r is not None and r.ratio == pytest.approx(1.0, rel=0.03), case["id"]


def test_command_prints_the_summary(capsys) -> None:
    assert validate.main([str(ROOT / "benchmarks" / "evidence_cases.yaml")]) == 0
    out = capsys.readouterr().out
    assert "within 25%" in out and "90% covers" in out
    assert validate.main(["/nonexistent.yaml"]) == 2


def test_default_inference_range_holds_the_disclosures() -> None:
    """Epoch AI's 0.3 Wh (GPT-4o), OpenAI's 0.34 Wh and Google's 0.24 Wh per request
    (benchmarks/inference_disclosures.yaml, with the token counts assumed) lie inside the
    90% range of the default (production) model, whose central value is 0.4-1.25x each."""
    for row in validate.replay_inference():
        assert row["covered"], row
        assert 0.4 <= row["ratio"] <= 1.25, row
