"""Replay published training footprints in three modes and score footprint's predictions.

    python benchmarks/validate.py [CASES.yaml ...] [--json]

The cases file is the project's validation set (default
``../shared/validation/published_training_cases.yaml``, the published figure with the
assumptions that produced it and what a reader knows from the source). Each case is
replayed three ways:

- ``exact``: every assumption of the source typed in (power per accelerator, PUE, grid
  intensity, no host share): tests the arithmetic and units. Cases whose power is not one
  number (mixed 350/400 W rows) have no exact replay.
- ``stated``: what a reader of the source knows, nothing more (accelerator,
  accelerator-hours, region, year, and the operator when the source names it): tests the
  defaults footprint fills in.
- ``defaults``: as stated without the operator.

For every mode and case it prints the ratio of footprint's location-based CO2e to the
published figure; per mode the share of cases within +-25%, the median absolute error, and
(stated and defaults) the share whose 90% uncertainty range contains the published figure.
Cases marked ``skip_in_scoring`` are shown but not scored. It then replays the energy per
request that operators published for named models (``inference_disclosures.yaml``) with the
default inference model and says whether its 90% range holds each. The script is a
repository tool: it reads a file the installed package never reads.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

import footprint as fp

DEFAULT_CASES = (
    Path(__file__).resolve().parents[2] / "shared" / "validation" / "published_training_cases.yaml"
)
#: Published energy per request of named models (in the repository).
INFERENCE_CASES = Path(__file__).resolve().parent / "inference_disclosures.yaml"
MODES = ("exact", "stated", "defaults")
#: Within this relative error a prediction counts as close.
CLOSE = 0.25


@dataclass(frozen=True)
class Replay:
    """One case in one mode: footprint's central CO2e and 90% range against the figure."""

    case: str
    mode: str
    published_kg: float
    central_kg: float
    low_kg: float | None
    high_kg: float | None
    scored: bool

    @property
    def ratio(self) -> float:
        return self.central_kg / self.published_kg

    @property
    def close(self) -> bool:
        return abs(self.ratio - 1.0) <= CLOSE

    @property
    def covered(self) -> bool | None:
        if self.low_kg is None or self.high_kg is None:
            return None
        return self.low_kg <= self.published_kg <= self.high_kg


def load_cases(paths: list[Path]) -> list[dict[str, Any]]:
    """Training cases of the YAML files, in order."""
    cases: list[dict[str, Any]] = []
    for path in paths:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        cases.extend(c for c in doc["cases"] if c.get("kind", "training") == "training")
    return cases


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def replay(case: dict[str, Any], mode: str, uncertainty: bool = True) -> Replay | None:
    """``case`` replayed in ``mode`` (``None`` when the case has no replay in that mode)."""
    published = float(case["expected"]["co2e_kg"]["value"])
    stated = case["stated"]
    spec = fp.Uncertainty() if uncertainty and mode != "exact" else None
    if mode == "exact":
        given = case["inputs"]
        power = _number(given.get("power_w_per_gpu"))
        intensity = _number(given.get("intensity_kg_per_kwh"))
        if power is None or intensity is None:
            return None
        job = fp.GpuJob(
            stated["accelerator"],
            gpu_hours=float(given["gpu_hours"]),
            power=f"{power} W",
            host_power="0 W",
        )
        site = fp.Site(
            region=stated["region"],
            year=stated["year"],
            pue=float(given.get("pue", 1.0)),
            intensity=f"{intensity} kgCO2e/kWh",
        )
    else:
        job = fp.GpuJob(stated["accelerator"], gpu_hours=float(stated["gpu_hours"]))
        operator = stated.get("operator") if mode == "stated" else None
        site = fp.Site(region=stated["region"], year=stated["year"], operator=operator)
    result = fp.estimate(job, site, embodied=False, uncertainty=spec)
    low = high = None
    if "co2e" in result.ranges:
        lo, hi = result.ranges["co2e"]
        low, high = float(lo.m_as("kgCO2e")), float(hi.m_as("kgCO2e"))
    return Replay(
        case=case["id"],
        mode=mode,
        published_kg=published,
        central_kg=float(result.co2e.m_as("kgCO2e")),
        low_kg=low,
        high_kg=high,
        scored=not case.get("skip_in_scoring", False),
    )


def replay_all(cases: list[dict[str, Any]], uncertainty: bool = True) -> list[Replay]:
    """Every case in every mode that applies."""
    out = []
    for mode in MODES:
        for case in cases:
            r = replay(case, mode, uncertainty)
            if r is not None:
                out.append(r)
    return out


