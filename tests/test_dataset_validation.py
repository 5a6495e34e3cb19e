"""The curated datasets are checked on load: schema (columns, types, ranges) and checksum.

Each hostile case copies the datasets directory to ``tmp_path``, corrupts one file, points
footprint at the copy with ``FOOTPRINT_DATASETS_DIR`` and expects a one-line
:class:`~footprint.core.errors.DataError` naming the file, line, column, value and range. CLI
cases run ``python -m footprint`` in a subprocess, where no table is cached yet.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from footprint.core.errors import DataError
from footprint.data import loader as data
from footprint.data import schemas

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT / "datasets"
SCRIPTS = ROOT / "scripts"


def clear_footprint_caches() -> None:
    """Clear data.py's caches and every functools cache of a loaded footprint module."""
    data.clear_caches()
    for name, module in list(sys.modules.items()):
        if not name.startswith("footprint") or module is None:
            continue
        for value in list(vars(module).values()):
            if getattr(value, "__module__", None) == name and callable(
                getattr(value, "cache_clear", None)
            ):
                value.cache_clear()


@pytest.fixture
def copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private copy of the datasets that footprint reads instead of the shipped ones."""
    root = tmp_path / "datasets"
    shutil.copytree(DATASETS, root)
    monkeypatch.setenv(data.DATASETS_ENV, str(root))
    clear_footprint_caches()
    yield root
    monkeypatch.delenv(data.DATASETS_ENV)
    clear_footprint_caches()


def set_cell(root: Path, file: str, column: str, value: str, where: dict[str, str]) -> int:
    """Replace one cell of ``root/file`` in place; return its line number (1-based)."""
    path = root / file
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = next(csv.reader([lines[0]]))
    index = header.index(column)
    for number, line in enumerate(lines[1:], start=2):
        cells = next(csv.reader([line]))
        if all(cells[header.index(k)] == v for k, v in where.items()):
            cells[index] = value
            out = io.StringIO()
            csv.writer(out, lineterminator="\n").writerow(cells)
            lines[number - 1] = out.getvalue()
            path.write_text("".join(lines), encoding="utf-8")
            return number
    raise AssertionError(f"no row {where} in {file}")


def load_both(name: str) -> list[Callable[[], object]]:
    return [lambda: data.read_records(name), lambda: data.load_table(name)]


def expect_error(name: str, *fragments: str) -> str:
    """Load table ``name`` both ways (stdlib and pandas); each must raise with ``fragments``."""
    messages = []
    for load in load_both(name):
        data.clear_caches()
        with pytest.raises(DataError) as info:
            load()
        message = str(info.value)
        assert "\n" not in message
        for fragment in fragments:
            assert fragment in message, message
        messages.append(message)
    assert messages[0] == messages[1]
    return messages[0]


# --- the shipped data ----------------------------------------------------------------------


def test_every_shipped_file_has_a_schema_with_its_exact_columns() -> None:
    files = data.data_files(DATASETS)
    assert "grid_intensity.csv" in files and "hourly/US-CAL-CISO_2022.csv.gz" in files
    for file in files:
        schema = schemas.schema_for(file)
        assert schema is not None, f"{file} has no schema in footprint/data/schemas.py"
        content = data.data_text(file, (DATASETS / file).read_bytes())
        header, _ = schemas.parse_csv(file, content)
        assert list(schema.names) == header, file
    for table in data.available_tables():
        assert schemas.schema_for(f"{table}.csv") is not None, table


def test_every_schema_matches_a_shipped_file() -> None:
    files = data.data_files(DATASETS)
    for pattern in schemas.SCHEMAS:
        assert any(schemas.schema_for(f) is schemas.SCHEMAS[pattern] for f in files), pattern


def test_schemas_are_consistent() -> None:
    for schema in schemas.SCHEMAS.values():
        by_name = {c.name: c for c in schema.columns}
        assert len(by_name) == len(schema.columns), schema.file
        for column in schema.columns:
            if column.low is not None and column.high is not None:
                assert column.low < column.high, (schema.file, column.name)
            if column.kind == "bool":
                assert len(column.choices) == 2, (schema.file, column.name)
            if column.numeric:
                assert not column.choices and not column.pattern, (schema.file, column.name)
                assert column.low is not None and column.high is not None, column.name
        for name in schema.key:
            assert not by_name[name].empty, (schema.file, name)
        for group in schema.ordered:
            assert all(by_name[n].numeric for n in group), (schema.file, group)
        for name in schema.shares:
            assert by_name[name].numeric and not by_name[name].empty, (schema.file, name)


def test_units_in_column_names_match_the_schema() -> None:
    # most specific suffix first: the first match decides
    suffixes = {
        "_kgco2e_per_cm2": "kgCO2e/cm2",
        "_kgco2e_per_gb": "kgCO2e/GB",
        "_gb_per_s": "GB/s",
        "_tflop_per_s": "TFLOP/s",
        "_wh_per_request": "Wh",
        "_g_per_kwh": "gCO2e/kWh",
        "_l_per_kwh": "L/kWh",
        "_kgco2e": "kgCO2e",
        "_per_kwh": "currency/kWh",
        "_tdp_w": "W",
        "_twh": "TWh",
        "_mwh": "MWh",
        "_gb": "GB",
        "_mm2": "mm2",
        "_nm": "nm",
    }
    for schema in schemas.SCHEMAS.values():
        for column in schema.columns:
            for suffix, unit in suffixes.items():
                if f"_{column.name}".endswith(suffix):
                    assert column.unit == unit, (schema.file, column.name, column.unit)
                    break


def test_every_shipped_file_passes_its_schema_and_the_manifest() -> None:
    data.clear_caches()
    for file in data.data_files(DATASETS):
        data.verify_file(DATASETS / file)
    assert data.datasets_dir() == DATASETS.resolve()


def test_manifest_is_up_to_date_and_lists_every_data_file() -> None:
    """Fails after a data file is edited without ``python scripts/update_manifest.py``."""
    manifest = (DATASETS / data.MANIFEST).read_text(encoding="utf-8")
    assert manifest == data.manifest_text(DATASETS)
    listed = [line.split("  ", 1)[1] for line in manifest.splitlines() if line[:1] != "#"]
    assert listed == data.data_files(DATASETS)
    rows = len(data.read_records("grid_intensity"))
    assert f"# rows {rows} grid_intensity.csv" in manifest


def test_manifest_ships_in_the_wheel_layout() -> None:
    """pyproject force-includes datasets/ as footprint/_datasets: the manifest goes along."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"datasets" = "footprint/_datasets"' in pyproject
    assert (DATASETS / data.MANIFEST).is_file()


