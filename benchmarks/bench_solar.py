"""A year of hourly PV plus hour-by-hour accounting for one site (medians of repeated runs).

Run from the repository root: ``python benchmarks/bench_solar.py [runs]``.
Prints figures; asserts nothing (target: a year of PV + accounting under 1 s).

Timed, warm (data files and the unit registry loaded once before timing):

- ``pv year``: pvlib chain for 8,760 hours (solar position, Ineichen clear sky with
  Linke turbidity, Erbs split, Perez transposition, cell temperature, PVWatts DC/AC);
- ``pv year (TMY3)``: the same from pvlib's bundled Greensboro TMY3 file (read cached);
- ``account year + pv``: a constant 1 MW job over all of 2022 at aws:us-west-1 with a
  2 MWp array: PV, hourly grid (US-CAL-CISO), energy balance, CO2e/water, annual method,
  hourly table with local times;
- ``schedule week + pv``: best start of a 6 h job over a week, 15-minute steps.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def timed(fn, runs: int) -> list[float]:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def main(runs: int = 15) -> None:
    import pandas as pd
    import pvlib

    from footprint.analyses.hourly import LoadProfile, account_hourly
    from footprint.analyses.scheduling import schedule
    from footprint.places.site import Site
    from footprint.places.solar import on_site_solar

    site = Site(region="aws:us-west-1")
    solar = on_site_solar("2 MWp", region="aws:us-west-1", clearness=0.8)
    tmy = on_site_solar(
        "2 MWp", weather_file=Path(pvlib.__file__).parent / "data" / "723170TYA.CSV"
    )
    year = pd.date_range("2022-01-01", periods=8760, freq="h", tz="UTC")
    job = LoadProfile.from_job("2022-01-01T00:00Z", "8760 h", "1000 kW")

    cases = {
        "pv year": lambda: solar.run(year),
        "pv year (TMY3)": lambda: tmy.run(year),
        "account year + pv": lambda: account_hourly(job, site, solar=solar),
        "schedule week + pv": lambda: schedule(
            "6 h",
            "500 kW",
            "2022-07-01T00:00Z",
            "2022-07-08T00:00Z",
            site,
            solar=solar,
            step="15 min",
        ),
    }
    print(f"footprint solar/hourly benchmark, {runs} runs each (median, min, max in s)")
    for name, fn in cases.items():
        t = timed(fn, runs)
        print(f"  {name:<20} median {statistics.median(t):.3f}  min {min(t):.3f}  max {max(t):.3f}")
    result = account_hourly(job, site, solar=solar)
    share = result.results["solar_share"].m
    print(f"  (check: {len(result.hourly)} hours accounted, solar share {share:.1%})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
