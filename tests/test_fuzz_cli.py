"""Fuzzing the command line: generated invocations of every command.

Contract (README, "Errors"): exit code 0 or 2; on 2 exactly one non-empty line on
stderr; never a traceback; never a hang (per-call timeout, FOOTPRINT_FUZZ_TIMEOUT);
no NaN or infinity in any output (JSON parsed with NaN/Infinity rejected; tables,
CSV and Markdown searched for nan/inf tokens).

Each test runs a few hundred derandomized hypothesis examples of one command
(FOOTPRINT_FUZZ_EXAMPLES scales them), collects every breach, and fails once at the
end with the distinct root causes and a reproducer each. The calls run in a worker
process (see fuzz_support) so that a hang cannot freeze pytest. Special files
(FIFO, /dev/zero, /dev/full) are run through ``python -m footprint`` subprocesses.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import fuzz_support as fz
import pytest
from fuzz_support import FILES, CommandSpec, FailureLog, cli_case, n_examples, run_cli_case
from hypothesis import HealthCheck, Phase, given, settings

ROOT = Path(__file__).resolve().parent.parent
EX = ROOT / "examples"

SITE = {
    "--region": "region",
    "--year": "year",
    "--operator": "operator",
    "--pue": "qty:dimensionless",
    "--wue": "qty:water_intensity",
    "--ewif": "qty:water_intensity",
    "--intensity": "qty:intensity",
    "--cfe": "fraction",
    "--price": "qty:price",
    "--consumer": "choice:non-household|household",
    "--hydro": "choice:include|exclude",
}
POWER = {"--power": "qty:power", "--utilization": "fraction", "--host-power": "qty:power"}
EMBODIED = {
    "--lifetime": "qty:year",
    "--life-utilization": "fraction",
    "--embodied-accelerator": "qty:co2e",
    "--embodied-host": "qty:co2e",
    "--server": "server",
}
UNCERTAINTY = {"--samples": "int", "--seed": "int"}
GPU_JOB = {"-a": "acc", "--gpu-hours": "qty:time", "--count": "int", "--hours": "qty:time"}
SITE_FLAGS = ["--strict-year", "--no-embodied", "--embodied"]
COMPUTE = {
    "--gpu-price": "qty:hourly_price",
    "--gpu-capex": "qty:money",
    "--server-capex": "qty:money",
    "--gpus-per-server": "int",
    "--financing-rate": "rate",
}
SOLAR = {
    "--pv-capacity": "qty:kwp",
    "--pv-tilt": "qty:deg",
    "--pv-azimuth": "qty:deg",
    "--pv-losses": "fraction",
    "--pv-module-type": "choice:standard|premium|thin_film",
    "--pv-mount": "choice:open_rack|roof",
    "--latitude": "lat",
    "--longitude": "lon",
    "--clearness": "clearness",
    "--weather-file": "file:weather",
    "--weather-format": "choice:tmy3|tmy2|epw|pvgis",
}
GRID = {
    "--grid-zone": "zone",
    "--grid-file": "file:grid",
    "--grid-year": "year",
    "--timezone": "tz",
    "--surplus": "choice:ignore|offset",
}
WORKLOAD = {"--power": "qty:kw", "-a": "acc", "--count": "int", "--utilization": "fraction"}
INFER = {
    "-m": "model",
    "--params": "params",
    "--active-params": "params",
    "-n": "qty:request_rate",
    "--users": "number",
    "--requests-per-user": "qty:request_rate",
    "--output-tokens": "tokens",
    "--input-tokens": "tokens",
    "-e": "choice:ecologits|roofline|preset:google-gemini-2025|preset:x",
    "-a": "acc",
    "--gpus": "int",
    "--precision": "choice:fp32|fp16|bf16|fp8|int8|int4",
    "--batch": "int",
    "--fleet-utilization": "fraction",
    "--period": "qty:time",
    "--power": "qty:power",
    "--idle-power": "qty:power",
    "--host-power": "qty:power",
    "--mbu": "fraction",
    "--mfu": "fraction",
    "-s": "text",
}
TRAIN = {
    "-a": "acc",
    "-m": "model",
    "--params": "params",
    "--tokens": "tokens",
    "--flops": "qty:flop",
    "--mfu": "fraction",
    "--gpu-hours": "qty:time",
    "--count": "int",
    "--precision": "choice:bf16|fp16|fp8",
}
COMPARE = {
    "--regions": "regions",
    "--kind": "choice:country|aggregate|us-state|us-ba|egrid-subregion|ca-province|"
    "bidding-zone|cloud",
    "--provider": "choice:aws|gcp|azure",
    "--country": "region",
    "--top": "int",
    "--bottom": "int",
    "--metric": "choice:co2e|co2e_market|water|water_onsite|water_offsite|facility_energy|"
    "cost|intensity|ewif|total_co2e|total_cost",
    "--sort": "choice:co2e|water|cost|region|year|intensity|rank|total_co2e|x",
    "--plot": "out:.png|.svg|.pdf|.jpg",
}
PROJECT = {
    "--from": "year",
    "--to": "year",
    "--growth": "rate",
    "--efficiency": "rate",
    "--grid": "rate",
    "--fit-years": "int",
    "--plot": "out:.png|.svg",
}
INFER_BASE = ["-m", "llama-3.1-8b", "-n", "1e9 request/day", "--output-tokens", "300"]
TRAIN_BASE = ["-a", "H100-SXM", "-m", "llama-3-70b", "--tokens", "15T", "--gpu-hours", "6.4e6"]

SPECS: dict[str, CommandSpec] = {
    "estimate": CommandSpec(
        bases=[
            ["estimate", "-a", "H100-SXM", "--gpu-hours", "39.3e6", "--region", "US"],
            ["estimate", "--gpu", "A100-80GB", "--count", "384", "--hours", "3.5 months"],
            [
                "estimate",
                "-a",
                "V100",
                "--gpu-hours",
                "3.552e6",
                "--power",
                "330 W",
                "--pue",
                "1.1",
            ],
            ["estimate", "-a", "H100-SXM", "--gpu-hours", "1000", "--samples", "200"],
        ],
        options={**GPU_JOB, **POWER, **SITE, **EMBODIED, **UNCERTAINTY, **COMPUTE},
        flags=SITE_FLAGS + ["--uncertainty", "--breakdown", "--ownership"],
        hot=[
            "--gpu-hours",
            "--hours",
            "--count",
            "--power",
            "--seed",
            "--samples",
            "--pue",
            "--lifetime",
        ],
    ),
    "accelerators": CommandSpec(
        bases=[["accelerators"], ["accelerators", "--search", "h100"]],
        options={"--search": "text", "-s": "text"},
    ),
    "regions": CommandSpec(
        bases=[
            ["regions", "--search", "fra"],
            ["regions", "--kind", "cloud", "--provider", "gcp"],
            ["regions", "--country", "US", "--kind", "us-state"],
            ["regions", "--summary"],
        ],
        options={
            "--search": "text",
            "--kind": COMPARE["--kind"],
            "--provider": "choice:aws|gcp|azure",
            "--country": "region",
            "--year": "year",
        },
        flags=["--summary"],
    ),
    "explain": CommandSpec(
        bases=[["explain", "FR"], ["explain", "aws:us-east-1", "--year", "2023"]],
        options={k: v for k, v in SITE.items() if k != "--region"},
        flags=["--strict-year"],
        positional="region",
    ),
    "infer": CommandSpec(
        bases=[
            ["infer", *INFER_BASE, "--input-tokens", "500", "--region", "US"],
            [
                "infer",
                "-m",
                "gpt-4o",
                "--users",
                "1e6",
                "--requests-per-user",
                "20 request/day",
                "--output-tokens",
                "400",
                "--price",
                "0.12 USD/kWh",
            ],
            ["infer", "-e", "preset:google-gemini-2025", "-n", "1e9 request/day", "--pue", "1.09"],
            ["infer", *INFER_BASE, "-e", "roofline", "-m", "llama-3.1-70b"],
            ["infer", "--list-models", "--search", "llama"],
        ],
        options={
            **INFER,
            **SITE,
            **EMBODIED,
            **UNCERTAINTY,
            **COMPUTE,
            "--plan-price": "qty:plan_price",
        },
        flags=SITE_FLAGS + ["--uncertainty", "--list-presets", "--list-models", "--ownership"],
        hot=["-n", "--output-tokens", "--params", "--users", "--samples", "--period", "--batch"],
    ),
    "train": CommandSpec(
        bases=[
            ["train", *TRAIN_BASE],
            [
                "train",
                "-a",
                "V100",
                "--params",
                "175e9",
                "--tokens",
                "300e9",
                "--mfu",
                "0.2",
                "--count",
                "10000",
                "--power",
                "330 W",
                "--pue",
                "1.1",
                "--intensity",
                "429 g/kWh",
            ],
            ["train", "-a", "H100-SXM", "--flops", "3.8e25", "--mfu", "0.4", "--region", "US"],
        ],
        options={**TRAIN, **POWER, **SITE, **EMBODIED, **UNCERTAINTY},
        flags=SITE_FLAGS + ["--uncertainty"],
        hot=["--flops", "--params", "--tokens", "--gpu-hours", "--count", "--mfu"],
    ),
    "compare": CommandSpec(
        bases=[
            ["compare", "-a", "H100-SXM", "--gpu-hours", "1e6", "--regions", "FR,SE,US-CA,TW"],
            [
                "compare",
                "-a",
                "A100-80GB",
                "--count",
                "64",
                "--hours",
                "3 days",
                "--provider",
                "gcp",
                "--metric",
                "co2e_market",
            ],
            ["compare", "infer", *INFER_BASE, "--regions", "FR,US,IN"],
            ["compare", "train", *TRAIN_BASE, "--kind", "us-state", "--sort", "water"],
        ],
        options={
            **COMPARE,
            **{k: v for k, v in SITE.items() if k != "--region"},
            **GPU_JOB,
            **EMBODIED,
            **COMPUTE,
        },
        flags=["--descending", "--equivalences", "--all-countries", "--ownership", *SITE_FLAGS],
        hot=["--regions", "--gpu-hours", "--top", "--hours"],
    ),
    "trend": CommandSpec(
        bases=[["trend", "FR", "--from", "2015", "--to", "2024"], ["trend", "DE", "PL", "US"]],
        options={
            "--from": "year",
            "--to": "year",
            "--hydro": "choice:include|exclude",
            "--plot": "out:.png|.svg",
        },
        positional="region",
    ),
    "project": CommandSpec(
        bases=[
            [
                "project",
                "-a",
                "H100-SXM",
                "--gpu-hours",
                "1e6",
                "--region",
                "US",
                "--from",
                "2023",
                "--to",
                "2030",
                "--growth",
                "30%",
                "--efficiency",
                "15%",
            ],
            [
                "project",
                "infer",
                *INFER_BASE,
                "--region",
                "FR",
                "--from",
                "2024",
                "--to",
                "2030",
                "--growth",
                "50%",
            ],
            [
                "project",
                "train",
                *TRAIN_BASE,
                "--region",
                "DE",
                "--to",
                "2035",
                "--grid",
                "constant",
            ],
        ],
        options={
            **PROJECT,
            **SITE,
            **GPU_JOB,
            **EMBODIED,
            **COMPUTE,
        },
        flags=SITE_FLAGS,
        hot=["--growth", "--efficiency", "--grid", "--gpu-hours", "--from", "--to"],
    ),
    "project total": CommandSpec(
        bases=[
            [
                "project",
                "total",
                "--baseline",
                "2019=9.67 MtCO2e",
                "--current",
                "2023=14.31 MtCO2e",
            ],
            [
                "project",
                "total",
                "--baseline",
                "2023=14.3 MtCO2e",
                "--to",
                "2030",
                "--growth",
                "20%",
                "--efficiency",
                "5%",
                "--grid",
                "-3%",
            ],
        ],
        options={
            "--baseline": "total",
            "--current": "total",
            "--to": "year",
            "--growth": "rate",
            "--efficiency": "rate",
            "--grid": "rate",
        },
        hot=["--baseline", "--current", "--growth", "--grid", "--to"],
    ),
    "report": CommandSpec(
        bases=[
            ["report", str(EX / "llm_project.toml")],
            ["report", str(ROOT / "tests/data/golden_scenario.toml"), "--check"],
        ],
        options={"-o": "out:.md|.html|.txt", "--format": "choice:markdown|html"},
        flags=["--check"],
        positional="file:scenario",
        formats=[],
    ),
    "hourly": CommandSpec(
        bases=[
            [
                "hourly",
                "--region",
                "aws:us-west-1",
                "--start",
                "2022-07-01T09:00",
                "--hours",
                "10",
                "--power",
                "1000",
            ],
            ["hourly", "--region", "gcp:us-east4", "--profile", str(EX / "load.csv")],
            [
                "hourly",
                "--grid-zone",
                "CISO",
                "--start",
                "2022-07-01T09:00Z",
                "--hours",
                "8",
                "-a",
                "H100-SXM",
                "--count",
                "512",
                "--pv-capacity",
                "2 MWp",
                "--latitude",
                "35.4",
                "--longitude",
                "-119.0",
            ],
        ],
        options={
            **SITE,
            **GRID,
            **SOLAR,
            **WORKLOAD,
            **EMBODIED,
            "--start": "time",
            "--hours": "qty:time",
            "--profile": "file:profile",
            "--power-column": "text",
            "--power-unit": "qty:kw",
        },
        flags=["--hourly", "--strict-year", "--no-embodied"],
        hot=[
            "--hours",
            "--start",
            "--power",
            "--profile",
            "--pv-capacity",
            "--pv-tilt",
            "--grid-file",
        ],
    ),
    "schedule": CommandSpec(
        bases=[
            [
                "schedule",
                "--region",
                "aws:us-west-1",
                "--hours",
                "6",
                "--power",
                "500",
                "--window-start",
                "2022-07-01T00:00",
                "--within",
                "3 days",
            ],
            [
                "schedule",
                "--grid-zone",
                "ERCO",
                "--hours",
                "12",
                "-a",
                "H100-SXM",
                "--count",
                "256",
                "--from",
                "2022-03-01T00:00Z",
                "--until",
                "2022-03-08T00:00Z",
            ],
            [
                "schedule",
                "--region",
                "gcp:us-east4",
                "--hours",
                "4",
                "--power",
                "800",
                "--from",
                "2022-06-01T00:00",
                "--within",
                "2 days",
                "--pv-capacity",
                "1 MWp",
                "--clearness",
                "0.75",
            ],
        ],
        options={
            **SITE,
            **GRID,
            **SOLAR,
            **WORKLOAD,
            **EMBODIED,
            "--hours": "qty:time",
            "--window-start": "time",
            "--window-end": "time",
            "--within": "qty:time",
            "--step": "qty:time",
            "--now": "time",
        },
        flags=["--curve", "--strict-year", "--no-embodied"],
        hot=["--hours", "--within", "--step", "--window-start", "--window-end", "--power", "--now"],
    ),
    "solar": CommandSpec(
        bases=[
            ["solar", "--pv-capacity", "1 MWp", "--latitude", "36.1", "--longitude", "-79.95"],
            [
                "solar",
                "--pv-capacity",
                "500",
                "--region",
                "aws:us-west-1",
                "--clearness",
                "0.8",
                "--monthly",
            ],
        ],
        options={**SOLAR, "--region": "region", "--year": "year"},
        flags=["--monthly"],
        hot=["--pv-capacity", "--pv-tilt", "--pv-losses", "--latitude", "--weather-file"],
    ),
    "change": CommandSpec(
        bases=[["change", str(EX / "google_2019_2023.toml")]],
        options={"--format": "choice:table|json|csv|markdown"},
        flags=["--format"],
        positional="file:change",
    ),
    "fleet": CommandSpec(
        bases=[
            ["fleet", "--server", "DGX-H100", "--count", "1.5e6", "--pue", "1"],
            ["fleet", "-a", "H100", "--shipments", "2e6/yr", "--lifetime", "4 years"],
            ["fleet", "--server", "DGX-B200", "--count", "1e5", "--mix", "US:0.5,CN:0.5"],
        ],
        options={
            "--server": "choice:DGX-A100|DGX-H100|DGX-B200|GB200-NVL72|HGX-H100",
            "-a": "acc",
            "--count": "int",
            "--shipments": "text",
            "--lifetime": "qty:year",
            "--utilization": "fraction",
            "--years": "int",
            "--host-power": "qty:power",
            "--mix": "text",
            "--countries": "int",
            **SITE,
        },
        flags=SITE_FLAGS + ["--list"],
        hot=["--count", "--shipments", "--mix", "--utilization", "--lifetime"],
    ),
    "batch": CommandSpec(
        bases=[
            ["batch", str(EX / "jobs.csv")],
            ["batch", str(EX / "sacct.txt"), "--config", str(EX / "cluster.toml")],
            ["batch", str(EX / "aws_cur.csv"), "--region", "aws:us-east-1"],
            [
                "batch",
                str(EX / "jobs.csv"),
                "-o",
                "{tmp}/out.csv",
                "--summary",
                "{tmp}/summary.json",
                "-g",
                "user",
            ],
        ],
        options={
            "-o": "out:.csv|.parquet",
            "--rejects": "out:.csv|.parquet",
            "--summary": "out:.json|.csv|.md",
            "-g": "group",
            "--input-format": "choice:csv|parquet|sacct",
            "--delimiter": "delimiter",
            "--billing": "choice:aws|gcp|azure",
            "--config": "file:config",
            "--column": "column",
            "-a": "acc",
            "--chunk-size": "int",
            "--engine": "choice:pandas|duckdb",
            "--emit-sql": "out:",
            **POWER,
            **SITE,
            **EMBODIED,
        },
        flags=["--hourly", "--strict-year", "--no-embodied"],
        positional="file:jobs",
        hot=["--column", "--delimiter", "--config", "--chunk-size", "-g"],
    ),
}

#: Examples per command (x FOOTPRINT_FUZZ_EXAMPLES); slower commands get fewer.
EXAMPLES = {
    "estimate": 300,
    "accelerators": 80,
    "regions": 100,
    "explain": 150,
    "infer": 300,
    "train": 250,
    "compare": 150,
    "trend": 150,
    "project": 250,
    "project total": 250,
    "report": 250,
    "hourly": 300,
    "schedule": 300,
    "solar": 150,
    "batch": 250,
    "fleet": 200,
    "change": 200,
}


def fuzz_command(name: str) -> None:
    spec = SPECS[name]
    log = FailureLog(f"footprint {name}")
    strategy = cli_case(spec, FILES)
    if spec.positional and spec.positional.startswith("file:"):
        strategy = _with_positional_file(spec)

    @settings(
        max_examples=n_examples(EXAMPLES[name]),
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # failures are collected, not raised
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def one(case: fz.Case) -> None:
        run_cli_case(case, log)

    one()
    log.assert_clean()


def _with_positional_file(spec: CommandSpec):
    """Cases whose positional argument (scenario, job log) is sometimes a generated file."""
    from hypothesis import strategies as st

    kind = spec.positional[5:]  # type: ignore[index]
    plain = CommandSpec(
        spec.bases, spec.options, spec.flags, None, spec.pos_index, spec.formats, spec.hot
    )

    def replace(pair):
        case, (path, files), swap = pair
        if swap:
            case.argv[spec.pos_index] = path
            case.files.update(files)
        return case

    return st.tuples(cli_case(plain, FILES), FILES[kind], st.booleans()).map(replace)


@pytest.mark.parametrize("name", list(SPECS))
def test_fuzz_command(name: str) -> None:
    fuzz_command(name)


# ----------------------------------------------------------------- special files
# A FIFO blocks open() forever and /dev/zero never ends: only a subprocess with a
# timeout can test them without risking the test run itself.

SUBPROCESS_TIMEOUT = 15


def _run(args: list[str], **kw) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, MPLBACKEND="Agg")
    try:
        return subprocess.run(
            [sys.executable, "-m", "footprint", *args],
            capture_output=True,
            timeout=SUBPROCESS_TIMEOUT,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            **kw,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"footprint {args!r}: no answer within {SUBPROCESS_TIMEOUT} s (hang)")


def _assert_one_line_exit_2(args: list[str], r: subprocess.CompletedProcess[bytes]) -> None:
    err = r.stderr.decode(errors="replace")
    lines = err.rstrip("\n").split("\n")
    assert r.returncode == 2 and err.strip() and len(lines) == 1 and "Traceback" not in err, (
        f"footprint {args!r}: exit {r.returncode}, stderr ({len(lines)} lines):\n{err[-2500:]}"
    )


def _file_uses(path: str) -> list[list[str]]:
    """Every file input of the CLI given ``path``."""
    return [
        ["batch", path],
        ["batch", str(EX / "sacct.txt"), "--config", path],
        ["report", path],
        ["report", path, "--check"],
        ["hourly", "--region", "gcp:us-east4", "--profile", path],
        [
            "hourly",
            "--grid-file",
            path,
            "--start",
            "2022-07-01T09:00Z",
            "--hours",
            "8",
            "--power",
            "100",
        ],
        ["solar", "--pv-capacity", "100", "--weather-file", path],
        ["solar", "--pv-capacity", "100", "--weather-file", path, "--weather-format", "epw"],
        [
            "schedule",
            "--hours",
            "6",
            "--power",
            "500",
            "--window-start",
            "2022-07-01T00:00",
            "--within",
            "3 days",
            "--grid-file",
            path,
        ],
    ]


@pytest.fixture(scope="module")
def special_files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("special")
    fifo = tmp / "fifo.csv"
    os.mkfifo(fifo)
    (tmp / "empty.csv").write_bytes(b"")
    (tmp / "latin1.csv").write_bytes("job_id,région\n1,é\n".encode("latin-1"))
    (tmp / "binary.csv").write_bytes(bytes(range(256)) * 4)
    (tmp / "nested.toml").write_bytes(b"a = " + b"[" * 100000 + b"]" * 100000 + b"\n")
    (tmp / "nested_tables.toml").write_bytes(b"a = " + b"{b = " * 5000 + b"1" + b"}" * 5000)
    (tmp / "adir").mkdir()
    big_cell = "job_id,accelerator,count,duration\n1,H100-SXM,1," + "9" * 5_000_000 + "\n"
    (tmp / "huge_cell.csv").write_text(big_cell)
    return tmp


SPECIAL = [
    "fifo.csv",
    "/dev/zero",
    "adir",
    "empty.csv",
    "latin1.csv",
    "binary.csv",
    "nested.toml",
    "nested_tables.toml",
    "huge_cell.csv",
    "/dev/null",
]


#: Special files that can block or never end: run in a subprocess with a timeout.
BLOCKING = {"fifo.csv", "/dev/zero"}


@pytest.mark.parametrize("which", SPECIAL)
def test_special_file_inputs(special_files, which: str) -> None:
    """Every file input given a FIFO, /dev/zero, a directory, an empty, binary, non-UTF-8,
    deeply nested or huge-celled file: exit 2 with one line, within the timeout."""
    path = which if which.startswith("/") else str(special_files / which)
    failures = []
    for args in _file_uses(path):
        if which in BLOCKING:
            try:
                _assert_one_line_exit_2(args, _run(args))
            except (AssertionError, pytest.fail.Exception) as exc:
                lines = str(exc).splitlines()
                failures.append("\n".join(lines[:1] + lines[1:][-4:]))
        else:  # in the fuzz worker: in-process CliRunner, cheaper than a new interpreter
            res = fz.worker().call("cli", (args, None))
            err = res.get("stderr", "")
            one_line = err.strip() and len(err.rstrip("\n").split("\n")) == 1
            if res.get("timeout") or res.get("exit_code") != 2 or not one_line:
                what = (
                    f"hang at {res.get('site')}"
                    if res.get("timeout")
                    else f"exit {res.get('exit_code')}, {res.get('exc_type') or 'stderr'} "
                    f"at {res.get('site', '-')}: {fz._short(res.get('exc_message') or err, 300)}"
                )
                failures.append(f"footprint {args!r}: {what}")
    assert not failures, "\n\n".join(failures)


OUTPUT_CASES = [
    ["estimate", "-a", "H100-SXM", "--gpu-hours", "1000"],
    ["estimate", "-a", "H100-SXM", "--gpu-hours", "1000", "--format", "json"],
    ["regions"],
    ["accelerators", "--format", "csv"],
    ["report", str(EX / "llm_project.toml")],
    ["batch", str(EX / "jobs.csv")],
]
#: Outputs written to /dev/full through a symbolic link in a temporary directory: an
#: implementation that renames a temporary file over its target replaces the link, not
#: the device (as root, renaming over /dev/full itself would destroy the device node).
OUTPUT_FILE_CASES = [
    ["report", str(EX / "llm_project.toml"), "-o", "{full}"],
    ["report", str(EX / "llm_project.toml"), "-o", "{full}.md"],
    ["batch", str(EX / "jobs.csv"), "-o", "{full}.csv"],
    ["batch", str(EX / "jobs.csv"), "--summary", "{full}.json"],
    [
        "compare",
        "-a",
        "H100-SXM",
        "--gpu-hours",
        "1e6",
        "--regions",
        "FR,SE",
        "--plot",
        "{full}.png",
    ],
    ["trend", "FR", "--plot", "{full}.svg"],
]


@pytest.mark.parametrize("args", OUTPUT_CASES, ids=lambda a: " ".join(a[:3]))
def test_stdout_to_dev_full(args: list[str]) -> None:
    with open("/dev/full", "wb") as full:
        r = _run_to(args, full)
    _assert_one_line_exit_2(args + [">/dev/full"], r)


def _run_to(args: list[str], stdout) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, MPLBACKEND="Agg")
    try:
        return subprocess.run(
            [sys.executable, "-m", "footprint", *args],
            stdout=stdout,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            timeout=SUBPROCESS_TIMEOUT,
            cwd=ROOT,
            env=env,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"footprint {args!r} >/dev/full: no answer within {SUBPROCESS_TIMEOUT} s")


@pytest.mark.parametrize("args", OUTPUT_FILE_CASES, ids=lambda a: " ".join(a[:1] + a[-2:]))
def test_output_file_dev_full(args: list[str], tmp_path: Path) -> None:
    """Writing to a full device: exit 2 and one line (exit 0 only if the link was replaced)."""
    link = tmp_path / "full"
    suffix = next(a for a in args if "{full}" in a).replace("{full}", "")
    (tmp_path / ("full" + suffix)).symlink_to("/dev/full")
    argv = [a.replace("{full}", str(link)) for a in args]
    r = _run(argv)
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode), f"footprint {argv!r} replaced /dev/full"
    if r.returncode == 0:
        replaced = not (tmp_path / ("full" + suffix)).is_symlink()
        pytest.fail(
            f"footprint {argv!r}: exit 0 writing to /dev/full through a link"
            + (" (the link was replaced by a regular file)" if replaced else "")
        )
    _assert_one_line_exit_2(argv, r)
