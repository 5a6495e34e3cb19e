"""The fixed inputs of the golden tests (tests/test_golden.py) and their canonical form.

A case is a CLI invocation (``CLI_CASES``) or a library call (``LIBRARY_CASES``) whose output
is parsed, canonicalised (sorted keys, floats to 12 significant digits, paths and the
footprint version replaced by placeholders) and compared with ``tests/golden/<name>.json``.
Arguments may hold ``{repo}`` (the checkout) and ``{tmp}`` (the test's temporary folder).
"""

from __future__ import annotations

import csv
import io
import json
import math
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
SIGNIFICANT = 12


@dataclass(frozen=True)
class Case:
    """One CLI invocation.

    ``output`` says how stdout is read: ``json`` (parsed), ``markdown`` (kept as a list of
    lines: the command has no JSON) or ``none`` (stdout ignored; only ``files`` are kept).
    ``files`` are paths (with ``{tmp}``) the command writes, read back: ``.csv`` as columns and
    rows (numbers parsed), ``.json`` parsed, anything else as lines.
    """

    name: str
    args: tuple[str, ...]
    output: str = "json"
    files: tuple[str, ...] = ()


def _c(name: str, command: str, output: str = "json", files: tuple[str, ...] = ()) -> Case:
    """A case from a command line as in README.md (shell quoting; ``--format json`` added
    when the output is JSON)."""
    args = tuple(shlex.split(command))
    if output == "json":
        args = (*args, "--format", "json")
    return Case(name, args, output, files)


H100_1K = "-a H100-SXM --gpu-hours 1000"
LLAMA_8B = '-m llama-3.1-8b -n "1e9 request/day" --output-tokens 300'
CISO_JOB = "--start 2022-07-01T09:00 --hours 10 --power 1000"

