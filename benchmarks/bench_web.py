"""Timings of the web calculator (issue 19); medians over repeated runs, nothing asserted.

Run from the repository root with the web extra installed:
``python benchmarks/bench_web.py [runs]``. Prints:

- start-up: from starting ``footprint serve --port N`` (a fresh process) to the first
  ``200`` answer of ``/`` (target under 1 s);
- a results page of an estimate, rendered warm (GET of the training page with inputs,
  computation and template; target under 300 ms), and its first, cold rendering in a
  fresh server;
- a results page of a 200-country comparison (``--all-countries``: every country with
  data; target under 1 s).

Every request goes to 127.0.0.1 only; each loop is bounded.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ESTIMATE = {"accelerator": "H100-SXM", "gpu_hours": "39.3e6", "region": "US", "year": "2023"}
COMPARE = {"accelerator": "H100-SXM", "gpu_hours": "1e6", "all_countries": "1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str, timeout: float = 30) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:  # noqa: S310 - 127.0.0.1 only
            return r.status, r.read()
    except OSError:
        return 0, b""


def start(port: int) -> tuple[subprocess.Popen[bytes], float]:
    """A fresh ``footprint serve --port PORT`` and the seconds until ``/`` answered 200."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "footprint", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
    )
    deadline = t0 + 30
    while time.perf_counter() < deadline:
        status, _ = get(f"http://127.0.0.1:{port}/", timeout=2)
        if status == 200:
            return proc, time.perf_counter() - t0
        if proc.poll() is not None:
            raise SystemExit("footprint serve exited")
        time.sleep(0.005)
    proc.terminate()
    raise SystemExit("footprint serve did not answer within 30 s")


def timed(url: str) -> float:
    t0 = time.perf_counter()
    status, body = get(url)
    elapsed = time.perf_counter() - t0
    if status != 200 or b'id="result"' not in body:
        raise SystemExit(f"no result from {url} ({status})")
    return elapsed


def main(runs: int = 5) -> None:
    starts, colds = [], []
    for _ in range(runs):
        port = free_port()
        proc, seconds = start(port)
        starts.append(seconds)
        colds.append(timed(f"http://127.0.0.1:{port}/training?{urlencode(ESTIMATE)}"))
        proc.terminate()
        proc.wait(timeout=10)
    port = free_port()
    proc, _ = start(port)
    try:
        base = f"http://127.0.0.1:{port}"
        timed(f"{base}/compare?{urlencode(COMPARE)}")  # the comparison's first run
        estimates = [timed(f"{base}/training?{urlencode(ESTIMATE)}") for _ in range(runs * 4)]
        compares = [timed(f"{base}/compare?{urlencode(COMPARE)}") for _ in range(runs)]
        _, body = get(f"{base}/compare?{urlencode(COMPARE)}")
        countries = body.count(b'<tr><td class="n">')
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    load = os.getloadavg()[0]
    print(f"web calculator, {runs} runs, load average {load:.2f} ({os.cpu_count()} cores)")
    print(f"  start to first 200 (footprint serve)  median {statistics.median(starts):.3f} s"
          f"  (target < 1 s; runs {', '.join(f'{s:.2f}' for s in starts)})")
    print(f"  estimate results page, first (cold)   median {statistics.median(colds) * 1e3:.0f} ms")
    print(f"  estimate results page, warm           median "
          f"{statistics.median(estimates) * 1e3:.1f} ms  (target < 300 ms)")
    print(f"  comparison of {countries} countries, page  median "
          f"{statistics.median(compares) * 1e3:.0f} ms  (target < 1 s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
