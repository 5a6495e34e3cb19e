"""`footprint change`: LMDI-I decomposition of an organisation's emissions change."""

import json
import math
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import footprint as fp
from footprint.analyses.change import (
    Figure,
    RegionFigures,
    YearFigures,
    decompose_change,
    decompose_file,
    lmdi,
    log_mean,
)
from footprint.analyses.change_inputs import read_change_file
from footprint.cli import cli
from footprint.core import units
from footprint.core.errors import InputError, UnitError

ROOT = Path(__file__).resolve().parent.parent
GOOGLE = ROOT / "examples" / "google_2019_2023.toml"
Q_ = units.Q_


def _t(q) -> float:
    return float(q.m_as("tCO2e"))


def assert_exact(result) -> None:
    """Every period's effects add up to its change (no residual), and to end - start."""
    for p in (*result.periods, result.overall):
        total = math.fsum(_t(e.value) for e in p.effects)
        change = _t(p.change)
        scale = max(abs(_t(p.total_start)), abs(_t(p.total_end)), 1.0)
        assert abs(total - change) <= 1e-9 * scale
        assert abs(change - (_t(p.total_end) - _t(p.total_start))) <= 1e-9 * scale
        if p.percent is not None and change != 0:  # shares add up to 100%, as precisely
            shares = math.fsum(e.share for e in p.effects)
            assert abs(shares - 100.0) <= 100 * 1e-9 * scale / abs(change)


def effect(period, key) -> float:
    return next(_t(e.value) for e in period.effects if e.key == key)


# --- the logarithmic mean ------------------------------------------------------------------


def test_log_mean():
    assert log_mean(3.0, 3.0) == 3.0
    assert log_mean(5.0, 0.0) == 0.0 == log_mean(0.0, 5.0) == log_mean(0.0, 0.0)
    assert math.isclose(log_mean(2.0, 1.0), 1 / math.log(2))
    assert log_mean(2.0, 8.0) == pytest.approx(log_mean(8.0, 2.0))
    # between the geometric and the arithmetic mean, stable when a and b are close
    for a, b in [(1.0, 1 + 1e-13), (1e9, 1e9 + 1), (1e-6, 3.0)]:
        assert math.sqrt(a * b) * (1 - 1e-12) <= log_mean(a, b) <= (a + b) / 2 * (1 + 1e-12)
    with pytest.raises(InputError):
        log_mean(-1.0, 2.0)


# --- a hand-checked case: two factors ------------------------------------------------------


def _one_region(year, it, grid, **extra):
    return {"it_electricity": f"{it} MWh", "intensity": f"{grid} tCO2e/MWh", **extra}


def test_two_factors_by_hand():
    # C = A x I: 100 MWh x 0.4 t/MWh = 40 t -> 200 MWh x 0.3 t/MWh = 60 t.
    # L(60, 40) = 20 / ln 1.5 = 49.326; activity = L ln 2 = 34.190, grid = L ln 0.75 = -14.190.
    r = decompose_change({2020: _one_region(2020, 100, 0.4), 2021: _one_region(2021, 200, 0.3)})
    p = r.overall
    weight = 20 / math.log(1.5)
    assert weight == pytest.approx(49.32606, abs=1e-5)
    assert effect(p, "activity") == pytest.approx(34.19023, abs=1e-5)
    assert effect(p, "grid") == pytest.approx(-14.19023, abs=1e-5)
    assert effect(p, "pue") == 0 and effect(p, "contracts") == 0
    assert _t(p.change) == pytest.approx(20.0)
    assert p.percent == pytest.approx(50.0)
    assert [e.share for e in p.effects if e.key == "activity"][0] == pytest.approx(170.95, abs=0.01)
    assert r.unit == "tCO2e"
    assert_exact(r)


def test_unchanged_emissions_split_symmetrically():
    r = decompose_change({2020: _one_region(0, 100, 0.5), 2021: _one_region(0, 200, 0.25)})
    p = r.overall
    assert _t(p.change) == 0 and p.percent == 0
    assert effect(p, "activity") == pytest.approx(50 * math.log(2))
    assert effect(p, "grid") == pytest.approx(-50 * math.log(2))
    assert all(e.share is None for e in p.effects)
    assert any("shares are undefined" in n for n in r.notes)


