"""Build ``datasets/uncertainty.csv``: the documented spread of every uncertain default factor.

``footprint.analyses.uncertainty`` reads this table to give each factor a low/high range and a
distribution (triangular between low and high with the factor's value as mode, or uniform).
A factor the user gives is exact and gets no range.

Columns
-------
``factor`` and ``case`` (which factors a row applies to), ``distribution``, ``basis``
(``relative``: low/high multiply the factor's value; ``absolute``: low/high are values in
``unit``; ``data``: the range is computed at run time from dataset columns named in
``justification``; ``workload``: the workload supplies it), ``low``, ``high``, ``unit``,
``source`` and ``justification``.

Computed row
------------
``intensity`` / ``method``: grid intensity differs by data provider and method (generation-
vs consumption-based, flow tracing, lifecycle factors). Its spread is the 10th and 90th
percentile of the ratio between Electricity Maps' yearly lifecycle intensity and Ember's
(``datasets/share-alike/electricitymaps_yearly.csv`` / ``datasets/grid_intensity.csv``) over
every zone-year present in both. Only these two percentiles are kept (a statistic, not the
data); the notice for Electricity Maps (ODbL) is in the row's source.

Inputs: the curated ``datasets/grid_intensity.csv`` and the share-alike Electricity Maps table
of this repository (built by ``grid`` and ``subnational``); ``sources`` is not read.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from datasets._common import write_csv

OUTPUT = "uncertainty.csv"
ROOT = Path(__file__).resolve().parents[2]
DATASETS = ROOT / "datasets"
EMBER = DATASETS / "grid_intensity.csv"
ELECTRICITY_MAPS = DATASETS / "share-alike" / "electricitymaps_yearly.csv"

COLUMNS = [
    "factor",
    "case",
    "distribution",
    "basis",
    "low",
    "high",
    "unit",
    "source",
    "justification",
]

STATIC_ROWS: list[dict[str, object]] = [
    {
        "factor": "power",
        "case": "server-class",
        "distribution": "triangular",
        "basis": "data",
        "low": "",
        "high": "",
        "unit": "W",
        "source": "server_classes.csv (training_tdp_fraction_low/high and "
        "serving_tdp_fraction_low/high of the accelerator's server class) x TDP",
        "justification": "The measured average draw while training or serving is the mode; "
        "the class's bounds (e.g. 0.6-1.0 x TDP while training: idle-heavy jobs to the TDP "
        "cap) are the range. A power or utilization the user gives is exact.",
    },
    {
        "factor": "host_power",
        "case": "server-class",
        "distribution": "triangular",
        "basis": "data",
        "low": "",
        "high": "",
        "unit": "W",
        "source": "server_classes.csv (host_low_w_per_accelerator, "
        "host_high_w_per_accelerator of the accelerator's server class)",
        "justification": "The class's average host share is the mode; its bounds (lean "
        "hosts with idle CPUs to half the non-accelerator maximum of a DGX H100) the range.",
    },
    {
        "factor": "host_power",
        "case": "default",
        "distribution": "triangular",
        "basis": "relative",
        "low": 0.5,
        "high": 2.0,
        "unit": "",
        "source": "EcoLogits 0.11.3 (1.2 kW per 8-GPU server, central); NVIDIA DGX H100 "
        "user guide (10.2 kW maximum system power with 8 x 700 W GPUs: up to 575 W per GPU "
        "besides the GPUs at peak)",
        "justification": "A host share without a server class's bounds (e.g. a workload "
        "model's own): 0.5x covers lean hosts with idle CPUs, 2x busy hosts. Documented "
        "spread.",
    },
    {
        "factor": "pue",
        "case": "industry-average",
        "distribution": "triangular",
        "basis": "absolute",
        "low": 1.1,
        "high": 2.0,
        "unit": "",
        "source": "datacenters.csv: hyperscaler fleet averages 1.09-1.15 (Google, AWS); "
        "Uptime Institute Global Data Center Survey (industry average, central)",
        "justification": "A facility nobody names may be anything from a hyperscale hall "
        "(fleet averages about 1.1) to an older enterprise room (2.0, documented assumption "
        "for the upper end of survey responses).",
    },
    {
        "factor": "pue",
        "case": "operator",
        "distribution": "triangular",
        "basis": "relative",
        "low": 0.95,
        "high": 1.10,
        "unit": "",
        "source": "datacenters.csv operator rows (fleet averages, best-site and newest-design "
        "values where published: AWS best sites 1.04-1.07 around 1.15; Microsoft 1.12 newest "
        "vs 1.18 fleet)",
        "justification": "A job runs in one site, not the fleet average: sites sit a few "
        "percent below to about 10% above the published fleet value. Widened to the dataset's "
        "own pue_low/pue_high where those differ.",
    },
    {
        "factor": "wue",
        "case": "industry-average",
        "distribution": "triangular",
        "basis": "relative",
        "low": 0.25,
        "high": 1.75,
        "unit": "",
        "source": "Shehabi et al. 2016, LBNL-1005775 (1.8 L/kWh, central); Li, Yang, Islam, "
        "Ren 2023, arXiv:2304.03271 (on-site WUE varies with climate, season and cooling)",
        "justification": "On-site water ranges from near zero (dry or closed-loop cooling) to "
        "well above the average (evaporative cooling in hot, dry places); +/-75% is a "
        "documented assumption.",
    },
    {
        "factor": "wue",
        "case": "operator",
        "distribution": "triangular",
        "basis": "relative",
        "low": 0.5,
        "high": 1.5,
        "unit": "",
        "source": "datacenters.csv operator rows; Li et al. 2023, arXiv:2304.03271 (site and "
        "seasonal variation of WUE)",
        "justification": "Fleet averages hide site and season: +/-50% documented assumption, "
        "widened to the dataset's wue_low/wue_high where those differ.",
    },
    {
        "factor": "ewif",
        "case": "dataset",
        "distribution": "triangular",
        "basis": "data",
        "low": None,
        "high": None,
        "unit": "L/kWh",
        "source": "water_factors.csv (Macknick et al. 2012 via GCAM: consumption_low_l_per_kwh, "
        "consumption_high_l_per_kwh per technology) x generation_mix.csv",
        "justification": "Low: the zone's mix with every technology at its lowest fresh-water "
        "consumption and hydropower evaporation excluded (the hydro treatment is contested); "
        "high: every technology at its highest, hydro included. With --hydro exclude both "
        "bounds exclude hydro.",
    },
    {
        "factor": "intensity",
        "case": "vintage",
        "distribution": "triangular",
        "basis": "data",
        "low": None,
        "high": None,
        "unit": "gCO2e/kWh",
        "source": "grid_intensity.csv (Ember via OWID) and the other intensity tables of the zone",
        "justification": "When the data year differs from the job's year (nearest-year "
        "substitution, or no year given), the range spans the zone's values from the asked "
        "year to the year used, one year either side.",
    },
    {
        "factor": "intensity",
        "case": "within-country",
        "distribution": "triangular",
        "basis": "data",
        "low": 0.1,
        "high": 0.9,
        "unit": "gCO2e/kWh",
        "source": "grid_intensity_subnational.csv (US states: EPA eGRID CO2e output rates "
        "via NREL ComStock and CodeCarbon; Canadian provinces: CodeCarbon): 10th and 90th "
        "percentiles of the country's sub-national zones in the nearest year with at least "
        "10 of them",
        "justification": "A country's average hides where in the country the data centre "
        "is: Patterson et al. 2021 report 0.177 to 0.545 kgCO2e/kWh for Google's US sites "
        "in 2019-2020 against a US average near 0.43. When the region is a whole country "
        "with sub-national data, the range reaches the 10th and 90th percentiles of its "
        "zones (unweighted; low and high are those percentiles). Give the state, balancing "
        "authority or cloud region to narrow it.",
    },
    {
        "factor": "embodied_accelerator",
        "case": "dataset",
        "distribution": "triangular",
        "basis": "data",
        "low": None,
        "high": None,
        "unit": "kgCO2e",
        "source": "embodied.csv (embodied_low_kgco2e, embodied_high_kgco2e per accelerator)",
        "justification": "Card PCF to EcoLogits' Hubblo-based figure; chip-model rows from the "
        "bare chip to the chip scaled like EcoLogits' H100 figure (see embodied.csv).",
    },
    {
        "factor": "embodied_host",
        "case": "dataset",
        "distribution": "triangular",
        "basis": "data",
        "low": None,
        "high": None,
        "unit": "kgCO2e",
        "source": "embodied.csv server rows (embodied_low_kgco2e, embodied_high_kgco2e) "
        "divided by accelerators_per_server",
        "justification": "From the 2,500 kgCO2e server BLOOM used to EcoLogits' 6,000 kgCO2e "
        "DGX base server.",
    },
    {
        "factor": "lifetime",
        "case": "default",
        "distribution": "triangular",
        "basis": "absolute",
        "low": 3.0,
        "high": 6.0,
        "unit": "year",
        "source": "EcoLogits (3 years, after NVIDIA's HGX H100 PCF); LLMCarbon (5 years); "
        "Luccioni et al. 2022 (6 years, IDRIS replacement rate for Jean Zay)",
        "justification": "Accelerator servers are replaced after 3 to 6 years in the sources; "
        "footprint's central 4 years sits inside that range.",
    },
    {
        "factor": "life_utilization",
        "case": "default",
        "distribution": "triangular",
        "basis": "absolute",
        "low": 0.5,
        "high": 1.0,
        "unit": "",
        "source": "Luccioni et al. 2022, arXiv:2211.02001 sec. 4.1 (85% average usage over "
        "life, IDRIS figure, central)",
        "justification": "A fully booked fleet approaches 1.0; shared research clusters idle "
        "between jobs (0.5, documented assumption).",
    },
    {
        "factor": "model_parameters",
        "case": "closed-model",
        "distribution": "triangular",
        "basis": "workload",
        "low": None,
        "high": None,
        "unit": "",
        "source": "the workload's model catalogue (parameter ranges of closed models where only "
        "estimates exist)",
        "justification": "A workload factor with a Spread and extra['scales'] = "
        "{'accelerator_hours': exponent} is sampled and scales accelerator-hours by "
        "(sample / value) ** exponent.",
    },
]


def intensity_method_row() -> dict[str, object]:
    """The provider/method spread of grid intensity, from the two curated tables."""
    for path in (EMBER, ELECTRICITY_MAPS):
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: build the grid tables first")
    ember = pd.read_csv(EMBER)
    em = pd.read_csv(ELECTRICITY_MAPS)
    both = ember.merge(em, on=["zone", "year"], suffixes=("_ember", "_em"))
    both = both[(both["intensity_g_per_kwh_ember"] > 0) & (both["intensity_g_per_kwh_em"] > 0)]
    ratio = both["intensity_g_per_kwh_em"] / both["intensity_g_per_kwh_ember"]
    low, high = (round(float(x), 3) for x in np.percentile(ratio, [10, 90]))
    return {
        "factor": "intensity",
        "case": "method",
        "distribution": "triangular",
        "basis": "relative",
        "low": low,
        "high": high,
        "unit": "",
        "source": "ratio of Electricity Maps yearly lifecycle intensity (via CO2.js; contains "
        "information from Electricity Maps, made available under the ODbL 1.0) to Ember's "
        "(via Our World in Data, CC BY 4.0): 10th and 90th percentiles over "
        f"{len(ratio)} zone-years in {both['zone'].nunique()} zones "
        f"({int(both['year'].min())}-{int(both['year'].max())})",
        "justification": "Two reputable providers disagree on a zone-year by this much "
        "(method, boundary, imports); applied to every dataset intensity, and widened by the "
        "zone's other dataset values for the same year where present.",
    }


def build(sources: Path, out: Path) -> list[Path]:
    """Write ``uncertainty.csv`` into ``out``; returns the paths written."""
    rows = list(STATIC_ROWS)
    rows.insert(7, intensity_method_row())
    df = pd.DataFrame(rows, columns=COLUMNS)
    if df["source"].str.strip().eq("").any() or df[["factor", "case"]].duplicated().any():
        raise ValueError("uncertainty.csv: rows need a source and a unique (factor, case)")
    return [write_csv(df, out / OUTPUT)]