def summary(replays: list[Replay]) -> dict[str, dict[str, float | int | None]]:
    """Per mode: cases scored, share within +-25%, median |error|, share covered by the range."""
    out: dict[str, dict[str, float | int | None]] = {}
    for mode in MODES:
        scored = [r for r in replays if r.mode == mode and r.scored]
        if not scored:
            continue
        ranged = [r.covered for r in scored if r.covered is not None]
        out[mode] = {
            "cases": len(scored),
            "within_25pct": sum(r.close for r in scored) / len(scored),
            "median_abs_error": statistics.median(abs(r.ratio - 1) for r in scored),
            "median_ratio": statistics.median(r.ratio for r in scored),
            "range_coverage": (sum(ranged) / len(ranged)) if ranged else None,
        }
    return out


def _pct(x: float | int | None) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


def render(replays: list[Replay]) -> str:
    """A plain-text table of every replay and the per-mode summary."""
    lines = [
        f"{'case':<26} {'mode':<9} {'published t':>12} {'footprint t':>12} {'ratio':>6} "
        f"{'90% range t':>21} {'in':>3}"
    ]
    for r in replays:
        rng = "" if r.low_kg is None else f"{r.low_kg / 1e3:,.0f}-{r.high_kg / 1e3:,.0f}"
        inside = {None: "", True: "yes", False: "no"}[r.covered]
        mark = "" if r.scored else " (not scored)"
        lines.append(
            f"{r.case:<26} {r.mode:<9} {r.published_kg / 1e3:>12,.1f} {r.central_kg / 1e3:>12,.1f} "
            f"{r.ratio:>6.2f} {rng:>21} {inside:>3}{mark}"
        )
    lines.append("")
    lines.append(
        f"{'mode':<9} {'cases':>5} {'within 25%':>10} {'median |err|':>12} "
        f"{'median ratio':>12} {'90% covers':>10}"
    )
    for mode, s in summary(replays).items():
        lines.append(
            f"{mode:<9} {s['cases']:>5} {_pct(s['within_25pct']):>10} "
            f"{_pct(s['median_abs_error']):>12} {s['median_ratio']:>12.2f} "
            f"{_pct(s['range_coverage']):>10}"
        )
    return "\n".join(lines)


def replay_inference(path: Path = INFERENCE_CASES) -> list[dict[str, Any]]:
    """Each disclosed energy per request against footprint's default model and 90% range."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for case in doc["cases"]:
        w = fp.InferenceWorkload(
            case["model"],
            requests="1e9 request/day",
            input_tokens=case["input_tokens"],
            output_tokens=case["output_tokens"],
        )
        r = fp.estimate(w, fp.Site(region="US", year=2024), uncertainty=fp.Uncertainty())
        low, high = (float(q.m_as("Wh/request")) for q in r.ranges["energy_per_request"])
        central = float(r.energy_per_request.m_as("Wh/request"))
        published = float(case["published_wh"])
        out.append(
            {
                "case": case["id"],
                "model": case["model"],
                "published_wh": published,
                "central_wh": central,
                "low_wh": low,
                "high_wh": high,
                "ratio": central / published,
                "covered": low <= published <= high,
            }
        )
    return out


def render_inference(rows: list[dict[str, Any]]) -> str:
    lines = [
        f"{'disclosure':<22} {'model':<17} {'published Wh':>12} {'footprint Wh':>12} "
        f"{'ratio':>6} {'90% range Wh':>14} {'in':>3}"
    ]
    for r in rows:
        rng = f"{r['low_wh']:.3f}-{r['high_wh']:.3f}"
        lines.append(
            f"{r['case']:<22} {r['model']:<17} {r['published_wh']:>12.3f} "
            f"{r['central_wh']:>12.3f} {r['ratio']:>6.2f} {rng:>14} "
            f"{'yes' if r['covered'] else 'no':>3}"
        )
    covered = sum(r["covered"] for r in rows) / len(rows)
    lines.append(f"inference: 90% range holds {100 * covered:.0f}% of {len(rows)} disclosures")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="*", type=Path, help=f"YAML files (default {DEFAULT_CASES})")
    parser.add_argument("--json", action="store_true", help="print the replays and summary as JSON")
    args = parser.parse_args(argv)
    paths = args.cases or [DEFAULT_CASES]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        print(f"validate: no such file: {missing[0]}", file=sys.stderr)
        return 2
    replays = replay_all(load_cases(paths))
    inference = replay_inference()
    if args.json:
        doc = {
            "replays": [{**r.__dict__, "ratio": r.ratio, "covered": r.covered} for r in replays],
            "summary": summary(replays),
            "inference": inference,
        }
        print(json.dumps(doc, indent=2))
    else:
        print(render(replays))
        print()
        print(render_inference(inference))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