# fmt: off
CLI_CASES: list[Case] = [
    # estimate: a job on accelerators
    _c("estimate-gpu-hours-us-2023",
       "estimate -a H100-SXM --gpu-hours 39.3e6 --region US --year 2023"),
    _c("estimate-count-hours-fr",
       'estimate --gpu A100-80GB --count 384 --hours "3.5 months" --region FR'),
    _c("estimate-world-default", f"estimate {H100_1K}"),
    _c("estimate-overrides-gpt3-patterson",
       'estimate -a V100-SXM2-32GB --count 10000 --hours "14.8 days" --power "330 W" '
       '--host-power "0 W" --pue 1.1 --intensity "429 g/kWh"'),
    _c("estimate-overrides-water-cfe-se-2022",
       'estimate -a A100-80GB --count 64 --hours "3 days" --utilization 0.8 --region SE '
       '--year 2022 --operator google --wue "0.2 L/kWh" --ewif "3.1 L/kWh" --cfe 0.9'),
    _c("estimate-aws-us-east-1-2023", f"estimate {H100_1K} -r aws:us-east-1 --year 2023"),
    _c("estimate-gcp-europe-west1-price-eur",
       f'estimate {H100_1K} -r gcp:europe-west1 --price "0.10 EUR/kWh"'),
    _c("estimate-us-state-va-2023", f"estimate {H100_1K} -r US-VA --year 2023"),
    _c("estimate-us-state-virginia-newest", f"estimate {H100_1K} -r Virginia"),
    _c("estimate-de-2022-household-price-no-hydro",
       f"estimate {H100_1K} -r DE --year 2022 --consumer household --hydro exclude"),
    _c("estimate-uncertainty-us-2023-seed7",
       f"estimate {H100_1K} --region US --year 2023 --uncertainty --seed 7 --samples 400"),
    _c("estimate-no-embodied-us-2023",
       f"estimate {H100_1K} --region US --year 2023 --no-embodied"),
    _c("estimate-price-usd-us-2023",
       f'estimate {H100_1K} --region US --year 2023 --price "0.12 USD/kWh"'),
    _c("estimate-bloom-embodied-breakdown",
       'estimate -a A100-80GB --gpu-hours 1082990 --power "400 W" --host-power "236.98 W" '
       '--pue 1 --intensity 57 --lifetime "6 years" --life-utilization 0.85 '
       "--embodied-accelerator 150 --server hpe-proliant-dl345-gen10plus --breakdown"),
    # infer: serving a language model
    _c("infer-llama-3.1-8b-us-2023",
       f"infer {LLAMA_8B} --input-tokens 500 --region US --year 2023"),
    _c("infer-models-x-energy-models-us-2023",
       'infer -m llama-3.2-1b -m llama-3.1-8b -m llama-3.1-70b -n "1e9 request/day" '
       "--output-tokens 300 -e ecologits -e roofline --region US --year 2023"),
    _c("infer-preset-google-gemini-2025",
       'infer -e preset:google-gemini-2025 -n "1e9 request/day" --pue 1.09 --region US '
       "--year 2023"),
    _c("infer-users-price-gpt-4o",
       'infer -m gpt-4o --users 1e6 --requests-per-user "20 request/day" '
       '--output-tokens 400 --price "0.12 USD/kWh"'),
    _c("infer-roofline-70b-fr-2022-total-requests",
       'infer -m llama-3.1-70b -e roofline -n "2e6 request" --input-tokens 500 '
       "--output-tokens 300 --fleet-utilization 0.6 --region FR --year 2022"),
    # train: a training run from its compute
    _c("train-llama-3-70b-published-hours-us-2023",
       "train -a H100-SXM -m llama-3-70b --tokens 15T --gpu-hours 6.4e6 --region US "
       "--year 2023"),
    _c("train-gpt3-params-tokens-mfu",
       'train -a V100 --params 175e9 --tokens 300e9 --mfu 0.2 --count 10000 --power "330 W" '
       '--host-power "0 W" --pue 1.1 --intensity "429 g/kWh"'),
    _c("train-flops-mfu-us-2023",
       "train -a H100-SXM --flops 3.8e25 --mfu 0.4 --region US --year 2023"),
    # compare: one workload, many regions
    _c("compare-regions-2023",
       "compare -a H100-SXM --gpu-hours 1e6 --regions FR,SE,US-CA,aws:us-east-1,TW "
       "--year 2023"),
    _c("compare-all-countries-top10-2023",
       "compare -a H100-SXM --gpu-hours 1e6 --all-countries --top 10 --year 2023"),
    _c("compare-gcp-co2e-market",
       'compare -a A100-80GB --count 64 --hours "3 days" --provider gcp --metric co2e_market'),
    _c("compare-infer-regions", f"compare infer {LLAMA_8B} --regions FR,US,IN"),
    _c("compare-train-us-states-sort-water",
       "compare train -a H100-SXM -m llama-3-70b --tokens 15T --gpu-hours 6.4e6 "
       "--kind us-state --sort water"),
    # trend: a grid over the years
    _c("trend-fr-2015-2024", "trend FR --from 2015 --to 2024"),
    _c("trend-de-pl-us-from-2010", "trend DE PL US --from 2010"),
    _c("trend-gcp-europe-west1-hydro-exclude", "trend gcp:europe-west1 --hydro exclude"),
    # project: a workload over the years, and totals
    _c("project-gpu-us-2023-2030",
       "project -a H100-SXM --gpu-hours 1e6 --region US --from 2023 --to 2030 --growth 30% "
       "--efficiency 15%"),
    _c("project-infer-fr-2024-2030",
       f"project infer {LLAMA_8B} --region FR --from 2024 --to 2030 --growth 50%"),
    _c("project-train-de-grid-constant",
       "project train -a H100-SXM --flops 1e24 --mfu 0.4 --region DE --from 2022 --to 2027 "
       "--grid constant"),
    _c("project-total-change",
       'project total --baseline "2019=9.67 MtCO2e" --current "2023=14.31 MtCO2e"'),
    _c("project-total-projection",
       'project total --baseline "2023=14.3 MtCO2e" --to 2030 --growth 20% --efficiency 5% '
       "--grid -3%"),
    # report: a TOML scenario (Markdown or HTML only: the Markdown, line by line)
    _c("report-llm-project-markdown", "report {repo}/examples/llm_project.toml",
       output="markdown"),
    # hourly: hour-by-hour accounting
    _c("hourly-ciso-2022-job", f"hourly --region US-CAL-CISO {CISO_JOB}"),
    _c("hourly-aws-us-west-1-pv-hourly",
       f'hourly --region aws:us-west-1 {CISO_JOB} --pv-capacity "2 MWp" --hourly'),
    _c("hourly-ciso-accelerators-pv-offset-price",
       'hourly --grid-zone CISO --start 2022-07-01T09:00Z --hours 8 -a H100-SXM --count 512 '
       '--pv-capacity "2 MWp" --latitude 35.4 --longitude -119.0 --clearness 0.8 '
       '--surplus offset '
       '--price "0.12 USD/kWh"'),
    _c("hourly-profile-gcp-us-east4",
       "hourly --region gcp:us-east4 --profile {repo}/examples/load.csv --hourly"),
    # schedule: the best start in a window (fixed --from/--until: nothing reads the clock)
    _c("schedule-ciso-2022-window-curve",
       "schedule --region US-CAL-CISO --hours 6 --power 500 --from 2022-07-01T00:00 "
       "--until 2022-07-04T00:00 --curve"),
    _c("schedule-aws-us-west-1-pv-15min-now",
       'schedule --region aws:us-west-1 --hours 4 --power 800 --from 2022-06-01T00:00 '
       '--within "2 days" --step "15 min" --now 2022-06-01T12:00 --pv-capacity "1 MWp" '
       "--clearness 0.75"),
    _c("schedule-erco-accelerators",
       "schedule --grid-zone ERCO --hours 12 -a H100-SXM --count 256 "
       "--from 2022-03-01T00:00Z --until 2022-03-08T00:00Z"),
    # solar: PV yield
    _c("solar-latlon-monthly",
       'solar --pv-capacity "1 MWp" --latitude 36.1 --longitude -79.95 --monthly'),
    _c("solar-aws-us-west-1-clearness-roof",
       "solar --pv-capacity 500 --region aws:us-west-1 --clearness 0.8 --pv-tilt 30 "
       "--pv-mount roof"),
    # batch: a job log (summary on stdout; per-job results and rejects read back)
    _c("batch-jobs-summary-by-user",
       "batch {repo}/examples/jobs.csv -o {tmp}/results.csv --group-by user"),
    _c("batch-jobs-results-rejects-summary-files",
       "batch {repo}/examples/jobs.csv -o {tmp}/results.csv --summary {tmp}/summary.json",
       output="none",
       files=("{tmp}/results.csv", "{tmp}/results.rejects.csv", "{tmp}/summary.json")),
    _c("batch-sacct-config-project-month",
       "batch {repo}/examples/sacct.txt --config {repo}/examples/cluster.toml "
       "-o {tmp}/results.csv -g project,month"),
    _c("batch-jobs-hourly-price-no-embodied-results",
       'batch {repo}/examples/jobs.csv -o {tmp}/hourly.csv --hourly --price "0.12 USD/kWh" '
       "--no-embodied",
       output="none", files=("{tmp}/hourly.csv",)),
    # catalogues
    _c("explain-aws-us-east-1-2023", "explain aws:us-east-1 --year 2023"),
    _c("explain-fr", "explain FR"),
    _c("regions-search-fra", "regions --search fra"),
    _c("regions-summary", "regions --summary"),
    _c("regions-gcp-cloud-2023", "regions --kind cloud --provider gcp --year 2023"),
    _c("accelerators-search-h100", "accelerators --search h100"),
    # economics: compute cost, fleets (issue 15)
    _c("estimate-gpu-price-chatgpt",
       'estimate -a A100-80GB --count 28936 --hours 24 --gpu-price "1 USD/h" -r US '
       '--year 2023 --price "0.08 USD/kWh"'),
    _c("estimate-ownership-h100",
       "estimate -a H100 --gpu-hours 1e6 --ownership --financing-rate 8% -r FR --year 2023"),
    _c("infer-plan-price",
       'infer -m llama-3.1-70b --users 1e6 --requests-per-user "300 request/month" '
       '--output-tokens 400 --gpu-price "2.50 USD/h" --plan-price "10 USD/user/month" '
       "-r US --year 2023"),
    _c("fleet-dgx-h100-de-vries",
       "fleet --server DGX-H100 --count 1.5e6 --utilization 100% --pue 1"),
    _c("change-google-2019-2023", "change examples/google_2019_2023.toml"),
    _c("compare-total-cost", 'compare -a H100 --gpu-hours 1e5 --regions FR,DE,US '
       '--gpu-price "2 USD/h" --price "0.1 USD/kWh" --metric total_cost --year 2023'),
    _c("fleet-mix-a100", 'fleet -a A100-80GB --count 1e5 --utilization 60% '
       '--mix "US:0.5,CN:0.3,DE:0.2"'),
]
# fmt: on


