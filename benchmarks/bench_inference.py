"""Timings of the inference and training workloads (medians over repeated runs).

Run from the repository root: ``python benchmarks/bench_inference.py``. Prints figures;
asserts nothing. Measures a warm ``estimate`` of one :class:`InferenceWorkload` per
energy model, a 4-model x 2-energy-model comparison, a warm training estimate, and a
cold ``footprint infer`` process.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main(runs: int = 15) -> None:
    import footprint as fp

    site = fp.Site(region="US", year=2023)
    volume = {"requests": "1e9 request/day", "input_tokens": 500, "output_tokens": 300}
    fp.estimate_inference(fp.InferenceWorkload("llama-3.1-8b", **volume), site)  # warm-up
    for em in ("production", "ecologits", "roofline", "preset:google-gemini-2025"):
        model = None if em.startswith("preset") else "llama-3.1-70b"

        def one(em: str = em, model: str | None = model) -> object:
            return fp.estimate_inference(
                fp.InferenceWorkload(model, energy_model=em, **volume), site
            )

        print(f"warm estimate, {em:28s} median {median_ms(one, runs):7.2f} ms")
    models = ["llama-3.2-1b", "llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b"]
    ms = median_ms(
        lambda: fp.compare_inference(models, ["ecologits", "roofline"], site, **volume), runs
    )
    print(f"compare 4 models x 2 energy models        median {ms:7.2f} ms")
    ms = median_ms(
        lambda: fp.estimate(fp.TrainingRun("H100-SXM", model="llama-3-70b", tokens="15T"), site),
        runs,
    )
    print(f"warm training estimate                    median {ms:7.2f} ms")
    cmd = [
        sys.executable,
        str(ROOT / "cli.py"),
        "infer",
        "-m",
        "llama-3.1-8b",
        "-n",
        "1e9 request/day",
        "--output-tokens",
        "300",
        "--format",
        "json",
    ]
    cold = median_ms(lambda: subprocess.run(cmd, check=True, capture_output=True), 5)
    print(f"cold `footprint infer` process            median {cold:7.1f} ms")


if __name__ == "__main__":
    main()