def test_pue_cfe_and_market_factors():
    # facility electricity with a PUE: IT = 110 / 1.1 = 100; contracts 1 - CFE
    y0 = {"electricity": "110 MWh", "pue": "1.10", "intensity": "400 g/kWh", "cfe": "60%"}
    y1 = {"electricity": "120 MWh", "pue": "1.20", "intensity": "400 g/kWh", "cfe": "80%"}
    p = decompose_change({2019: y0, 2020: y1}).overall
    c0, c1 = 110 * 0.4 * 0.4, 120 * 0.4 * 0.2
    assert _t(p.total_start) == pytest.approx(c0) and _t(p.total_end) == pytest.approx(c1)
    w = log_mean(c1, c0)
    assert effect(p, "pue") == pytest.approx(w * math.log(1.2 / 1.1))
    assert effect(p, "contracts") == pytest.approx(w * math.log(0.2 / 0.4))
    assert effect(p, "activity") == pytest.approx(0.0, abs=1e-12)  # IT 100 MWh both years
    # market-based CO2e instead of CFE: the identity reproduces it exactly
    m0 = {k: v for k, v in y0.items() if k != "cfe"} | {"market_based": "10 tCO2e"}
    m1 = {k: v for k, v in y1.items() if k != "cfe"} | {"market_based": "30 tCO2e"}
    r = decompose_change({2019: m0, 2020: m1})
    assert _t(r.overall.total_start) == pytest.approx(10.0)
    assert _t(r.overall.total_end) == pytest.approx(30.0)
    assert_exact(r)


# --- zeros (Ang & Liu 2007) ----------------------------------------------------------------


def test_cfe_reaching_100_percent_goes_to_contracts():
    y0 = {"it_electricity": "100 MWh", "intensity": "500 g/kWh", "cfe": "50%"}
    y1 = {"it_electricity": "150 MWh", "intensity": "300 g/kWh", "cfe": "100%"}
    r = decompose_change({2020: y0, 2021: y1})
    p = r.overall
    assert effect(p, "contracts") == pytest.approx(-25.0)
    assert effect(p, "activity") == 0 and effect(p, "grid") == 0
    assert any("Ang & Liu" in n for n in r.notes)
    assert_exact(r)


def test_new_and_closed_regions_go_to_structure():
    a = {"it_electricity": "100 MWh", "intensity": "400 g/kWh"}
    b = {"it_electricity": "50 MWh", "intensity": "800 g/kWh", "pue": 1.2}
    r = decompose_change(
        {
            2020: {"regions": {"A": a}},
            2021: {"regions": {"A": a, "B": b}},
            2022: {"regions": {"B": b}},
        }
    )
    first, second = r.periods
    assert _t(first.by_region["B"]["structure"]) == pytest.approx(50 * 1.2 * 0.8)
    assert all(_t(v) == 0 for k, v in first.by_region["B"].items() if k != "structure")
    assert _t(second.by_region["A"]["structure"]) == pytest.approx(-40.0)
    assert effect(first, "structure") != 0  # several regions: a structure effect is shown
    assert_exact(r)


def test_two_zero_factors_share_the_change():
    y0 = {"it_electricity": "100 MWh", "intensity": "500 g/kWh", "cfe": "50%"}
    y1 = {"it_electricity": "100 MWh", "intensity": "0 g/kWh", "cfe": "100%"}
    p = decompose_change({2020: y0, 2021: y1}).overall
    assert effect(p, "contracts") == pytest.approx(-12.5)
    assert effect(p, "grid") == pytest.approx(-12.5)


def test_zero_in_both_years_is_no_effect():
    y = {"it_electricity": "100 MWh", "intensity": "0 g/kWh", "other": {"Scope 1": "5 t"}}
    y1 = {**y, "other": {"Scope 1": "7 t"}}
    p = decompose_change({2020: y, 2021: y1}).overall
    assert effect(p, "grid") == 0 and effect(p, "other:Scope 1") == pytest.approx(2.0)
    assert p.effects[-1].share == pytest.approx(100.0)


def test_lmdi_limits():
    assert lmdi({"a": 0.0, "b": 2.0}, {"a": 3.0, "b": 2.0}) == {"a": 6.0, "b": 0.0}
    assert lmdi({"a": 0.0, "b": None}, {"a": 0.0, "b": 5.0}) == {"a": 0.0, "b": 0.0}


# --- activity measure: activity and efficiency of compute ----------------------------------


