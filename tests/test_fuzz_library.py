"""Fuzzing the library API with hypothesis.

Contract: on any input, a public function either returns a result whose numbers are
all finite, or raises a :class:`footprint.core.errors.FootprintError` subclass with a
one-line message -- never a bare ValueError, TypeError, KeyError, OverflowError,
ZeroDivisionError..., and never hangs (per-call timeout, FOOTPRINT_FUZZ_TIMEOUT).

The calls run in the fuzz worker process (see fuzz_support); every breach is
collected and the test fails once at the end with the distinct root causes.
Arguments are plain values; ``("Q", magnitude, unit)`` stands for a footprint
Quantity and ``("np", x)`` for a numpy float64.
"""

from __future__ import annotations

import fuzz_support as fz
import pytest
from fuzz_support import (
    ACCELERATORS,
    JOBS_CSV,
    MODELS,
    NASTY_NUMBERS,
    NASTY_TEXT,
    REGIONS,
    SACCT,
    FailureLog,
    mutated_table,
    n_examples,
    quantity,
    run_lib_case,
)
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

# ------------------------------------------------------------------ values

BIG_INT = 10**400


def odd_objects():
    """Values of the wrong type."""
    return st.sampled_from([None, True, False, [], {}, (), b"1", 1j, object.__name__, ["FR"]])


def raw_numbers():
    """Numbers as Python values: floats of every kind, huge ints, numpy floats."""
    return st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.floats(min_value=1e-3, max_value=1e7),
        st.sampled_from([0, -1, 1, BIG_INT, -BIG_INT, 2**63, 2**1024, 1e308, 5e-324, -0.0]),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True).map(lambda x: ("np", x)),
    )


def quantities(units: list[str], strings: str):
    """A value for a quantity argument: Quantity, number or string (valid or not)."""
    return st.one_of(
        st.builds(lambda m, u: ("Q", m, u), raw_numbers(), st.sampled_from(units)),
        st.builds(lambda m, u: ("Q", m, u), raw_numbers(), st.sampled_from(WRONG_Q_UNITS)),
        raw_numbers(),
        quantity(strings),
        st.sampled_from(NASTY_NUMBERS + NASTY_TEXT),
        odd_objects(),
    )


WRONG_Q_UNITS = ["GB", "m", "kg", "W", "h", "L/kWh", "dimensionless", "USD", "degC", "request"]
POWER_U = ["W", "kW", "MW"]
TIME_U = ["h", "day", "s", "year"]


def names(pool: list[str]):
    return st.one_of(
        st.sampled_from(pool), st.sampled_from(NASTY_TEXT), st.text(max_size=15), odd_objects()
    )


def fractions():
    return st.one_of(
        st.floats(0.01, 1), raw_numbers(), odd_objects(), st.sampled_from(["0.5", "50%", "nan"])
    )


def years():
    return st.one_of(
        st.integers(1990, 2100),
        st.integers(),
        raw_numbers(),
        odd_objects(),
        st.sampled_from(["2023", 2023.0, 2023.5]),
    )


def maybe(strategy, p_none: int = 1):
    """``strategy`` or None (the default)."""
    return st.one_of(*([st.none()] * p_none), strategy)


def sparse(base: dict, fields: dict):
    """A kwargs dict: ``base`` with one to three fields replaced by generated values."""

    @st.composite
    def build(draw):
        out = dict(base)
        for key in draw(st.lists(st.sampled_from(sorted(fields)), min_size=1, max_size=3)):
            out[key] = draw(fields[key])
        return {k: v for k, v in out.items() if v is not ...}

    return build()


SITE_FIELDS = {
    "region": names(REGIONS),
    "year": years(),
    "operator": names(["google", "aws", "meta", "industry-average"]),
    "pue": quantities(["dimensionless", "percent"], "dimensionless"),
    "wue": quantities(["L/kWh", "mL/Wh"], "water_intensity"),
    "ewif": quantities(["L/kWh"], "water_intensity"),
    "intensity": quantities(["gCO2e/kWh", "kgCO2e/MWh"], "intensity"),
    "cfe": fractions(),
    "price": quantities(["USD/kWh", "EUR/MWh"], "price"),
    "consumer": names(["household", "non-household"]),
    "hydro": names(["include", "exclude"]),
    "strict_year": st.one_of(st.booleans(), odd_objects()),
}
JOB_FIELDS = {
    "accelerator": names(ACCELERATORS),
    "gpu_hours": quantities(TIME_U, "time"),
    "count": st.one_of(st.integers(), raw_numbers(), odd_objects()),
    "duration": quantities(TIME_U, "time"),
    "utilization": fractions(),
    "power": quantities(POWER_U, "power"),
    "host_power": quantities(POWER_U, "power"),
}
JOB = {"accelerator": "H100-SXM", "gpu_hours": "1000 h"}