# -- library entry points ------------------------------------------------------------------


def _lib_estimate_gpujob(tmp: Path) -> Any:
    import footprint as fp

    job = fp.GpuJob(accelerator="H100-SXM", gpu_hours="39.3e6 h")
    return fp.estimate(job, region="US", year=2023).to_dict()


def _lib_estimate_site_overrides(tmp: Path) -> Any:
    import footprint as fp

    site = fp.Site(region="FR", year=2022, pue=1.1, wue="0.2 L/kWh", operator="google")
    job = fp.GpuJob("A100-80GB", count=384, duration="3 days", utilization=0.8)
    return fp.estimate(job, site).to_dict()


def _lib_estimate_embodied_uncertainty(tmp: Path) -> Any:
    import footprint as fp

    r = fp.estimate(
        fp.GpuJob("H100-SXM", gpu_hours="1000 h"),
        fp.Site(region="aws:us-east-1", year=2023),
        embodied=fp.Embodied(lifetime="6 years"),
        uncertainty=fp.Uncertainty(samples=300, seed=3),
    )
    return {"result": r.to_dict(), "breakdown": _plain(r.breakdown())}


def _lib_estimate_inference(tmp: Path) -> Any:
    import footprint as fp

    w = fp.InferenceWorkload(
        "llama-3.1-70b",
        "1e9 request/day",
        output_tokens=300,
        input_tokens=500,
        energy_model="roofline",
        fleet_utilization=0.6,
    )
    return fp.estimate(w, region="US", year=2023).to_dict()