def test_the_estimate_path_still_does_not_import_pandas(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from footprint.data.loader import read_records, verify_file\n"
        "read_records('grid_intensity'); read_records('generation_mix')\n"
        "print('pandas' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != data.DATASETS_ENV}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == "False"


# --- hostile cases ---------------------------------------------------------------------------


def test_negative_intensity(copy: Path) -> None:
    line = set_cell(copy, "grid_intensity.csv", "intensity_g_per_kwh", "-5", {"zone": "FR"})
    message = expect_error("grid_intensity")
    assert message == (
        f"grid_intensity.csv line {line}: intensity_g_per_kwh = -5 is outside [0, 1700] gCO2e/kWh"
    )


def test_negative_water_factor(copy: Path) -> None:
    line = set_cell(
        copy, "water_factors.csv", "consumption_l_per_kwh", "-1.87", {"technology": "coal"}
    )
    expect_error(
        "water_factors",
        f"water_factors.csv line {line}: consumption_l_per_kwh = -1.87 is outside [0, 100]",
    )


def test_negative_price(copy: Path) -> None:
    line = set_cell(copy, "electricity_prices.csv", "price_per_kwh", "-0.2", {"zone": "DE"})
    expect_error(
        "electricity_prices",
        f"electricity_prices.csv line {line}: price_per_kwh = -0.2 is outside (0, 5]",
    )


def test_negative_embodied(copy: Path) -> None:
    line = set_cell(copy, "embodied.csv", "embodied_kgco2e", "-164", {"name": "H100-SXM"})
    expect_error(
        "embodied", f"embodied.csv line {line}: embodied_kgco2e = -164 is outside [0, 50000]"
    )


def test_negative_tdp(copy: Path) -> None:
    line = set_cell(copy, "accelerators.csv", "tdp_w", "-700", {"name": "H100-SXM"})
    expect_error(
        "accelerators", f"accelerators.csv line {line}: tdp_w = -700 is outside (0, 5000] W"
    )


def test_pue_below_one(copy: Path) -> None:
    line = set_cell(copy, "datacenters.csv", "pue", "0.5", {"operator": "industry-average"})
    expect_error("datacenters", f"datacenters.csv line {line}: pue = 0.5 is outside [1, 3]")


@pytest.mark.parametrize("value", ["abc", "1,5", "nan", "inf", "1_000", " "])
def test_non_numeric_cell(copy: Path, value: str) -> None:
    line = set_cell(copy, "grid_intensity.csv", "intensity_g_per_kwh", value, {"zone": "DE"})
    message = expect_error("grid_intensity", f"grid_intensity.csv line {line}: intensity_g_per_kwh")
    assert "not a number" in message or "not a finite number" in message


def test_non_integer_year(copy: Path) -> None:
    line = set_cell(copy, "grid_intensity.csv", "year", "2022.5", {"zone": "DE"})
    expect_error("grid_intensity", f"line {line}: year = '2022.5' is not an integer")


def test_empty_required_cell(copy: Path) -> None:
    line = set_cell(copy, "datacenters.csv", "pue", "", {"operator": "industry-average"})
    expect_error("datacenters", f"datacenters.csv line {line}: pue is empty (a value is required)")


def test_bool_like_cell(copy: Path) -> None:
    line = set_cell(copy, "models.csv", "open_weights", "yes", {"architecture": "moe"})
    expect_error("models", f"models.csv line {line}: open_weights = 'yes' is not one of 'True'")


def test_missing_column(copy: Path) -> None:
    path = copy / "grid_intensity.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([r[:2] + r[3:] for r in rows])
    path.write_text(out.getvalue(), encoding="utf-8")
    expect_error(
        "grid_intensity", "grid_intensity.csv line 1: missing column(s) 'intensity_g_per_kwh'"
    )


def test_duplicate_key(copy: Path) -> None:
    path = copy / "datacenters.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([*lines, lines[1]]), encoding="utf-8")
    expect_error("datacenters", f"line {len(lines) + 1}: duplicate key", "(first at line 2)")


def test_low_above_central(copy: Path) -> None:
    line = set_cell(copy, "embodied.csv", "embodied_low_kgco2e", "500", {"name": "H100-SXM"})
    expect_error("embodied", f"line {line}: embodied_low_kgco2e = 500 is greater than")


def test_shares_not_summing_to_one(copy: Path) -> None:
    line = set_cell(copy, "generation_mix.csv", "coal_share", "0.9", {"zone": "FR", "year": "2020"})
    expect_error("generation_mix", f"generation_mix.csv line {line}: the 9 *_share columns sum to")


def test_truncated_file_fails_its_checksum(copy: Path) -> None:
    path = copy / "grid_intensity.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:812]), encoding="utf-8")
    expect_error(
        "grid_intensity",
        "datasets/grid_intensity.csv does not match its manifest checksum (file changed or "
        f"truncated: 811 rows, the manifest lists {len(lines) - 1}; reinstall footprint or run "
        "scripts/update_manifest.py)",
    )


def test_file_cut_mid_line(copy: Path) -> None:
    path = copy / "grid_intensity.csv"
    content = path.read_text(encoding="utf-8")
    cut = content.index("\n", len(content) // 2) + 12
    path.write_text(content[:cut], encoding="utf-8")
    last = content[:cut].count("\n") + 1
    expect_error(
        "grid_intensity",
        f"grid_intensity.csv line {last}: ",
        "cells where the header has 6 (truncated or malformed row)",
    )


def test_changed_value_in_range_fails_its_checksum(copy: Path) -> None:
    set_cell(copy, "grid_intensity.csv", "intensity_g_per_kwh", "12.5", {"zone": "FR"})
    expect_error("grid_intensity", "datasets/grid_intensity.csv does not match its manifest")


def test_bad_value_fails_even_with_a_refreshed_manifest(copy: Path) -> None:
    """A build that writes a bad value is caught by the schema, not only by the checksum."""
    set_cell(copy, "datacenters.csv", "pue", "0.5", {"operator": "industry-average"})
    data.write_manifest(copy)
    expect_error("datacenters", "pue = 0.5 is outside [1, 3]")


def test_file_not_in_manifest(copy: Path) -> None:
    manifest = copy / data.MANIFEST
    kept = [ln for ln in manifest.read_text().splitlines() if not ln.endswith(" water_factors.csv")]
    manifest.write_text("\n".join(kept) + "\n")
    expect_error(
        "water_factors", "datasets/water_factors.csv is not listed in datasets/MANIFEST.sha256"
    )


def test_missing_manifest(copy: Path) -> None:
    (copy / data.MANIFEST).unlink()
    expect_error("zones", "datasets/MANIFEST.sha256 is missing")


def test_valid_copy_loads(copy: Path) -> None:
    assert data.datasets_dir() == copy.resolve()
    lines = (copy / "grid_intensity.csv").read_text(encoding="utf-8").splitlines()
    assert len(data.read_records("grid_intensity")) == len(lines) - 1
    assert list(data.load_table("datacenters").columns) == list(
        schemas.SCHEMAS["datacenters.csv"].names
    )


def test_bad_override_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(data.DATASETS_ENV, str(tmp_path / "nowhere"))
    data.clear_caches()
    try:
        with pytest.raises(DataError, match="FOOTPRINT_DATASETS_DIR"):
            data.datasets_dir()
    finally:
        monkeypatch.delenv(data.DATASETS_ENV)
        data.clear_caches()


# --- hourly files ----------------------------------------------------------------------------

HOURLY = "hourly/US-CAL-CISO_2022.csv.gz"


def _rewrite_gz(path: Path, edit: Callable[[str], str]) -> None:
    content = gzip.decompress(path.read_bytes()).decode("utf-8")
    path.write_bytes(gzip.compress(edit(content).encode("utf-8"), mtime=0))


def test_hourly_file_is_verified(copy: Path) -> None:
    data.verify_file(copy / HOURLY)
    data.verify_file(HOURLY)


def test_hourly_negative_intensity(copy: Path) -> None:
    _rewrite_gz(copy / HOURLY, lambda text: text.replace("Z,222.3,", "Z,-222.3,", 1))
    with pytest.raises(DataError, match=r"US-CAL-CISO_2022.csv.gz line 2: intensity_g_per_kwh"):
        data.verify_file(copy / HOURLY)


def test_hourly_truncated(copy: Path) -> None:
    _rewrite_gz(copy / HOURLY, lambda text: "".join(text.splitlines(keepends=True)[:5000]))
    with pytest.raises(DataError, match="4999 data rows, expected at least 8760"):
        data.verify_file(copy / HOURLY)


def test_hourly_changed_value_fails_checksum(copy: Path) -> None:
    _rewrite_gz(copy / HOURLY, lambda text: text.replace("Z,222.3,", "Z,222.4,", 1))
    with pytest.raises(DataError, match="does not match its manifest checksum"):
        data.verify_file(copy / HOURLY)


def test_verify_file_outside_datasets(tmp_path: Path) -> None:
    stray = tmp_path / "x.csv"
    stray.write_text("a\n1\n")
    with pytest.raises(DataError, match="is not a file of the datasets directory"):
        data.verify_file(stray)


# --- the command line --------------------------------------------------------------------------


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, data.DATASETS_ENV: str(root)}
    return subprocess.run(
        [sys.executable, "-m", "footprint", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=root.parent,
        timeout=120,
    )


ESTIMATE = ("estimate", "-a", "H100", "--gpu-hours", "1000", "-r", "FR")


@pytest.mark.parametrize(
    ("file", "column", "value", "where", "expected"),
    [
        ("grid_intensity.csv", "intensity_g_per_kwh", "-5", {"zone": "FR"}, "is outside [0, 1700]"),
        ("accelerators.csv", "tdp_w", "seven hundred", {"name": "H100-SXM"}, "is not a number"),
        ("datacenters.csv", "pue", "0.5", {"operator": "industry-average"}, "is outside [1, 3]"),
    ],
)
def test_cli_reports_one_line_and_exit_2(
    copy: Path, file: str, column: str, value: str, where: dict[str, str], expected: str
) -> None:
    line = set_cell(copy, file, column, value, where)
    out = run_cli(copy, *ESTIMATE)
    assert out.returncode == 2, out.stderr
    assert out.stdout == ""
    assert "Traceback" not in out.stderr
    (message,) = out.stderr.strip().splitlines()
    assert f"{file} line {line}: {column} = " in message and expected in message


def test_cli_truncated_file(copy: Path) -> None:
    path = copy / "grid_intensity.csv"
    path.write_text("".join(path.read_text().splitlines(keepends=True)[:812]))
    out = run_cli(copy, *ESTIMATE)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    (message,) = out.stderr.strip().splitlines()
    assert "datasets/grid_intensity.csv does not match its manifest checksum" in message


def test_cli_runner_one_line_exit_2(copy: Path) -> None:
    from click.testing import CliRunner

    from footprint.cli import cli

    set_cell(copy, "grid_intensity.csv", "intensity_g_per_kwh", "-5", {"zone": "FR"})
    clear_footprint_caches()
    result = CliRunner().invoke(cli, list(ESTIMATE))
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stderr
    (message,) = result.stderr.strip().splitlines()
    assert "intensity_g_per_kwh = -5 is outside [0, 1700]" in message


def test_cli_runs_on_a_valid_copy(copy: Path) -> None:
    out = run_cli(copy, *ESTIMATE, "--format", "json")
    assert out.returncode == 0, out.stderr


# --- scripts ---------------------------------------------------------------------------------


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=ROOT, timeout=300
    )


def test_update_manifest_check_and_refusal(copy: Path) -> None:
    script = str(SCRIPTS / "update_manifest.py")
    assert run_script(script, "--datasets", str(copy), "--check").returncode == 0
    set_cell(copy, "grid_intensity.csv", "intensity_g_per_kwh", "12.5", {"zone": "FR"})
    stale = run_script(script, "--datasets", str(copy), "--check")
    assert stale.returncode == 1 and "stale" in stale.stderr
    assert run_script(script, "--datasets", str(copy)).returncode == 0
    data.clear_caches()
    assert data.read_records("grid_intensity")
    before = (copy / data.MANIFEST).read_text()
    set_cell(copy, "datacenters.csv", "pue", "0.5", {"operator": "industry-average"})
    refused = run_script(script, "--datasets", str(copy))
    assert refused.returncode == 1 and "pue = 0.5 is outside [1, 3]" in refused.stderr
    assert (copy / data.MANIFEST).read_text() == before


def test_build_script_checks_schemas_and_writes_the_manifest(tmp_path: Path) -> None:
    """A fast builder (models: no raw sources) through scripts/build_datasets.py."""
    out = tmp_path / "datasets"
    done = run_script(str(SCRIPTS / "build_datasets.py"), "--only", "models", "--out", str(out))
    assert done.returncode == 0, done.stderr
    manifest = (out / data.MANIFEST).read_text()
    assert "  models.csv" in manifest and "  inference_presets.csv" in manifest
    for file in data.data_files(out):
        schemas.validate_text(file, data.data_text(file, (out / file).read_bytes()))
        assert (out / file).read_bytes() == (DATASETS / file).read_bytes()
    again = run_script(str(SCRIPTS / "build_datasets.py"), "--manifest-only", "--out", str(out))
    assert again.returncode == 0 and (out / data.MANIFEST).read_text() == manifest


@pytest.mark.slow
@pytest.mark.skipif(
    not (ROOT.parent / "shared" / "sources").is_dir(), reason="raw sources not available"
)
def test_full_build_reproduces_the_manifest(tmp_path: Path) -> None:
    """Every builder into an empty folder (about 10 s): same files, same checksums."""
    out = tmp_path / "datasets"
    done = run_script(str(SCRIPTS / "build_datasets.py"), "--out", str(out))
    assert done.returncode == 0, done.stderr
    built = (out / data.MANIFEST).read_text().splitlines()
    shipped = (DATASETS / data.MANIFEST).read_text().splitlines()
    # licences.csv and dataset_vintages.csv are written by hand, not by a builder
    hand = (" licences.csv", " dataset_vintages.csv")
    assert built == [ln for ln in shipped if not ln.endswith(hand)]


# --- threads ---------------------------------------------------------------------------------

TABLES = ["grid_intensity", "generation_mix", "zones", "datacenters", "accelerators", "embodied"]


def _hammer(load: Callable[[int], object], threads: int = 8) -> list[object]:
    barrier = threading.Barrier(threads)
    results: list[object] = [None] * threads

    def work(i: int) -> None:
        barrier.wait()
        try:
            results[i] = load(i)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            results[i] = exc

    pool = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return results


def test_eight_threads_load_tables_at_once() -> None:
    def load(i: int) -> object:
        out = []
        for n, table in enumerate(TABLES[i % 3 :] + TABLES[: i % 3]):
            if (i + n) % 2:
                out.append((table, len(data.read_records(table))))
            else:
                out.append((table, len(data.load_table(table))))
        data.verify_file(HOURLY)
        return sorted(out)

    for _ in range(3):
        data.clear_caches()
        results = _hammer(load)
        errors = [r for r in results if isinstance(r, BaseException)]
        assert not errors, errors
        assert all(r == results[0] for r in results)


def test_eight_threads_all_see_the_same_error(copy: Path) -> None:
    set_cell(copy, "grid_intensity.csv", "intensity_g_per_kwh", "-5", {"zone": "FR"})
    data.clear_caches()
    results = _hammer(lambda i: data.read_records("grid_intensity"))
    assert all(isinstance(r, DataError) for r in results), results
    assert len({str(r) for r in results}) == 1
