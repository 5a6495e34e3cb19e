"""Declarations of every curated data file's schema: columns, units and physically
justified ranges (:data:`SCHEMAS`, keyed by path relative to the datasets directory), the
generation :data:`TECHNOLOGIES`, and :func:`schema_for`.

The checking machinery is in :mod:`footprint.data.schemas`, which re-exports these names; the
model (:class:`~footprint.data.schema_types.Column`, :class:`~footprint.data.schema_types.Schema`)
is in :mod:`footprint.data.schema_types`. Pure standard library and cheap to import.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from footprint.data.schema_types import Schema, flag, number, source_columns, text

__all__ = ["SCHEMAS", "TECHNOLOGIES", "schema_for"]


# --- ranges ---------------------------------------------------------------------------------
# One place for each physical bound; every value shipped today lies inside (the comment
# gives the shipped extreme), and the hostile cases of the hardening issue fall outside.

#: Years of data and releases. The sources start in 2000 (OWID/Ember) or later (hardware
#: 2016, prices 2007); 1990 leaves room for older statistics, 2050 for projections, and a
#: typo such as 20223 or 223 fails.
YEARS = (1990, 2050)

#: Carbon intensity of electricity, gCO2e/kWh. Highest annual mean in any shipped table:
#: 1,306.72 (Turkmenistan 2010, Ember via OWID, lifecycle); hourly maximum 982.2 (NREL
#: Cambium 2022 Mid-case, RMPA, modelled 2024; measured: 808.21, Electricity Maps AU-NSW 2024).
#: The least efficient lignite units emit about 1,200-1,400 g/kWh over their lifecycle,
#: so no grid, region or hour can exceed 1,700 (about 30 % above the shipped maximum);
#: 0 is allowed (Google reports 0 for some regions' hours matched with carbon-free energy
#: and a hydro-only grid rounds to almost 0). A negative intensity is never valid.
INTENSITY_G_PER_KWH = (0.0, 1700.0)

#: Power usage effectiveness = facility energy / IT energy, >= 1 by definition. Shipped
#: 1.08-1.58; Uptime's worst industry average was about 2.5 (2007); 3.0 is beyond any
#: fleet or survey figure, and 0.5 (less energy than the IT load) is impossible.
PUE = (1.0, 3.0)

#: On-site water usage effectiveness, L/kWh of IT energy. Shipped 0.12-1.8; 0 is dry or
#: free cooling; evaporative cooling in hot, dry climates reaches about 5 L/kWh at the
#: site level; 10 is above any reported figure.
WUE_L_PER_KWH = (0.0, 10.0)

#: Operational water consumption of generation, L/kWh (= m3/MWh). Shipped 0-17 (hydro
#: reservoir evaporation, GCAM's single value); the highest hydro estimates in the
#: literature reviewed by Macknick et al. 2012 reach about 68 L/kWh; 100 is above all.
WATER_CONSUMPTION_L_PER_KWH = (0.0, 100.0)

#: Water withdrawal of generation, L/kWh. Shipped max 75.98 (nuclear, mean of wet
#: cooling); once-through cooling withdraws at most about 230 L/kWh (Macknick 2012).
WATER_WITHDRAWAL_L_PER_KWH = (0.0, 500.0)

#: Electricity price, currency (EUR today) per kWh, > 0. Shipped 0.0249-0.5871 (Eurostat,
#: 2022 crisis peak); 5 per kWh is ten times any retail or industrial price, while a price
#: per MWh or in cents (20-600) entered per kWh fails. Revisit for low-value currencies.
PRICE_PER_KWH = (0.0, 5.0)

#: Board power (TDP/TBP) of one accelerator, W, > 0. Shipped 70 (T4) to 1,400 (B300);
#: announced next-generation packages stay below about 3.6 kW; 5 kW catches a whole
#: server's power entered as one accelerator's.
TDP_W = (0.0, 5000.0)

#: Embodied emissions of one accelerator, server or chip, kgCO2e, >= 0. Shipped 11.6 (a
#: chip alone) to 6,000 (an 8-GPU server, high estimate); 50,000 covers a rack-scale
#: system (72 GPUs with their hosts) while catching grams entered as kilograms.
EMBODIED_KGCO2E = (0.0, 50_000.0)

#: On-package memory of one accelerator, GB. Shipped 16-288; 2,048 leaves room for
#: several HBM generations.
MEMORY_GB = (0.0, 2048.0)

#: Die area, mm2 (several dies summed for multi-die packages). Shipped 294-1,628; a
#: wafer-scale engine is 46,225 mm2, so 50,000 is the physical ceiling.
DIE_AREA_MM2 = (0.0, 50_000.0)

#: Process node, nm (vendor naming). Shipped 3-16; 1-100 covers past and coming nodes.
PROCESS_NM = (1.0, 100.0)

#: A fraction of a whole (generation shares, carbon-free or renewable shares).
SHARE = (0.0, 1.0)

#: Annual electricity generation of one zone, TWh, > 0. Shipped max 28,528 (World 2022);
#: 50,000 leaves room for growth to 2050. Zone-years with zero generation are not shipped.
GENERATION_TWH = (0.0, 50_000.0)

#: Hourly net generation of one balancing authority, MWh. Shipped 1,004-152,194 (PJM);
#: 1,000,000 MWh in one hour is 1 TW, above the peak load of any grid (US about 750 GW).
GENERATION_MWH = (0.0, 1_000_000.0)

#: Latitude and longitude, degrees (WGS84).
LATITUDE = (-90.0, 90.0)
LONGITUDE = (-180.0, 180.0)

#: Annual global horizontal irradiation, kWh/m2. Shipped 829-2,209; clear-sky irradiation
#: cannot exceed the extraterrestrial horizontal irradiation, at most about 3,800 kWh/m2
#: per year (at the equator).
GHI_KWH_PER_M2 = (0.0, 3800.0)

#: Model sizes in billions of parameters, > 0. Shipped 0.49-2,000 (closed-model estimate);
#: 100,000 (100 trillion) is footprint.catalogues.models.MAX_PARAMS_B, beyond which a count was
#: probably given in parameters instead of billions.
PARAMS_B = (0.0, 1e5)

#: Energy of one inference request, Wh, > 0. Shipped 0.047-2.907; a long video
#: generation is in the order of 1 kWh; 10 kWh per request is a unit error.
ENERGY_WH_PER_REQUEST = (0.0, 10_000.0)

#: Uncertainty bounds: relative multipliers (0.25-6 shipped), PUE (1.1-2), years of
#: lifetime (3-6) or utilisation (0.5-1); all positive and small, 100 catches a slip.
UNCERTAINTY_BOUND = (0.0, 100.0)


# --- the schemas ----------------------------------------------------------------------------

_GRID_INTENSITY = (
    text("zone"),
    number("year", "year", *YEARS, kind="int"),
    number("intensity_g_per_kwh", "gCO2e/kWh", *INTENSITY_G_PER_KWH),
    # lifecycle (Ember/IPCC factors) or direct (eGRID combustion only)
    text("basis", choices=("lifecycle", "direct")),
    *source_columns("dataset", "source"),
)

#: Zones of the hourly series beyond EIA-930 (``hourly/cambium/zones.csv``,
#: ``share-alike/hourly/zones.csv``): the footprint grid zone each stands for (its annual
#: factors; ``covers`` = ``zone`` when a region in that zone resolves to it, ``part`` when it
#: is only a part, reached by name), and the marginal series it has, if any.
_HOURLY_SERIES_ZONES = (
    text("zone"),
    text("grid_zone"),
    text("covers", choices=("zone", "part")),
    text("name"),
    text("country", pattern=r"[A-Z]{2}"),
    text("timezone"),
    # ';'-separated years with an hourly file each
    text("years", pattern=r"\d{4}(;\d{4})*"),
    text("dataset"),
    text("basis"),
    text("marginal", empty=True),
    text("note"),
    text("source"),
)

#: Generation technologies of the mix tables (``<tech>_share`` columns); footprint.places.water
#: uses the same tuple.
TECHNOLOGIES = (
    "coal",
    "gas",
    "oil",
    "nuclear",
    "hydro",
    "wind",
    "solar",
    "bioenergy",
    "other_renewables",
)
_SHARE_NAMES = tuple(f"{t}_share" for t in TECHNOLOGIES)


def _generation_mix(file: str, empty_twh: bool) -> Schema:
    return Schema(
        file,
        (
            text("zone"),
            number("year", "year", *YEARS, kind="int"),
            number("generation_twh", "TWh", *GENERATION_TWH, empty=empty_twh, low_open=True),
            *(number(s, "", *SHARE) for s in _SHARE_NAMES),
            *source_columns("dataset", "source"),
        ),
        key=("zone", "year"),
        # Shares are written with 10 significant digits: the sum is 1 to about 1e-9.
        shares=_SHARE_NAMES,
        shares_tolerance=1e-6,
    )


def _zones(file: str) -> Schema:
    return Schema(
        file,
        (
            text("zone"),
            text("name"),
            text("kind"),
            text("iso3", empty=True, pattern=r"[A-Z]{3}"),
            text("parent", empty=True),
            text("aliases", empty=True),
            text("source"),
        ),
        key=("zone",),
    )


SCHEMAS: dict[str, Schema] = {
    s.file: s
    for s in (
        Schema(
            "accelerators.csv",
            (
                text("name"),
                text("vendor"),
                text("family"),
                text("form_factor"),
                # blank: no TDP (the estimate then asks for --power); every shipped row
                # has one, a derived one with its range and basis (tdp_basis)
                number("tdp_w", "W", *TDP_W, empty=True, low_open=True),
                number("tdp_low_w", "W", *TDP_W, empty=True, low_open=True),
                number("tdp_high_w", "W", *TDP_W, empty=True, low_open=True),
                number("memory_gb", "GB", *MEMORY_GB, low_open=True),
                # shipped 300-8,000 GB/s; 100 TB/s is far beyond any memory technology
                number("memory_bandwidth_gb_per_s", "GB/s", 0.0, 100_000.0, low_open=True),
                # dense peaks: shipped BF16 18.7-2,517, FP8 190-5,033, FP32 3-181 TFLOP/s;
                # 100,000 TFLOP/s (100 PFLOP/s per chip) is beyond any announced part
                number(
                    "peak_bf16_dense_tflop_per_s", "TFLOP/s", 0.0, 1e5, empty=True, low_open=True
                ),
                number(
                    "peak_fp8_dense_tflop_per_s", "TFLOP/s", 0.0, 1e5, empty=True, low_open=True
                ),
                number("peak_fp32_tflop_per_s", "TFLOP/s", 0.0, 1e5, empty=True, low_open=True),
                number("release_year", "year", *YEARS, kind="int"),
                number("die_area_mm2", "mm2", *DIE_AREA_MM2, empty=True, low_open=True),
                number("process_nm", "nm", *PROCESS_NM, empty=True),
                text("aliases", empty=True),
                # blank: tdp_w as the source lists it; else how it was derived
                text("tdp_basis", empty=True),
                *source_columns("source", "source_url"),
                text("notes", empty=True),
            ),
            key=("name",),
            ordered=(("tdp_low_w", "tdp_w", "tdp_high_w"),),
        ),
        Schema(
            "accelerator_prices.csv",
            (
                text("name"),
                # release prices: a few hundred dollars (consumer cards) to ~50,000 USD;
                # 1e6 USD for one accelerator is beyond any part sold
                number("purchase_price_usd", "USD", 0.0, 1e6, low_open=True),
                text("release_date"),
                text("epoch_row"),
                *source_columns("source", "source_url"),
                text("note"),
            ),
            key=("name",),
        ),
        Schema(
            "mfu_evidence.csv",
            (
                text("run"),
                number("active_params_b", "", 0.0, 1e5, low_open=True),
                text("accelerator"),
                number("accelerator_release_year", "year", *YEARS, kind="int"),
                text("generation", choices=("pre-2022", "2022+")),
                # a whole run's MFU: a few percent to the ~60% best reported
                number("mfu", "", 0.0, 1.0, low_open=True),
                text("kind", choices=("reported", "implied")),
                text("derivation"),
                *source_columns("source", "source_url"),
            ),
            key=("run",),
        ),
        Schema(
            "mfu_prior.csv",
            (
                text("generation", choices=("pre-2022", "2022+")),
                number("intercept", "", -1.0, 1.0),
                number("slope_per_decade", "", -1.0, 1.0),
                number("low_factor", "", 0.0, 1.0, low_open=True),
                number("high_factor", "", 1.0, 10.0),
                number("n_runs", "", 1, 10_000, kind="int"),
                text("derivation"),
            ),
            key=("generation",),
        ),
        Schema(
            "server_classes.csv",
            (
                text("server_class"),
                text("form_factors"),
                number("accelerators_per_server", "", 1, 1000, kind="int"),
                text("reference_system"),
                number("system_max_w", "W", 100.0, 1e6, empty=True),
                number("training_tdp_fraction", "", 0.0, 1.0, low_open=True),
                number("training_tdp_fraction_low", "", 0.0, 1.0, low_open=True),
                number("training_tdp_fraction_high", "", 0.0, 1.0, low_open=True),
                number("serving_tdp_fraction", "", 0.0, 1.0, low_open=True),
                number("serving_tdp_fraction_low", "", 0.0, 1.0, low_open=True),
                number("serving_tdp_fraction_high", "", 0.0, 1.0, low_open=True),
                # a server's non-accelerator draw: tens of watts to a few kW per accelerator
                number("host_w_per_accelerator", "W", 0.0, 5000.0),
                number("host_low_w_per_accelerator", "W", 0.0, 5000.0),
                number("host_high_w_per_accelerator", "W", 0.0, 5000.0),
                *source_columns("source", "source_url"),
                text("derivation"),
            ),
            key=("server_class",),
            ordered=(
                (
                    "training_tdp_fraction_low",
                    "training_tdp_fraction",
                    "training_tdp_fraction_high",
                ),
                ("serving_tdp_fraction_low", "serving_tdp_fraction", "serving_tdp_fraction_high"),
                (
                    "host_low_w_per_accelerator",
                    "host_w_per_accelerator",
                    "host_high_w_per_accelerator",
                ),
            ),
        ),
        Schema(
            "servers.csv",
            (
                text("name"),
                text("aliases", empty=True),
                text("vendor"),
                text("form", choices=("server", "rack")),
                # a name footprint.catalogues.hardware resolves (tests/test_fleet.py)
                text("accelerator"),
                # shipped 8-72; 1,024 is ample for a rack-scale system
                number("accelerators_per_server", "", 1, 1024, kind="int"),
                # shipped 6.5 (DGX A100) to 120 (a GB200 NVL72 rack); 2 MW would be a
                # row of racks, or watts entered as kilowatts
                number("max_system_power_kw", "kW", 0.0, 2000.0, low_open=True),
                number("typical_power_kw", "kW", 0.0, 2000.0, empty=True, low_open=True),
                number("release_year", "year", *YEARS, kind="int"),
                *source_columns("source", "source_url"),
                text("notes", empty=True),
            ),
            key=("name",),
        ),
        Schema(
            "cloud_instances.csv",
            (
                text("provider", choices=("aws", "gcp", "azure")),
                text("instance_type"),
                # a name footprint.catalogues.hardware resolves (tests/test_billing.py)
                text("accelerator"),
                # shipped 1-16 (a2-megagpu-16g, trn1.32xlarge); 72 is a rack-scale system
                number("accelerators_per_instance", "", 1, 72, kind="int"),
                # shipped 4-224; 1,000 vCPUs or 50 TiB is beyond any instance offered
                number("vcpus", "", 1, 1000, empty=True, kind="int"),
                number("memory_gib", "GiB", 0.0, 50_000.0, empty=True, low_open=True),
                text("provider_accelerator", empty=True),
                *source_columns("source", "source_url"),
                text("notes", empty=True),
            ),
            key=("provider", "instance_type"),
        ),
        Schema(
            "electricity_demand.csv",
            (
                text("zone"),
                number("year", "year", *YEARS, kind="int"),
                # a country's annual demand: shipped 0.01-8,500 TWh (China 2021)
                number("demand_twh", "TWh", *GENERATION_TWH, low_open=True),
                *source_columns("dataset", "source"),
            ),
            key=("zone", "year"),
        ),
        Schema(
            "cloud_region_factors.csv",
            (
                text("region"),
                number("year", "year", *YEARS, kind="int"),
                number("intensity_g_per_kwh", "gCO2e/kWh", *INTENSITY_G_PER_KWH),
                number("cfe_share", "", *SHARE, empty=True),
                *source_columns("dataset", "source", "source_url"),
            ),
            key=("region", "year", "dataset"),
        ),
        Schema(
            "cloud_regions.csv",
            (
                text("region"),
                text("provider"),
                text("code"),
                text("display_name"),
                # empty below city level: only a state or the country is published
                text("city", empty=True),
                text("country"),
                text("grid_zone"),
                text("balancing_authority", empty=True),
                number("latitude", "degree", *LATITUDE, empty=True),
                number("longitude", "degree", *LONGITUDE, empty=True),
                # empty: no published fleet PUE (the facility-class defaults apply)
                text("operator", empty=True),
                text("location_level", choices=("city", "state", "country")),
                text("source"),
                # the provider's published region list (empty: named in the raw sources)
                text("source_url", empty=True, pattern=r"https?://\S+"),
                text("retrieved", empty=True, pattern=r"\d{4}-\d{2}-\d{2}"),
                text("notes", empty=True),
            ),
            key=("region",),
        ),
        Schema(
            "datacenters.csv",
            (
                text("operator"),
                number("year", "year", *YEARS, kind="int"),
                number("pue", "", *PUE),
                number("pue_low", "", *PUE),
                number("pue_high", "", *PUE),
                number("wue_l_per_kwh", "L/kWh", *WUE_L_PER_KWH, empty=True),
                number("wue_low_l_per_kwh", "L/kWh", *WUE_L_PER_KWH, empty=True),
                number("wue_high_l_per_kwh", "L/kWh", *WUE_L_PER_KWH, empty=True),
                text("scope"),
                *source_columns("source", "source_url"),
                text("notes", empty=True),
            ),
            key=("operator", "year"),
            ordered=(
                ("pue_low", "pue", "pue_high"),
                ("wue_low_l_per_kwh", "wue_l_per_kwh", "wue_high_l_per_kwh"),
            ),
        ),
        Schema(
            "electricity_prices.csv",
            (
                text("zone"),
                number("year", "year", *YEARS, kind="int"),
                text("consumer", choices=("household", "non-household")),
                number("price_per_kwh", "currency/kWh", *PRICE_PER_KWH, low_open=True),
                # half-year prices; blank when Eurostat published only the other half
                number(
                    "price_s1_per_kwh", "currency/kWh", *PRICE_PER_KWH, empty=True, low_open=True
                ),
                number(
                    "price_s2_per_kwh", "currency/kWh", *PRICE_PER_KWH, empty=True, low_open=True
                ),
                text("periods", choices=("S1", "S2", "S1;S2")),
                text("currency", pattern=r"[A-Z]{3}"),
                text("taxes"),
                text("consumption_band"),
                *source_columns("dataset", "source"),
            ),
            key=("zone", "year", "consumer"),
        ),
        Schema(
            "embodied.csv",
            (
                # the code treats every row that is not an accelerator as a server
                text("kind", choices=("accelerator", "server")),
                text("name"),
                number("embodied_kgco2e", "kgCO2e", *EMBODIED_KGCO2E),
                number("embodied_low_kgco2e", "kgCO2e", *EMBODIED_KGCO2E),
                number("embodied_high_kgco2e", "kgCO2e", *EMBODIED_KGCO2E),
                text("method"),
                # shipped 8; a rack-scale system holds 72 accelerators, 1,024 is ample
                number("accelerators_per_server", "", 1, 1024, kind="int", empty=True),
                number("die_area_mm2", "mm2", *DIE_AREA_MM2, empty=True, low_open=True),
                number("process_nm", "nm", *PROCESS_NM, empty=True),
                # LLMCarbon: 1.0-1.87 kgCO2e/cm2 for 16-3 nm; 10 is above any fab estimate
                number("carbon_per_area_kgco2e_per_cm2", "kgCO2e/cm2", 0.0, 10.0, empty=True),
                number("memory_gb", "GB", *MEMORY_GB, empty=True, low_open=True),
                # LLMCarbon: 0.4 kgCO2e/GB of HBM; 10 is above any memory LCA
                number("carbon_per_memory_kgco2e_per_gb", "kgCO2e/GB", 0.0, 10.0, empty=True),
                number("chip_kgco2e", "kgCO2e", *EMBODIED_KGCO2E, empty=True),
                text("derivation"),
                text("source"),
            ),
            key=("name",),
            ordered=(("embodied_low_kgco2e", "embodied_kgco2e", "embodied_high_kgco2e"),),
        ),
        Schema(
            "equivalences.csv",
            (
                text("key"),
                text("zone"),
                number("year", "year", *YEARS, kind="int"),
                # everyday reference amounts in the row's unit (gCO2e/km, kWh, L, m^3,
                # kgCO2e): shipped 2-56,059 (kWh per person-year, Iceland); positive, and
                # 10 million of any of these units per reference is a slip
                number("value", "see unit", 0.0, 1e7, low_open=True),
                text("unit"),
                text("per"),
                text("quantity", choices=("co2e", "energy", "water")),
                text("label"),
                text("licence"),
                *source_columns("source", "source_url"),
                text("note", empty=True),
            ),
            # footprint.places.equivalences indexes the table by (key, zone)
            key=("key", "zone"),
        ),
        _generation_mix("generation_mix.csv", empty_twh=False),
        _generation_mix("generation_mix_subnational.csv", empty_twh=True),
        Schema("grid_intensity.csv", _GRID_INTENSITY, key=("zone", "year")),
        Schema("grid_intensity_subnational.csv", _GRID_INTENSITY, key=("zone", "year")),
        # before "hourly/*_*.csv.gz", whose "*" also matches "cambium/<region>"
        Schema(
            "hourly/cambium/*_*.csv.gz",
            (
                text("timestamp_utc", pattern=r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z"),
                # average emission rate (Cambium aer_load_co2e), kgCO2e/MWh = gCO2e/kWh
                number("intensity_g_per_kwh", "gCO2e/kWh", *INTENSITY_G_PER_KWH),
                # long-run marginal emission rate (Cambium LRMER): shipped 4.8-625.4
                number("marginal_g_per_kwh", "gCO2e/kWh", *INTENSITY_G_PER_KWH),
                text("source"),
            ),
            key=("timestamp_utc",),
            # Cambium's 8,760 modelled hours (no 29 February)
            min_rows=8760,
        ),
        Schema("hourly/cambium/zones.csv", _HOURLY_SERIES_ZONES, key=("zone",)),
        Schema(
            "hourly/*_*.csv.gz",
            (
                text("timestamp_utc", pattern=r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z"),
                number("intensity_g_per_kwh", "gCO2e/kWh", *INTENSITY_G_PER_KWH),
                number("generation_mwh", "MWh", *GENERATION_MWH),
                *(number(s, "", *SHARE) for s in _SHARE_NAMES),
                flag("estimated", "1", "0"),
                text("source"),
            ),
            key=("timestamp_utc",),
            # shares are rounded to 4 decimals: nine of them miss 1 by up to 9 x 5e-5
            shares=_SHARE_NAMES,
            shares_tolerance=1e-3,
            # one row per hour of a year (8,784 in a leap year)
            min_rows=8760,
        ),
        Schema(
            "hourly/cloud_regions.csv",
            (text("region"), text("timezone"), text("source"), text("notes", empty=True)),
            key=("region",),
        ),
        Schema(
            "hourly/zones.csv",
            (
                text("zone"),
                text("eia_code"),
                text("name"),
                text("country"),
                text("timezone"),
                # ';'-separated years with an hourly file each
                text("years", pattern=r"\d{4}(;\d{4})*"),
                text("dataset"),
                text("control_centre"),
                text("source"),
            ),
            key=("zone",),
        ),
        Schema(
            "inference_presets.csv",
            (
                text("name"),
                text("title"),
                text("publisher"),
                text("published", pattern=r"\d{4}-\d{2}-\d{2}"),
                text("figure_as_published"),
                number("energy_wh_per_request", "Wh", *ENERGY_WH_PER_REQUEST, low_open=True),
                # shipped 0.02-0.03 g and 0.12-0.32 mL; 10 kg or 10,000 L per request
                # would be a unit slip
                number("co2e_g_per_request", "gCO2e", 0.0, 10_000.0, empty=True),
                number("water_ml_per_request", "mL", 0.0, 1e7, empty=True),
                text("includes_accelerator", choices=("yes", "no", "unknown")),
                text("includes_host", choices=("yes", "no", "unknown")),
                text("includes_idle", choices=("yes", "no", "unknown")),
                text("includes_facility_overhead", choices=("yes", "no", "unknown")),
                number("pue_in_figure", "", *PUE, empty=True),
                text("co2e_basis", empty=True),
                text("water_scope", empty=True),
                text("hardware"),
                text("boundary"),
                *source_columns("source", "source_url"),
                text("notes", empty=True),
            ),
            key=("name",),
        ),
        Schema(
            "licences.csv",
            (text("file"), text("licence"), text("attribution")),
            key=("file",),
        ),
        Schema(
            "dataset_vintages.csv",
            (
                text("file", pattern=r"[a-z0-9_/-]+\.csv"),
                text("year_column", empty=True, pattern=r"[a-z_]+"),
                text("edition"),
                # the source's own publication: a year, a month or a day, where known
                text("published", empty=True, pattern=r"\d{4}(-\d{2}){0,2}"),
                text("retrieved", pattern=r"\d{4}-\d{2}-\d{2}"),
                number("min_newest_year", "year", *YEARS, kind="int", empty=True),
                text("stale_reason", empty=True),
                text("source"),
            ),
            key=("file",),
        ),
        Schema(
            "models.csv",
            (
                text("name"),
                text("aliases", empty=True),
                text("family"),
                text("developer"),
                text("architecture", choices=("dense", "moe")),
                # blank for closed models, which carry params_low_b/params_high_b instead
                number("total_params_b", "1e9 parameters", *PARAMS_B, empty=True, low_open=True),
                number("active_params_b", "1e9 parameters", *PARAMS_B, empty=True, low_open=True),
                number("params_low_b", "1e9 parameters", *PARAMS_B, empty=True, low_open=True),
                number("params_high_b", "1e9 parameters", *PARAMS_B, empty=True, low_open=True),
                # shipped 16-126 layers; 1,000 is beyond any published transformer
                number("n_layers", "", 1, 1000, kind="int", empty=True),
                # K and V elements per token and layer: shipped 256-10,240
                number("kv_elements_per_layer", "", 1, 1_000_000, kind="int", empty=True),
                # shipped 4,096-131,072 tokens; published windows reach 10 million
                number("context_tokens", "token", 1, 1e8, kind="int", empty=True),
                # footprint.catalogues.models reads 'true' (any case) as open, else closed
                flag("open_weights", "True", "False"),
                number("release_year", "year", *YEARS, kind="int"),
                # a provider's measured serving speed (EcoLogits): output tokens/s, TTFT
                number("deployment_tps", "token/s", 0.0, 1e5, empty=True, low_open=True),
                number("deployment_ttft_s", "s", 0.0, 600.0, empty=True),
                # a closed model's developer's own per-request figure: a preset name
                # (inference_presets.csv), checked by the builder
                text("disclosure", empty=True, pattern=r"[a-z0-9][a-z0-9.-]*"),
                *source_columns("source", "source_url"),
                text("notes", empty=True),
            ),
            key=("name",),
            ordered=(
                ("active_params_b", "total_params_b"),
                ("params_low_b", "params_high_b"),
            ),
        ),
        Schema(
            "share-alike/electricitymaps_yearly.csv",
            (
                text("zone"),
                number("year", "year", *YEARS, kind="int"),
                number("intensity_g_per_kwh", "gCO2e/kWh", *INTENSITY_G_PER_KWH),
                number("renewable_share", "", *SHARE),
                number("carbon_free_share", "", *SHARE),
                text("basis", choices=("lifecycle", "direct")),
                *source_columns("dataset", "source"),
            ),
            key=("zone", "year"),
        ),
        Schema(
            "share-alike/hourly/*_*.csv.gz",
            (
                text("timestamp_utc", pattern=r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z"),
                # Electricity Maps hourly lifecycle (LCA) and direct intensities
                number("intensity_g_per_kwh", "gCO2e/kWh", *INTENSITY_G_PER_KWH),
                number("intensity_direct_g_per_kwh", "gCO2e/kWh", *INTENSITY_G_PER_KWH),
                number("carbon_free_share", "", *SHARE),
                number("renewable_share", "", *SHARE),
                flag("estimated", "1", "0"),
                text("source"),
            ),
            key=("timestamp_utc",),
            # one row per hour of a year (8,784 in a leap year)
            min_rows=8760,
            ordered=(("renewable_share", "carbon_free_share"),),
        ),
        Schema("share-alike/hourly/zones.csv", _HOURLY_SERIES_ZONES, key=("zone",)),
        Schema(
            # IFI harmonised marginal factors (CC BY-SA 4.0): gCO2/kWh in the source, CO2
            # only, used as CO2e (noted); blank where the source gives 0 (no factor).
            # Shipped 17 (combined) to 1,575 (operating, Zimbabwe): the grid range holds.
            "share-alike/marginal_intensity.csv",
            (
                text("zone"),
                number("year", "year", *YEARS, kind="int"),
                *(
                    number(
                        f"{margin}_margin_g_per_kwh", "gCO2e/kWh", *INTENSITY_G_PER_KWH, empty=True
                    )
                    for margin in ("combined", "operating")
                ),
                text("ifi_name"),
                *source_columns("dataset", "source"),
            ),
            key=("zone", "year"),
        ),
        Schema(
            "solar_clearness.csv",
            (
                text("site"),
                text("name"),
                text("scope"),
                text("regions", empty=True),
                number("latitude", "degree", *LATITUDE),
                number("longitude", "degree", *LONGITUDE),
                # Dead Sea shore (-430 m) to the highest settlements (about 5,100 m)
                number("altitude_m", "m", -500.0, 6000.0),
                # annual GHI / clear-sky GHI, a ratio in (0, 1]; shipped 0.53-0.95
                number("clearness", "", 0.0, 1.0, low_open=True),
                number("ghi_kwh_per_m2", "kWh/m2", *GHI_KWH_PER_M2, low_open=True),
                number("ghi_clearsky_kwh_per_m2", "kWh/m2", *GHI_KWH_PER_M2, low_open=True),
                text("published"),
                text("weather_file"),
                text("method"),
                *source_columns("source", "source_url"),
            ),
            key=("site",),
            ordered=(("ghi_kwh_per_m2", "ghi_clearsky_kwh_per_m2"),),
        ),
        Schema(
            "solar_clearness_grid.csv",
            (
                text("cell", pattern=r"[NS]\d{2}[EW]\d{3}"),
                number("latitude", "degree", *LATITUDE),
                number("longitude", "degree", *LONGITUDE),
                # pvlib's altitude map at the grid point: below sea level (Caspian
                # depression, -86 m) to the Tibetan plateau (5,626 m)
                number("altitude_m", "m", -500.0, 6000.0),
                # all-sky / pvlib clear-sky GHI: MERRA-2 over deserts exceeds pvlib's clear
                # sky (Linke turbidity climatology), shipped 0.47-1.09 annual, 0.32-1.19
                # monthly; the builder refuses annual outside (0.2, 1.2), monthly above 1.5
                number("clearness", "", 0.0, 1.5, low_open=True),
                *(
                    number(f"clearness_m{m:02d}", "", 0.0, 1.5, low_open=True, empty=True)
                    for m in range(1, 13)
                ),
                number("ghi_kwh_per_m2", "kWh/m2", *GHI_KWH_PER_M2, low_open=True),
                number("ghi_clearsky_kwh_per_m2", "kWh/m2", *GHI_KWH_PER_M2, low_open=True),
                *source_columns("source"),
            ),
            key=("cell",),
        ),
        Schema(
            "uncertainty.csv",
            (
                text("factor"),
                text("case"),
                text("distribution", choices=("triangular", "uniform")),
                text("basis", choices=("absolute", "relative", "data", "workload")),
                # blank where the spread comes from the data or the workload
                number("low", "see unit", *UNCERTAINTY_BOUND, empty=True),
                number("high", "see unit", *UNCERTAINTY_BOUND, empty=True),
                text("unit", empty=True),
                text("source"),
                text("justification"),
            ),
            key=("factor", "case"),
            ordered=(("low", "high"),),
        ),
        Schema(
            "water_factors.csv",
            (
                text("technology", choices=TECHNOLOGIES),
                number("consumption_l_per_kwh", "L/kWh", *WATER_CONSUMPTION_L_PER_KWH),
                number("consumption_low_l_per_kwh", "L/kWh", *WATER_CONSUMPTION_L_PER_KWH),
                number("consumption_high_l_per_kwh", "L/kWh", *WATER_CONSUMPTION_L_PER_KWH),
                number("withdrawal_l_per_kwh", "L/kWh", *WATER_WITHDRAWAL_L_PER_KWH),
                text("derivation"),
                text("source"),
            ),
            key=("technology",),
            ordered=(
                (
                    "consumption_low_l_per_kwh",
                    "consumption_l_per_kwh",
                    "consumption_high_l_per_kwh",
                ),
            ),
        ),
        _zones("zones.csv"),
        _zones("zones_subnational.csv"),
    )
}


def schema_for(file: str) -> Schema | None:
    """The schema of data file ``file`` (path relative to the datasets directory), if any."""
    exact = SCHEMAS.get(file)
    if exact is not None:
        return exact
    for pattern, schema in SCHEMAS.items():
        if "*" in pattern and fnmatchcase(file, pattern):
            return schema
    return None