SETTINGS = dict(
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def fuzz(name: str, strategy, examples: int) -> None:
    """Run ``examples`` generated calls of library call ``name`` and check them all."""
    log = FailureLog(f"library {name}")

    @settings(max_examples=n_examples(examples), **SETTINGS)
    @given(strategy)
    def one(kwargs: dict) -> None:
        run_lib_case(name, kwargs, log)

    one()
    log.assert_clean()


# ------------------------------------------------------------------ calls

CASES = {
    "estimate": st.fixed_dictionaries(
        {
            "job": sparse(JOB, JOB_FIELDS),
            "site": sparse({"region": "FR"}, SITE_FIELDS),
            "kwargs": st.fixed_dictionaries(
                {},
                optional={
                    "embodied": st.one_of(st.booleans(), odd_objects()),
                    "uncertainty": st.one_of(st.booleans(), odd_objects()),
                },
            ),
        }
    ),
    "estimate_shorthand": st.fixed_dictionaries(
        {
            "job": sparse(JOB, JOB_FIELDS),
            "kwargs": st.fixed_dictionaries({"region": names(REGIONS), "year": maybe(years())}),
        }
    ),
    "estimate_inference": st.fixed_dictionaries(
        {
            "workload": sparse(
                {"model": "llama-3.1-8b", "requests": "1e9 request/day", "output_tokens": 300},
                {
                    "model": names(MODELS),
                    "requests": quantities(["request/day", "request"], "request_rate"),
                    "output_tokens": st.one_of(
                        raw_numbers(), quantity("requests"), st.sampled_from(NASTY_NUMBERS)
                    ),
                    "input_tokens": st.one_of(raw_numbers(), st.sampled_from(NASTY_NUMBERS)),
                    "energy_model": names(["ecologits", "roofline", "preset:google-gemini-2025"]),
                    "accelerator": names(ACCELERATORS),
                    "gpus": st.one_of(st.integers(), raw_numbers()),
                    "precision": names(["bf16", "fp8", "int4", "fp32"]),
                    "batch": st.one_of(st.integers(), raw_numbers()),
                    "fleet_utilization": fractions(),
                    "period": quantities(TIME_U, "time"),
                    "power": quantities(POWER_U, "power"),
                    "idle_power": quantities(POWER_U, "power"),
                    "mbu": fractions(),
                    "mfu": fractions(),
                    "users": raw_numbers(),
                    "requests_per_user": quantities(["request/day"], "request_rate"),
                },
            ),
            "site": sparse({}, SITE_FIELDS),
        }
    ),
    "estimate_training": st.fixed_dictionaries(
        {
            "run": sparse(
                {
                    "accelerator": "H100-SXM",
                    "model": "llama-3-70b",
                    "tokens": "15T",
                    "gpu_hours": 6.4e6,
                },
                {
                    "accelerator": names(ACCELERATORS),
                    "model": names(MODELS),
                    "params": st.one_of(raw_numbers(), st.sampled_from(NASTY_NUMBERS + ["70B"])),
                    "tokens": st.one_of(raw_numbers(), st.sampled_from(NASTY_NUMBERS + ["15T"])),
                    "flops": quantities(["FLOP", "PFLOP"], "flop"),
                    "mfu": fractions(),
                    "gpu_hours": quantities(TIME_U, "time"),
                    "count": st.one_of(st.integers(), raw_numbers()),
                    "precision": names(["bf16", "fp16", "fp8"]),
                    "power": quantities(POWER_U, "power"),
                },
            ),
            "site": sparse({}, SITE_FIELDS),
        }
    ),
    "compare": st.fixed_dictionaries(
        {
            "job": sparse(JOB, JOB_FIELDS),
            "kwargs": sparse(
                {"regions": "FR,SE,US"},
                {
                    "regions": st.one_of(st.lists(names(REGIONS), max_size=4), names(REGIONS)),
                    "year": maybe(years()),
                    "kind": maybe(names(["country", "cloud", "us-state"])),
                    "provider": maybe(names(["aws", "gcp", "azure"])),
                    "metric": names(["co2e", "water", "cost", "intensity"]),
                    "sort": maybe(names(["co2e", "water", "region"])),
                    "top": maybe(st.one_of(st.integers(), raw_numbers())),
                    "bottom": maybe(st.one_of(st.integers(), raw_numbers())),
                },
            ),
        }
    ),
    "trend": st.fixed_dictionaries(
        {
            "region": names(REGIONS),
            "start": maybe(years()),
            "end": maybe(years()),
            "hydro": names(["include", "exclude"]),
        }
    ),
    "project": st.fixed_dictionaries(
        {
            "job": sparse(JOB, JOB_FIELDS),
            "region": names(REGIONS),
            "years": st.fixed_dictionaries({"base_year": years(), "end_year": years()}),
            "growth": sparse(
                {},
                {
                    "volume_growth": st.one_of(raw_numbers(), odd_objects()),
                    "efficiency_gain": st.one_of(raw_numbers(), odd_objects()),
                    "grid": st.one_of(names(["linear", "constant"]), raw_numbers()),
                    "fit_years": st.one_of(st.integers(), raw_numbers()),
                },
            ),
        }
    ),
    "project_totals": st.fixed_dictionaries(
        {
            "base": quantities(["MtCO2e", "MWh", "m^3"], "any"),
            "base_year": years(),
            "end_year": years(),
            "growth": sparse(
                {"grid": "constant"},
                {
                    "volume_growth": raw_numbers(),
                    "efficiency_gain": raw_numbers(),
                    "grid": st.one_of(names(["linear", "constant"]), raw_numbers()),
                },
            ),
        }
    ),
    "schedule": st.fixed_dictionaries(
        {
            "kwargs": sparse(
                {
                    "duration": "6 h",
                    "power": "500 kW",
                    "window_start": "2022-07-01T00:00",
                    "window_end": "2022-07-04T00:00",
                    "grid": "CISO",
                },
                {
                    "duration": quantities(TIME_U, "time"),
                    "power": quantities(["kW", "MW"], "kw"),
                    "window_start": st.sampled_from(fz.TIMES + NASTY_TEXT),
                    "window_end": st.sampled_from(fz.TIMES + NASTY_TEXT),
                    "grid": names(fz.GRID_ZONES),
                    "step": quantities(["h", "min", "s"], "time"),
                    "now": maybe(st.sampled_from(fz.TIMES)),
                    "surplus": names(["ignore", "offset"]),
                    "timezone": maybe(names(fz.TIMEZONES)),
                    "grid_year": maybe(years()),
                },
            ),
            "site": sparse({"region": "aws:us-west-1"}, SITE_FIELDS),
        }
    ),
    "solar": st.fixed_dictionaries(
        {
            "capacity": quantities(["kWp", "MWp", "kW"], "kwp"),
            "kwargs": sparse(
                {"latitude": 36.1, "longitude": -79.95},
                {
                    "region": maybe(names(REGIONS)),
                    "latitude": maybe(raw_numbers()),
                    "longitude": maybe(raw_numbers()),
                    "altitude": maybe(raw_numbers()),
                    "tilt": maybe(quantities(["deg", "rad"], "deg")),
                    "azimuth": maybe(quantities(["deg", "rad"], "deg")),
                    "losses": maybe(fractions()),
                    "module_type": names(["standard", "premium", "thin_film"]),
                    "mount": names(["open_rack", "roof"]),
                    "clearness": maybe(st.one_of(fractions(), names(["phoenix-az"]))),
                },
            ),
            "year": st.one_of(st.integers(1900, 2100), years()),
        }
    ),
    "run_batch": st.fixed_dictionaries(
        {
            "content": st.one_of(mutated_table(JOBS_CSV, ","), mutated_table(SACCT, "|")),
            "suffix": st.sampled_from([".csv", ".txt"]),
            "options": sparse(
                {},
                {
                    "accelerator": maybe(names(ACCELERATORS)),
                    "region": maybe(names(REGIONS)),
                    "year": maybe(years()),
                    "power": maybe(quantities(POWER_U, "power")),
                    "utilization": maybe(fractions()),
                    "pue": maybe(quantities(["dimensionless"], "dimensionless")),
                    "intensity": maybe(quantities(["gCO2e/kWh"], "intensity")),
                    "cfe": maybe(fractions()),
                    "chunk_size": st.one_of(st.integers(), raw_numbers()),
                    "delimiter": maybe(st.sampled_from([",", "|", "", ",,", "\x00", "\n"])),
                    "input_format": maybe(names(["csv", "sacct", "parquet"])),
                    "group_by": st.one_of(
                        st.tuples(names(["user", "month", "tag"])), odd_objects()
                    ),
                    "hourly": st.one_of(st.booleans(), odd_objects()),
                    "columns": st.one_of(
                        st.dictionaries(
                            st.sampled_from(["count", "job_id", "", "x", "\x00"]),
                            st.sampled_from(["n", "user", "", "count"]) | st.none(),
                            max_size=2,
                        ),
                        odd_objects(),
                    ),
                },
            ),
        }
    ),
}

EXAMPLES = {
    "estimate": 300,
    "estimate_shorthand": 150,
    "estimate_inference": 250,
    "estimate_training": 250,
    "compare": 150,
    "trend": 200,
    "project": 200,
    "project_totals": 200,
    "schedule": 150,
    "solar": 100,
    "run_batch": 150,
}


@pytest.mark.parametrize("name", list(CASES))
def test_fuzz_library(name: str) -> None:
    fuzz(name, CASES[name], EXAMPLES[name])