def test_activity_measure_splits_activity_and_efficiency():
    y0 = {"activity": "1e21 FLOP", "it_electricity": "100 MWh", "intensity": "400 g/kWh"}
    y1 = {"activity": "4 ZFLOP", "it_electricity": "200 MWh", "intensity": "400 g/kWh"}
    r = decompose_change({2020: y0, 2021: y1})
    p = r.overall
    w = log_mean(80.0, 40.0)
    assert effect(p, "activity") == pytest.approx(w * math.log(4))
    assert effect(p, "efficiency") == pytest.approx(w * math.log(0.5))
    assert "FLOP" in p.effects[0].label
    assert_exact(r)
    with pytest.raises(UnitError, match="activity"):
        decompose_change({2020: y0, 2021: {**y1, "activity": "3 kWh"}})
    with pytest.raises(InputError, match="some years only"):
        decompose_change({2020: y0, 2021: {k: v for k, v in y1.items() if k != "activity"}})


# --- exactness on random inputs ------------------------------------------------------------


def _random_years(rng: random.Random, n_years: int, n_regions: int, zeros: bool):
    names = [f"R{i}" for i in range(n_regions)]
    years = []
    for k in range(n_years):
        regions = []
        for name in names:
            if zeros and rng.random() < 0.15:
                continue  # region absent this year
            cfe = 1.0 if zeros and rng.random() < 0.1 else rng.uniform(0, 0.99)
            regions.append(
                RegionFigures(
                    name=name,
                    electricity=Figure(Q_(rng.uniform(0.01, 1e4), "GWh")),
                    pue=Figure(Q_(rng.uniform(1.0, 2.5), "")),
                    intensity=Figure(Q_(rng.uniform(0 if zeros else 1, 900), "gCO2e/kWh")),
                    cfe=Figure(Q_(cfe, "")),
                )
            )
        if not regions:
            regions.append(
                RegionFigures(
                    name=names[0],
                    it_electricity=Figure(Q_(1, "MWh")),
                    intensity=Figure(Q_(100, "gCO2e/kWh")),
                )
            )
        other = (
            ("Scope 1", Figure(Q_(rng.uniform(0, 1e5), "tCO2e"))),
            ("Scope 3", Figure(Q_(rng.uniform(0, 1e7), "tCO2e"))),
        )
        years.append(
            YearFigures(
                year=2000 + k,
                regions=tuple(regions),
                other=other,
                activity=Figure(Q_(rng.uniform(1, 1e6), "PFLOP")),
            )
        )
    return years


@pytest.mark.parametrize("seed", range(12))
def test_effects_add_up_exactly_random(seed):
    rng = random.Random(seed)
    years = _random_years(
        rng, n_years=rng.randint(2, 9), n_regions=rng.randint(1, 60), zeros=seed % 2 == 1
    )
    r = decompose_change(years)
    assert len(r.periods) == len(years) - 1
    assert (r.overall.start, r.overall.end) == (years[0].year, years[-1].year)
    assert_exact(r)
    # the consecutive changes add up to the overall change
    chained = math.fsum(_t(p.change) for p in r.periods)
    assert chained == pytest.approx(_t(r.overall.change), rel=1e-9, abs=1e-6)


positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    st.lists(
        st.lists(
            st.tuples(positive, st.floats(1.0, 3.0), st.floats(0, 0.999), positive),
            min_size=3,
            max_size=3,
        ),
        min_size=2,
        max_size=5,
    )
)
def test_effects_add_up_exactly_property(table):
    years = [
        YearFigures(
            year=2010 + k,
            regions=tuple(
                RegionFigures(
                    name=f"R{i}",
                    it_electricity=Figure(Q_(e, "MWh")),
                    pue=Figure(Q_(p, "")),
                    cfe=Figure(Q_(c, "")),
                    intensity=Figure(Q_(g, "gCO2e/kWh")),
                )
                for i, (e, p, c, g) in enumerate(rows)
            ),
        )
        for k, rows in enumerate(table)
    ]
    assert_exact(decompose_change(years))


# --- input errors: one line, named ---------------------------------------------------------