def _lib_compare_inference(tmp: Path) -> Any:
    import footprint as fp

    out = fp.compare_inference(
        ["llama-3.1-8b", "llama-3.1-70b"],
        ["ecologits", "roofline"],
        requests="1e9 request/day",
        output_tokens=300,
    )
    return _plain(out)


def _lib_training_run(tmp: Path) -> Any:
    import footprint as fp

    run = fp.TrainingRun("H100-SXM", model="llama-3-70b", tokens="15e12", gpu_hours="6.4e6 h")
    return fp.estimate(run, region="US", year=2023).to_dict()


def _lib_compare_records(tmp: Path) -> Any:
    import footprint as fp
    from footprint.analyses.compare import compare, to_records

    df = compare(fp.GpuJob("H100-SXM", gpu_hours="1e6 h"), regions="FR,SE,TW", year=2023)
    return to_records(df)


def _lib_account_hourly(tmp: Path) -> Any:
    import footprint as fp
    from footprint.analyses.hourly import LoadProfile, account_hourly
    from footprint.places.solar import on_site_solar

    site = fp.Site(region="aws:us-west-1")
    job = LoadProfile.from_job("2022-07-01T09:00-07:00", "10 h", "1000 kW")
    pv = on_site_solar("2 MWp", region="aws:us-west-1")
    return _plain(account_hourly(job, site, solar=pv).to_dict(hourly=True))


def _lib_scenario(tmp: Path) -> Any:
    from footprint.analyses.compare import to_records
    from footprint.analyses.scenario import load_scenario, run_scenario

    result = run_scenario(load_scenario(ROOT / "examples" / "llm_project.toml"))
    return {
        "totals": _plain(result.totals),
        "footprints": {k: f.to_dict() for k, f in result.footprints.items()},
        "comparison": to_records(result.comparison),
        "notes": list(result.notes),
    }


LIBRARY_CASES: dict[str, Callable[[Path], Any]] = {
    "lib-estimate-gpujob-us-2023": _lib_estimate_gpujob,
    "lib-estimate-site-overrides-fr-2022": _lib_estimate_site_overrides,
    "lib-estimate-embodied-uncertainty-breakdown": _lib_estimate_embodied_uncertainty,
    "lib-estimate-inference-roofline-us-2023": _lib_estimate_inference,
    "lib-compare-inference": _lib_compare_inference,
    "lib-estimate-training-run-us-2023": _lib_training_run,
    "lib-compare-records-2023": _lib_compare_records,
    "lib-account-hourly-pv": _lib_account_hourly,
    "lib-scenario-llm-project": _lib_scenario,
}


# -- canonical form ------------------------------------------------------------------------


def _plain(obj: Any) -> Any:
    """JSON-able form of library objects: Quantities as {value, unit}, frames as records."""
    import pandas as pd
    import pint

    if isinstance(obj, pd.DataFrame):
        return _plain(obj.to_dict(orient="split"))
    if isinstance(obj, pd.Timestamp):
        return obj.isoformat()
    if hasattr(obj, "to_dict") and not isinstance(obj, dict) and callable(obj.to_dict):
        try:
            return _plain(obj.to_dict())
        except TypeError:
            pass
    if isinstance(obj, pint.Quantity):
        return {"value": _plain(obj.magnitude), "unit": f"{obj.units:~P}" or ""}
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if hasattr(obj, "item") and callable(obj.item):  # NumPy scalars
        return obj.item()
    return obj


def round_float(x: float) -> float | int:
    if not math.isfinite(x):
        raise ValueError(f"non-finite number in an output: {x!r}")
    if x == 0:
        return 0.0  # also -0.0
    return float(f"{x:.{SIGNIFICANT}g}")


def canonical(obj: Any, replace: dict[str, str]) -> Any:
    """Floats to 12 significant digits, environment-dependent strings replaced."""
    if isinstance(obj, bool) or obj is None or isinstance(obj, int):
        return obj
    if isinstance(obj, float):
        return round_float(obj)
    if isinstance(obj, str):
        for old, new in replace.items():
            obj = obj.replace(old, new)
        return obj
    if isinstance(obj, dict):
        return {canonical(k, replace): canonical(v, replace) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [canonical(v, replace) for v in obj]
    raise TypeError(f"cannot canonicalise {type(obj).__name__}: {obj!r}")


def _cell(text: str) -> Any:
    """A CSV cell as a number when it reads as one (so it is rounded like JSON numbers)."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return text
    return value if math.isfinite(value) else text


def read_output_file(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return json.loads(text)
    if path.suffix == ".csv":
        rows = list(csv.reader(io.StringIO(text)))
        if not rows:
            return []
        header, *body = rows
        return {"columns": header, "rows": [[_cell(c) for c in row] for row in body]}
    return text.splitlines()


def dumps(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