@pytest.mark.parametrize(
    "years, match",
    [
        ({2020: _one_region(0, 1, 0.1)}, "at least two years"),
        ({2020: {"intensity": "1 g/kWh"}, 2021: _one_region(0, 1, 0.1)}, "electricity"),
        (
            {2020: {**_one_region(0, 1, 0.1), "electricity": "1 MWh"}, 2021: _one_region(0, 1, 1)},
            "not several",
        ),
        (
            {
                2020: {**_one_region(0, 1, 0.1), "cfe": "50%", "market_based": "1 t"},
                2021: _one_region(0, 1, 1),
            },
            "not several",
        ),
        ({2020: {**_one_region(0, 1, 0.1), "pue": 0.9}, 2021: _one_region(0, 1, 1)}, "pue"),
        ({2020: {**_one_region(0, 1, 0.1), "cfe": "120%"}, 2021: _one_region(0, 1, 1)}, "cfe"),
        (
            {2020: {"electricity": "5 kg", "intensity": "1 g/kWh"}, 2021: _one_region(0, 1, 1)},
            "electricity",
        ),
        (
            {2020: {**_one_region(0, 1, 0.1), "other": {"S1": "1 t"}}, 2021: _one_region(0, 1, 1)},
            "every year",
        ),
        (
            {2020: {**_one_region(0, 1, 0.1), "pua": 1.1}, 2021: _one_region(0, 1, 1)},
            "did you mean 'pue'",
        ),
        ({2020: _one_region(0, 0, 0.1), 2021: _one_region(0, 1, 1)}, "no electricity"),
        ({"20x0": _one_region(0, 1, 0.1), 2021: _one_region(0, 1, 1)}, "year"),
    ],
)
def test_input_errors(years, match):
    with pytest.raises(InputError, match=match) as info:
        decompose_change(years)
    assert "\n" not in str(info.value)


# --- the Google example --------------------------------------------------------------------


def test_google_example_reproduces_reported_totals():
    r = decompose_file(GOOGLE)
    p = r.overall
    assert (p.start, p.end) == (2019, 2023)
    assert r.unit == "MtCO2e"
    assert p.percent == pytest.approx(48.0, abs=0.05)  # "+48% compared to 2019"
    assert float(p.total_end.m_as("MtCO2e")) == pytest.approx(14.31, rel=1e-9)
    assert float(p.total_start.m_as("MtCO2e")) == pytest.approx(9.669, rel=1e-9)
    for total in r.totals:  # the figures add up to the reported totals
        assert _t(total.total) == pytest.approx(_t(total.reported.value), rel=1e-6)
    # the identity reproduces the reported market-based Scope 2 exactly
    assert _t(r.totals[0].electricity) == pytest.approx(835_900)
    assert _t(r.totals[1].electricity) == pytest.approx(3_423_400)
    assert_exact(r)
    keys = [e.key for e in p.effects]
    assert keys == ["activity", "pue", "contracts", "grid", "other:Scope 1", "other:Scope 3"]
    assert effect(p, "pue") == 0  # PUE 1.10 both years
    assert effect(p, "activity") > 0 and effect(p, "contracts") > 0 and effect(p, "grid") < 0


def test_google_example_cites_every_figure():
    data = read_change_file(GOOGLE)
    assert data.organisation == "Google"
    r = decompose_file(GOOGLE)
    rows = r.figure_rows()
    assert len(rows) == 14
    for _, _, key, figure in rows:
        assert figure.status in ("verified", "derived"), key
        assert len(figure.source) > 40, key


# --- the command ---------------------------------------------------------------------------


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_cli_json_parses_and_adds_up():
    r = run("change", str(GOOGLE), "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    overall = data["overall"]
    assert data["unit"] == "tCO2e" and data["years"] == [2019, 2023]
    total = math.fsum(e["value"] for e in overall["effects"])
    assert total == pytest.approx(overall["change"], rel=1e-12)
    assert overall["percent"] == pytest.approx(48.0, abs=0.05)
    assert {f["status"] for f in data["figures"]} == {"verified", "derived"}
    assert all(f["source"] for f in data["figures"])


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv"])
def test_cli_formats(fmt):
    r = run("change", str(GOOGLE), "--format", fmt)
    assert r.exit_code == 0, r.output
    assert "verified" in r.output and "derived" in r.output
    if fmt != "csv":
        assert "Why emissions changed: Google" in r.output
        assert "+48.0%" in r.output


def test_fp_api():
    assert fp.decompose_change is decompose_change


HOSTILE = """
[organisation]
name = "<script>alert(1)</script> [bold]x[/bold]"
[years.2020.other]
"Scope *1*" = { value = "1 tCO2e", source = "=cmd|' /C calc'!A0 <img src=x>", status = "derived" }
[years.2020.regions."=[red]R|1"]
it_electricity = "1 MWh"
intensity = "100 g/kWh"
[years.2021.other]
"Scope *1*" = "2 tCO2e"
[years.2021.regions."=[red]R|1"]
it_electricity = "2 MWh"
intensity = "100 g/kWh"
"""


def test_user_text_is_escaped(tmp_path):
    path = tmp_path / "hostile.toml"
    path.write_text(HOSTILE, encoding="utf-8")
    md = run("change", str(path), "--format", "markdown").output
    assert "<script>" not in md and "<img" not in md and "&lt;script&gt;" in md
    assert "Scope \\*1\\*" in md and "R\\|1" in md
    csv_text = run("change", str(path), "--format", "csv").output
    assert "'=[red]R|1" in csv_text and "'=cmd" in csv_text
    assert ",=" not in csv_text
    table = run("change", str(path)).output
    assert "=[red]R|1" in table and "[bold]x[/bold]" in table
    data = json.loads(run("change", str(path), "--format", "json").output)
    assert data["organisation"].startswith("<script>")  # JSON keeps the text as given
    assert data["figures"][0]["region"] == "=[red]R|1"


def _one_line_exit_2(result):
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:"), result.output
    assert "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize(
    "text, match",
    [
        ("not = [valid", "not valid TOML"),
        ("[years.2020]\nit_electricity = '1 MWh'\nintensity = '1 g/kWh'\n", "two years"),
        (
            "[years.2020]\nelectricity = '12 parsecs'\nintensity = '1 g/kWh'\n"
            "[years.2021]\nelectricity = '1 MWh'\nintensity = '1 g/kWh'\n",
            "years.2020.electricity",
        ),
        (
            "[years.2020]\nelectricity = '12 TWh'\nintensity = '1 g/kWh'\n"
            "[years.2021]\nelectricity = '1 kg'\nintensity = '1 g/kWh'\n",
            "years.2021.electricity",
        ),
        ("[years.2020]\nelectricity = '1 TWh'\n[years.2021]\n", "grid"),
        ("[organisation]\nname = 3\n", "organisation.name"),
        ("[yaers.2020]\n", "did you mean 'years'"),
    ],
)
def test_cli_bad_file_one_line(tmp_path, text, match):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    line = _one_line_exit_2(run("change", str(path)))
    assert match in line and "bad.toml" in line


def test_cli_missing_file_and_directory(tmp_path):
    assert "no such file" in _one_line_exit_2(run("change", str(tmp_path / "nope.toml")))
    assert "directory" in _one_line_exit_2(run("change", str(tmp_path)))


def test_cli_bad_format():
    _one_line_exit_2(run("change", str(GOOGLE), "--format", "xml"))


def test_cli_special_files(tmp_path):
    import os

    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)  # refused without being opened: no hang
    assert "FIFO" in _one_line_exit_2(run("change", str(fifo)))
    (tmp_path / "empty.toml").write_bytes(b"")
    assert "years" in _one_line_exit_2(run("change", str(tmp_path / "empty.toml")))
    (tmp_path / "latin1.toml").write_bytes("[organisation]\nname = 'é'\n".encode("latin-1"))
    _one_line_exit_2(run("change", str(tmp_path / "latin1.toml")))


def test_library_inputs_of_the_wrong_kind_are_input_errors():
    bad = YearFigures(
        2020,
        (RegionFigures(electricity=Figure(Q_(5, "kg")), intensity=Figure(Q_(1, "g/kWh"))),),
    )
    good = YearFigures(
        2021,
        (RegionFigures(electricity=Figure("1 MWh"), intensity=Figure("100 gCO2e/kWh")),),
    )
    with pytest.raises(UnitError, match="years.2020.regions.global.electricity"):
        decompose_change([bad, good])
    with pytest.raises(InputError, match="too small"):
        decompose_change(
            {
                2020: {"it_electricity": "1e-300 MWh", "intensity": "1e-300 g/kWh"},
                2021: _one_region(0, 1, 1),
            }
        )
    with pytest.raises(InputError, match="status"):
        Figure(Q_(1, "MWh"), status="sure")
    with pytest.raises(InputError, match="expected a table of years"):
        decompose_change("2019: 5 MWh")


def test_formats_agree_with_the_dispatch():
    from footprint.cli.commands._options import FORMATS as OPTION_FORMATS
    from footprint.render.change_report import FORMATS
    from footprint.render.report import FORMATS as DISPATCH_FORMATS

    assert FORMATS == DISPATCH_FORMATS == OPTION_FORMATS
