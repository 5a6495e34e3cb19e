"""Helpers of the fuzz suite (tests/test_fuzz_cli.py, tests/test_fuzz_library.py).

The contract under test (README, "Errors"): bad input ends with one line on stderr
and exit code 2 -- never a traceback, never a hang -- and no NaN or infinity in any
output. The library raises only :class:`footprint.core.errors.FootprintError` subclasses
on bad input.

Every call runs in a long-lived *worker* process (this file run as a script), which
invokes the click command in-process with ``CliRunner`` (or a library function).
The worker arms ``signal.setitimer`` for the per-call timeout, so a hang in Python
code ends with the traceback of where it hung; a hang inside one C call (pint
evaluating ``10**10**10`` is a single big-integer power) cannot be interrupted by a
signal handler, so ``faulthandler`` dumps the stack and the parent kills the worker
and starts another. Nothing can freeze pytest itself.

Inputs are generated with hypothesis (derandomized: the same examples on every run),
mostly valid invocations with one to three fields mutated, so that the deep code
paths are reached rather than click's own parsing. Failures are collected over the
whole run, deduplicated by root cause (exception type and the place it was raised,
or the kind of contract breach) and reported together with a reproducer each.

Environment:
  FOOTPRINT_FUZZ_EXAMPLES  scale of examples per test (default 1.0; e.g. 10 for a long run)
  FOOTPRINT_FUZZ_TIMEOUT   per-call timeout in seconds (default 10)
"""

from __future__ import annotations

import json
import math
import os
import pickle
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TIMEOUT = float(os.environ.get("FOOTPRINT_FUZZ_TIMEOUT", "10"))
SCALE = float(os.environ.get("FOOTPRINT_FUZZ_EXAMPLES", "1"))
#: A command whose calls hang this many times stops early (each hang costs a timeout).
MAX_HANGS = 2


def n_examples(base: int) -> int:
    """Examples of one test: ``base`` scaled by ``FOOTPRINT_FUZZ_EXAMPLES``."""
    return max(1, int(base * SCALE))


# =========================================================================== checks

#: A non-finite number as a token (not inside words such as "information" or "Finland").
NONFINITE = re.compile(r"(?<![A-Za-z0-9_])[-+]?(nan|inf|infinity)(?![A-Za-z0-9_])", re.IGNORECASE)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-finite number {name} in JSON output")


def nonfinite_tokens(text: str) -> list[str]:
    return sorted({m.group(0) for m in NONFINITE.finditer(text)})


def _mentions_nonfinite(values: list[str]) -> bool:
    return any(NONFINITE.search(v) for v in values)


@dataclass
class Failure:
    signature: str
    detail: str
    reproducer: str
    count: int = 1


@dataclass
class FailureLog:
    """Contract breaches of one test, deduplicated by signature."""

    name: str
    failures: dict[str, Failure] = field(default_factory=dict)
    calls: int = 0
    hangs: int = 0
    stopped: bool = False
    started: float = field(default_factory=time.monotonic)

    def add(self, signature: str, detail: str, reproducer: str) -> None:
        if signature in self.failures:
            self.failures[signature].count += 1
            # keep the shortest reproducer of a root cause
            if len(reproducer) < len(self.failures[signature].reproducer):
                self.failures[signature].reproducer = reproducer
                self.failures[signature].detail = detail
        else:
            self.failures[signature] = Failure(signature, detail, reproducer)

    def report(self) -> str:
        elapsed = time.monotonic() - self.started
        lines = [
            f"{self.name}: {len(self.failures)} distinct failure(s) in {self.calls} calls "
            f"({elapsed:.1f} s)"
            + (f"; stopped early after {self.hangs} hangs" if self.stopped else "")
        ]
        for i, f in enumerate(self.failures.values(), 1):
            lines.append(f"\n[{i}] {f.signature}  (x{f.count})")
            lines.append(f"    reproducer: {f.reproducer}")
            lines.extend("    " + line for line in f.detail.rstrip().splitlines())
        return "\n".join(lines)

    def assert_clean(self) -> None:
        summary = f"{self.name}: {self.calls} calls, {time.monotonic() - self.started:.1f} s"
        print(summary)
        if self.failures:
            raise AssertionError(self.report())


def _compact(text: str) -> str:
    """``text`` with long runs of one character written as ``<'c'*N>``."""
    return re.sub(r"(.)\1{39,}", lambda m: f"<{m.group(1)!r}*{len(m.group(0))}>", text)


def _short(text: str, n: int = 600) -> str:
    return text if len(text) <= n else text[:n] + f"... [{len(text)} chars]"


def _normalise(message: str) -> str:
    """A message with the parts that vary between inputs blanked (for signatures)."""
    message = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", message)
    message = re.sub(r"[-+]?\d[\d.eE+\-_,]*", "N", message)
    return message[:90]


SUBCOMMANDS = ("total", "infer", "train", "gpu")


def check_cli_result(argv: list[str], res: dict[str, Any], log: FailureLog, repro: str) -> None:
    """Check one CLI call against the contract; record breaches in ``log``."""
    log.calls += 1
    command = argv[0] if argv else "?"
    if command in ("project", "compare") and len(argv) > 1 and argv[1] in SUBCOMMANDS:
        command += " " + argv[1]
    if res.get("timeout"):
        log.hangs += 1
        where = res.get("site") or "?"
        log.add(
            f"HANG {command}: no answer within {TIMEOUT:g} s at {where}",
            _short(res.get("traceback", ""), 3000),
            repro,
        )
        return
    code = res["exit_code"]
    out, err = res["stdout"], res["stderr"]
    tb = res.get("traceback") or ""
    if res.get("exc_type") and code != 2:
        log.add(
            f"CRASH {command}: {res['exc_type']} at {res.get('site')} (exit {code})",
            f"{res['exc_type']}: {_short(res.get('exc_message', ''), 300)}\n" + _short(tb, 2500),
            repro,
        )
        return
    if code not in (0, 2):
        log.add(f"EXIT {code} {command}", f"stderr: {_short(err)}", repro)
        return
    if "Traceback" in out or "Traceback" in err:
        log.add(f"TRACEBACK-TEXT {command} exit {code}", _short(err or out), repro)
        return
    if code == 2:
        lines = err.rstrip("\n").split("\n")
        if not err.strip():
            log.add(f"EXIT2-EMPTY-STDERR {command}", f"stdout: {_short(out)}", repro)
        elif len(lines) != 1:
            log.add(
                f"EXIT2-MULTILINE {command}: {_normalise(lines[0])}",
                f"stderr ({len(lines)} lines): {_short(err)}",
                repro,
            )
        elif nonfinite_tokens(err) and not _mentions_nonfinite(argv) and "finite" not in err:
            log.add(
                f"NONFINITE-IN-ERROR {command}: {_normalise(err)}",
                f"stderr: {_short(err)}",
                repro,
            )
        return
    # exit 0
    if re.search(r"\w*Warning\b", err):
        log.add(f"WARNING-ON-STDERR {command}", f"stderr: {_short(err)}", repro)
    fmt = _option_value(argv, "--format")
    if fmt == "json" and "--plot" not in argv:
        try:
            json.loads(out, parse_constant=_reject_constant)
        except ValueError as exc:
            log.add(
                f"BAD-JSON {command}: {_normalise(str(exc))}",
                f"{exc}\nstdout: {_short(out, 1500)}",
                repro,
            )
            return
    if not _mentions_nonfinite(argv):
        tokens = nonfinite_tokens(out)
        if tokens:
            log.add(
                f"NONFINITE-OUTPUT {command} --format {fmt or 'table'}: {tokens}",
                f"stdout: {_short(_context(out, NONFINITE), 1500)}",
                repro,
            )


def _context(text: str, pattern: re.Pattern[str]) -> str:
    m = pattern.search(text)
    if not m:
        return text
    return text[max(0, m.start() - 400) : m.end() + 200]


def _option_value(argv: list[str], name: str) -> str | None:
    value = None
    for i, a in enumerate(argv):
        if a == name and i + 1 < len(argv):
            value = argv[i + 1]
        elif a.startswith(name + "="):
            value = a.split("=", 1)[1]
    return value


def check_lib_result(call: str, res: dict[str, Any], log: FailureLog, repro: str) -> None:
    """Check one library call: a finite result or a FootprintError with a one-line message."""
    log.calls += 1
    if res.get("timeout"):
        log.hangs += 1
        log.add(
            f"HANG {call}: no answer within {TIMEOUT:g} s at {res.get('site') or '?'}",
            _short(res.get("traceback", ""), 3000),
            repro,
        )
        return
    outcome = res["outcome"]
    if outcome == "crash":
        log.add(
            f"CRASH {call}: {res['exc_type']} at {res.get('site')}",
            f"{res['exc_type']}: {_short(res.get('exc_message', ''), 300)}\n"
            + _short(res.get("traceback", ""), 2500),
            repro,
        )
    elif outcome == "error":
        message = res["exc_message"]
        if not message.strip() or "\n" in message.strip():
            log.add(
                f"ERROR-MESSAGE-NOT-ONE-LINE {call}: {res['exc_type']}",
                repr(message[:500]),
                repro,
            )
    elif outcome == "ok" and res.get("nonfinite"):
        log.add(
            f"NONFINITE-RESULT {call}: {sorted(res['nonfinite'])[:3]}",
            ", ".join(sorted(res["nonfinite"])[:10]),
            repro,
        )


# =========================================================================== worker


class FuzzTimeout(BaseException):
    """Raised by the SIGALRM handler in the worker (BaseException: not swallowed)."""


def _frame_site(tb: Any) -> str:
    """``file:line`` of the deepest footprint frame (and the very last frame if elsewhere)."""
    frames = traceback.extract_tb(tb)
    if not frames:
        return "?"
    own = [f for f in frames if "/footprint/" in f.filename and "/tests/" not in f.filename]
    last = frames[-1]

    def where(f: Any) -> str:
        path = f.filename
        for marker in ("/footprint/", "/site-packages/"):
            if marker in path:
                path = path.split(marker, 1)[1]
                path = ("footprint/" + path) if marker == "/footprint/" else path
                break
        return f"{path}:{f.lineno} ({f.name})"

    if own and own[-1] is not last:
        return f"{where(own[-1])} -> {where(last)}"
    return where(last)


def _hang_site(dump: str) -> str:
    """The deepest footprint frame in a faulthandler dump (most recent call first)."""
    for line in dump.splitlines():
        m = re.search(r'File "([^"]*/footprint/[^"]*)", line (\d+) in (\S+)', line)
        if m and "/tests/" not in m.group(1):
            return f"footprint/{m.group(1).split('/footprint/', 1)[1]}:{m.group(2)} ({m.group(3)})"
    return "?"


def _on_alarm(signum: int, frame: Any) -> None:
    raise FuzzTimeout(f"no answer within {TIMEOUT:g} s")


def _reset_warnings() -> None:
    """Warning filters of a fresh ``python`` process (and a fresh once-per-place registry)."""
    import warnings

    warnings.resetwarnings()
    warnings.simplefilter("default")
    for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
        warnings.filterwarnings("ignore", category=category)


def _run_cli(argv: list[str], stdin: bytes | None) -> dict[str, Any]:
    from click.testing import CliRunner

    from footprint.cli import cli

    _reset_warnings()
    r = CliRunner().invoke(cli, argv, input=stdin, catch_exceptions=True)
    res: dict[str, Any] = {"exit_code": r.exit_code, "stdout": r.stdout, "stderr": r.stderr}
    exc = r.exception
    if exc is not None and not isinstance(exc, SystemExit):
        res["exc_type"] = type(exc).__module__.replace("builtins", "") + "." + type(exc).__name__
        res["exc_type"] = res["exc_type"].lstrip(".")
        res["exc_message"] = str(exc)
        res["traceback"] = "".join(traceback.format_exception(exc))
        res["site"] = _frame_site(exc.__traceback__)
    return res


def _qualname(exc: BaseException) -> str:
    module = type(exc).__module__
    return type(exc).__name__ if module == "builtins" else f"{module}.{type(exc).__name__}"


def _run_lib(name: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    from footprint.core.errors import FootprintError

    _reset_warnings()
    fn = LIB_CALLS[name]
    try:
        out = fn(**kwargs)
    except FootprintError as exc:
        return {"outcome": "error", "exc_type": type(exc).__name__, "exc_message": str(exc)}
    except Exception as exc:
        return {
            "outcome": "crash",
            "exc_type": _qualname(exc),
            "exc_message": str(exc),
            "traceback": "".join(traceback.format_exception(exc)),
            "site": _frame_site(exc.__traceback__),
        }
    return {"outcome": "ok", "nonfinite": sorted(find_nonfinite(out))}


def _worker_main() -> None:
    import faulthandler
    import resource

    # a runaway allocation (10**10**10, /dev/zero) ends as MemoryError, not an OOM kill
    limit = int(os.environ.get("FOOTPRINT_FUZZ_MEMORY", str(6 * 2**30)))
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    requests = sys.stdin.buffer
    answers = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # stray writes to fd 1 must not corrupt the protocol
    hang_path = os.environ["FOOTPRINT_FUZZ_HANGFILE"]
    signal.signal(signal.SIGALRM, _on_alarm)
    import footprint.cli  # noqa: F401  (warm up: the first call is not slower)

    while True:
        header = requests.read(8)
        if len(header) < 8:
            return
        (size,) = struct.unpack("<Q", header)
        kind, payload = pickle.loads(requests.read(size))
        with open(hang_path, "w") as hang_file:
            faulthandler.dump_traceback_later(TIMEOUT + 1, exit=False, file=hang_file)
            try:
                signal.setitimer(signal.ITIMER_REAL, TIMEOUT)
                try:
                    res = _run_cli(*payload) if kind == "cli" else _run_lib(*payload)
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            except FuzzTimeout as exc:
                res = {
                    "timeout": True,
                    "traceback": "".join(traceback.format_exception(exc)),
                    "site": _frame_site(exc.__traceback__),
                }
            except BaseException as exc:  # MemoryError, RecursionError outside CliRunner
                res = {
                    "exit_code": -1,
                    "stdout": "",
                    "stderr": "",
                    "outcome": "crash",
                    "exc_type": type(exc).__name__,
                    "exc_message": str(exc)[:500],
                    "traceback": "".join(traceback.format_exception(exc)),
                    "site": _frame_site(exc.__traceback__),
                }
            finally:
                faulthandler.cancel_dump_traceback_later()
        data = pickle.dumps(res)
        answers.write(struct.pack("<Q", len(data)) + data)
        answers.flush()


class Worker:
    """The parent's handle on the worker process; restarts it after a hang."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        fd, self.hang_path = tempfile.mkstemp(prefix="footprint-fuzz-hang-")
        os.close(fd)

    def _start(self) -> subprocess.Popen[bytes]:
        env = dict(os.environ, FOOTPRINT_FUZZ_HANGFILE=self.hang_path, PYTHONFAULTHANDLER="1")
        env.setdefault("MPLBACKEND", "Agg")
        self.stderr_log = tempfile.TemporaryFile()  # noqa: SIM115 (lives with the worker)
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr_log,
            cwd=str(ROOT),
            env=env,
        )
        return self.proc

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def call(self, kind: str, payload: tuple[Any, ...]) -> dict[str, Any]:
        proc = self.proc if self.proc is not None and self.proc.poll() is None else self._start()
        assert proc.stdin is not None and proc.stdout is not None
        data = pickle.dumps((kind, payload))
        try:
            proc.stdin.write(struct.pack("<Q", len(data)) + data)
            proc.stdin.flush()
        except BrokenPipeError:
            return self._died("worker exited before the call")
        # import time of the first call is not the command's
        deadline = TIMEOUT + 8 + (30 if not hasattr(self, "_warm") else 0)
        ready, _, _ = select.select([proc.stdout], [], [], deadline)
        if not ready:
            self.stop()
            dump = Path(self.hang_path).read_text(errors="replace")
            return {
                "timeout": True,
                "outcome": "timeout",
                "traceback": "stuck in one C call; faulthandler dump:\n" + dump,
                "site": _hang_site(dump),
            }
        header = proc.stdout.read(8)
        if len(header) < 8:
            return self._died("worker died during the call")
        (size,) = struct.unpack("<Q", header)
        self._warm = True
        res: dict[str, Any] = pickle.loads(proc.stdout.read(size))
        if res.get("timeout"):
            self.stop()  # its state may be half-updated: start afresh
        return res

    def _died(self, what: str) -> dict[str, Any]:
        code = self.proc.wait() if self.proc is not None else None
        self.stderr_log.seek(0)
        err = self.stderr_log.read().decode(errors="replace")[-3000:]
        self.proc = None
        return {
            "exit_code": code,
            "stdout": "",
            "stderr": err,
            "outcome": "crash",
            "exc_type": f"WorkerDied(exit {code})",
            "exc_message": what,
            "traceback": err,
            "site": _hang_site(err),
        }


_WORKER: Worker | None = None


def worker() -> Worker:
    global _WORKER
    if _WORKER is None:
        import atexit

        _WORKER = Worker()
        atexit.register(_WORKER.stop)
    return _WORKER


# =========================================================================== cases


@dataclass
class Case:
    """One generated invocation: argv with ``{tmp}`` placeholders and files to create."""

    argv: list[str]
    files: dict[str, bytes] = field(default_factory=dict)
    stdin: bytes | None = None

    def materialise(self, tmp: Path) -> list[str]:
        links = {n: c for n, c in DEVICE_LINKS.items() if any("{tmp}/" + n in a for a in self.argv)}
        for name, content in {**links, **self.files}.items():
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if content == b"<DIR>":
                path.mkdir(exist_ok=True)
            elif content.startswith(b"<SYMLINK:"):
                # outputs to a device go through a link: an implementation that renames a
                # temporary file over the target replaces the link, never the device itself
                path.symlink_to(content[9:-1].decode())
            else:
                path.write_bytes(content)
        return [a.replace("{tmp}", str(tmp)) for a in self.argv]

    def reproducer(self) -> str:
        text = "argv=" + _short(_compact(repr(self.argv)), 1500)
        for name, content in self.files.items():
            text += f"; file {{tmp}}/{name} = {_short(_compact(repr(content)), 700)}"
        return text


def run_cli_case(case: Case, log: FailureLog) -> None:
    """Run ``case`` in the worker and check it (the caller stops after MAX_HANGS hangs)."""
    if log.stopped:
        return
    tmp = Path(tempfile.mkdtemp(prefix="footprint-fuzz-"))
    try:
        argv = case.materialise(tmp)
        res = worker().call("cli", (argv, case.stdin))
        check_cli_result(argv, res, log, case.reproducer())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if log.hangs >= MAX_HANGS:
        log.stopped = True


def run_lib_case(name: str, kwargs: dict[str, Any], log: FailureLog) -> None:
    if log.stopped:
        return
    res = worker().call("lib", (name, kwargs))
    check_lib_result(name, res, log, f"{name}(**{_short(_compact(repr(kwargs)), 1500)})")
    if log.hangs >= MAX_HANGS:
        log.stopped = True


# =========================================================================== finiteness


def find_nonfinite(obj: Any, path: str = "result", depth: int = 0) -> set[str]:
    """Paths of NaN/infinite numbers in a library result (Footprint, DataFrame, dict...)."""
    import numpy as np

    found: set[str] = set()
    if depth > 6 or obj is None or isinstance(obj, (str, bytes, bool)):
        return found
    if isinstance(obj, (int, float, np.floating, np.integer)):
        if isinstance(obj, (float, np.floating)) and not math.isfinite(obj):
            found.add(path)
        return found
    if hasattr(obj, "magnitude") and hasattr(obj, "units"):
        m = np.asarray(obj.magnitude, dtype=float) if _numeric(obj.magnitude) else None
        if m is not None and not np.all(np.isfinite(m)):
            found.add(path)
        return found
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        pd = None
    if pd is not None and isinstance(obj, pd.DataFrame):
        for col in obj.columns:
            found |= _series_nonfinite(obj[col], f"{path}[{col!r}]")
        return found
    if pd is not None and isinstance(obj, pd.Series):
        return _series_nonfinite(obj, path)
    if isinstance(obj, dict):
        for k, v in obj.items():
            found |= find_nonfinite(v, f"{path}[{k!r}]", depth + 1)
        return found
    if isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj[:200]):
            found |= find_nonfinite(v, f"{path}[{i}]", depth + 1)
        return found
    if hasattr(obj, "results") and isinstance(obj.results, dict):  # Footprint and subclasses
        found |= find_nonfinite(obj.results, f"{path}.results", depth + 1)
        found |= find_nonfinite(getattr(obj, "ranges", {}), f"{path}.ranges", depth + 1)
        for key, factor in getattr(obj, "factors", {}).items():
            found |= find_nonfinite(getattr(factor, "value", None), f"{path}.factors[{key!r}]")
        return found
    if hasattr(obj, "__dataclass_fields__"):
        for name in obj.__dataclass_fields__:
            if not name.startswith("_"):
                found |= find_nonfinite(getattr(obj, name, None), f"{path}.{name}", depth + 1)
    return found


def _numeric(m: Any) -> bool:
    import numpy as np

    try:
        return np.asarray(m).dtype.kind in "fiu"
    except Exception:
        return False


def _series_nonfinite(s: Any, path: str) -> set[str]:
    """Infinity anywhere in a frame column; NaN only where the column is a measured value.

    Frames use NaN for "not applicable" in some columns (a cost without a price), so a
    NaN cell counts only in columns that also hold finite numbers *and* are quantities of
    the estimate (energy, CO2e, water): a NaN there is a computed value gone wrong.
    """
    import numpy as np

    values = s.values
    if hasattr(values, "quantity"):
        values = values.quantity.magnitude
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        return set()
    if np.isinf(arr).any():
        return {path + " (inf)"}
    name = str(s.name).lower()
    measured = any(k in name for k in ("energy", "co2e", "water", "kwh", "intensity")) and not any(
        k in name for k in ("pct", "change", "yoy", "ratio", "rank", "price", "cost")
    )
    if measured and np.isnan(arr).any() and np.isfinite(arr).any():
        return {path + " (nan)"}
    return set()


# =========================================================================== library calls
# Called in the worker by name; arguments are plain picklable values, and ("Q", m, unit)
# stands for footprint's Quantity(m, unit).


def _q(value: Any) -> Any:
    if isinstance(value, tuple) and len(value) == 3 and value[0] == "Q":
        from footprint.core.units import Q_

        return Q_(value[1], value[2])
    if isinstance(value, tuple) and len(value) == 2 and value[0] == "np":
        import numpy as np

        return np.float64(value[1])
    if isinstance(value, dict):
        return {k: _q(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_q(v) for v in value]
    return value


def _lib_estimate(job: dict[str, Any], site: dict[str, Any], kwargs: dict[str, Any]) -> Any:
    import footprint as fp

    return fp.estimate(fp.GpuJob(**_q(job)), fp.Site(**_q(site)), **_q(kwargs))


def _lib_estimate_shorthand(job: dict[str, Any], kwargs: dict[str, Any]) -> Any:
    import footprint as fp

    return fp.estimate(fp.GpuJob(**_q(job)), **_q(kwargs))


def _lib_inference(workload: dict[str, Any], site: dict[str, Any]) -> Any:
    import footprint as fp

    return fp.estimate_inference(fp.InferenceWorkload(**_q(workload)), fp.Site(**_q(site)))


def _lib_training(run: dict[str, Any], site: dict[str, Any]) -> Any:
    import footprint as fp

    return fp.estimate(fp.TrainingRun(**_q(run)), fp.Site(**_q(site)))


def _lib_compare(job: dict[str, Any], kwargs: dict[str, Any]) -> Any:
    import footprint as fp
    from footprint.analyses.compare import compare

    return compare(fp.GpuJob(**_q(job)), **_q(kwargs))


def _lib_trend(region: Any, start: Any, end: Any, hydro: Any) -> Any:
    from footprint.analyses.trends import trend

    return trend(_q(region), _q(start), _q(end), hydro=_q(hydro))


def _lib_project(job: dict[str, Any], region: Any, years: dict[str, Any], growth: dict[str, Any]):
    import footprint as fp
    from footprint.analyses.trends import Growth, project

    return project(fp.GpuJob(**_q(job)), _q(region), **_q(years), growth=Growth(**_q(growth)))


def _lib_project_totals(base: Any, base_year: Any, end_year: Any, growth: dict[str, Any]) -> Any:
    from footprint.analyses.trends import Growth, project_totals

    return project_totals(_q(base), _q(base_year), _q(end_year), Growth(**_q(growth)))


def _lib_schedule(kwargs: dict[str, Any], site: dict[str, Any]) -> Any:
    import footprint as fp
    from footprint.analyses.scheduling import schedule

    return schedule(site=fp.Site(**_q(site)), **_q(kwargs))


def _lib_solar(capacity: Any, kwargs: dict[str, Any], year: Any) -> Any:
    from footprint.places.solar import annual_yield, on_site_solar

    return annual_yield(on_site_solar(_q(capacity), **_q(kwargs)), year=_q(year))


def _lib_batch(content: bytes, suffix: str, options: dict[str, Any]) -> Any:
    from footprint.analyses.batch import BatchOptions, run_batch

    tmp = Path(tempfile.mkdtemp(prefix="footprint-fuzz-lib-"))
    try:
        path = tmp / f"jobs{suffix}"
        path.write_bytes(content)
        report = run_batch(path, BatchOptions(**_q(options)), output=tmp / "out.csv")
        import pandas as pd

        results = pd.read_csv(tmp / "out.csv")
        numeric = results.select_dtypes("number")
        return {"summary": report.summary, "results": numeric}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


LIB_CALLS = {
    "estimate": _lib_estimate,
    "estimate_shorthand": _lib_estimate_shorthand,
    "estimate_inference": _lib_inference,
    "estimate_training": _lib_training,
    "compare": _lib_compare,
    "trend": _lib_trend,
    "project": _lib_project,
    "project_totals": _lib_project_totals,
    "schedule": _lib_schedule,
    "solar": _lib_solar,
    "run_batch": _lib_batch,
}


# =========================================================================== strategies
from hypothesis import strategies as st  # noqa: E402

HUGE_DIGITS = "1" + "0" * 400  # 10**400 written out
#: Number spellings that broke (or could break) parsers: overflow, underflow, pint
#: expressions (``**`` and ``^`` are evaluated; ``10**10**10`` never ends), NaN and
#: infinity in several spellings, commas, separators, other scripts' digits.
NASTY_NUMBERS = [
    "0",
    "-0",
    "0.0",
    "-1",
    "-1e-9",
    "1e308",
    "-1e308",
    "1.7976931348623157e308",
    "1e309",
    "1e-320",
    "5e-324",
    "1e6",
    "1e9",
    "1e12",
    "1e15",
    "1e18",
    "1e20",
    "1e30",
    "1e100",
    "2562048",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "4294967296",
    "1e-9",
    "1e-12",
    "1e-300",
    "2e-308",
    "1e400",
    "-1e400",
    HUGE_DIGITS,
    "-" + HUGE_DIGITS,
    "1" + "0" * 5000,
    "9" * 20,
    "18446744073709551617",
    "2**2000",
    "2^2000",
    "10**400",
    "2**-2000",
    "(10**10)**10",
    "10**10**10",
    "2**2**40",
    "9**9**9",
    "1e308*10",
    "1e308+1e308",
    "1/0",
    "0/0",
    "0**-1",
    "(1)",
    "((((1))))",
    "(" * 50 + "1" + ")" * 50,
    "-(1)",
    "2**0.5",
    "1e308**2",
    "10^400",
    "(-1)**0.5",
    "1e-320/1e-320",
    "nan",
    "NaN",
    "-nan",
    "+nan",
    "NAN",
    "nan(123)",
    "inf",
    "+inf",
    "-inf",
    "Inf",
    "INF",
    "infinity",
    "Infinity",
    "-Infinity",
    "1e",
    "e5",
    ".5",
    "5.",
    ".",
    "-",
    "+",
    "--1",
    "+-1",
    "1_000",
    "1,5",
    "1,000",
    "1 000",
    "1.5.2",
    "0x10",
    "0b11",
    "1j",
    "١٢",
    "１２",
    "²",
    "½",
    "Ⅻ",
    "1e-",
    "1e+",
    "0.1e1000",
    "1" * 4300,
    "1." + "0" * 1000 + "1",
]
NASTY_TEXT = [
    "",
    " ",
    "\t",
    "\n",
    "a\nb",
    "\r\n",
    "\x00",
    "a\x00b",
    "\x1b[31mred",
    "é",
    "🙂",
    "\u202e",
    "Ｈ１００",
    "ß",
    "İ",
    "\ufeffFR",
    "=cmd|' /C calc'!A0",
    "+1+1",
    "@SUM(1)",
    "-2+3",
    "<script>alert(1)</script>",
    "| a | b |",
    "**bold**",
    "[x](javascript:alert(1))",
    "`code`",
    "# heading",
    "../../etc/passwd",
    "%s%n",
    "{0}",
    "{}",
    "${HOME}",
    "None",
    "null",
    "true",
    "'",
    '"',
    "\\",
    "x" * 10000,
    ":",
    "aws:",
    "aws:us-east-1:x",
    "::",
    ",",
    ",,",
    "FR,",
    "nan",
    "inf",
    "-1",
    "0",
    "*",
    "?",
    ".*",
    "(",
    "[",
    "\u0301",
    "\udcff",
]
ACCELERATORS = [
    "H100-SXM",
    "A100-80GB",
    "V100",
    "V100-SXM2-32GB",
    "TPU-v4",
    "MI300X",
    "T4",
    "h100",
    "B200",
    "L4",
]
REGIONS = [
    "FR",
    "SE",
    "US",
    "US-CA",
    "US-VA",
    "DE",
    "IN",
    "TW",
    "WORLD",
    "EU",
    "SE-SE3",
    "aws:us-east-1",
    "aws:us-west-1",
    "gcp:europe-west1",
    "gcp:us-east4",
    "France",
    "FRA",
    "NO",
    "PL",
    "azure:eastus",
    "US-CAL-CISO",
    "CISO",
    "ZA",
]
OPERATORS = ["industry-average", "google", "microsoft", "aws", "meta"]
MODELS = [
    "llama-3.1-8b",
    "llama-3.1-70b",
    "llama-3-70b",
    "llama-3.2-1b",
    "gpt-4o",
    "mixtral-8x7b",
    "deepseek-v3",
    "gemma-2-2b",
    "llama-3.1-405b",
]
GRID_ZONES = ["CISO", "PJM", "ERCO", "US-CAL-CISO", "MISO", "FR"]
TIMEZONES = [
    "UTC",
    "America/Los_Angeles",
    "Europe/Paris",
    "Asia/Kolkata",
    "Pacific/Kiritimati",
    "Etc/GMT+12",
    "Not/AZone",
    "",
    "+05:00",
    "local",
]
TIMES = [
    "2022-07-01T09:00",
    "2022-07-01T09:00Z",
    "2022-07-01T00:00",
    "2022-03-01T00:00Z",
    "2022-07-01T09:00+14:00",
    "2022-07-01T09:00-12:00",
    "2022-02-30T00:00",
    "0001-01-01",
    "9999-12-31T23:59",
    "1970-01-01",
    "2022-07-01T25:00",
    "now",
    "today",
    "",
    "2262-04-12",
    "1677-09-21",
    "2262-04-11T23:47:16.854775807",
    "2022-07-01T09:00:00.123456789",
    "2022-W27",
    "20220701",
    "1e10",
    "2022-03-27T02:30",
    "2022-11-06T01:30",
    "2022-03-13T02:30",
    "1990-01-01",
    "2100-12-31T23:00",
    "2022-07-01 09:00",
    "2022-07-01T09:00[Europe/Paris]",
    "-2022-01-01",
    "2022-13-01",
    "1656666000",
    "2021-07-01T09:00Z",
    "2023-12-31T23:00Z",
]

UNITS: dict[str, list[str]] = {
    "power": ["W", "kW", "MW", "mW", "GW", "J/s", "kWh/h", "BTU/h", "hp", "TW"],
    "kw": ["kW", "W", "MW", "GW", "kWh/h"],
    "kwp": ["kWp", "MWp", "Wp", "kW", "GWp", "MW"],
    "time": [
        "h",
        "hour",
        "hours",
        "min",
        "s",
        "ms",
        "day",
        "days",
        "week",
        "month",
        "months",
        "year",
        "years",
        "fortnight",
        "ns",
    ],
    "year": ["year", "years", "month", "day", "h"],
    "energy": ["kWh", "MWh", "J", "GJ", "Wh", "TWh"],
    "co2e": ["kgCO2e", "gCO2e", "tCO2e", "MtCO2e", "kg", "t", "g"],
    "intensity": ["g/kWh", "gCO2e/kWh", "kgCO2e/MWh", "lb/MWh", "g / kWh", "gCO2e * kWh**-1"],
    "water_intensity": ["L/kWh", "mL/Wh", "m^3/MWh", "gal/MWh", "l/kWh"],
    "dimensionless": ["", "dimensionless", "W/W", "kWh/kWh", "percent", "%"],
    "deg": ["deg", "degree", "rad", "°", "arcmin", "turn", ""],
    "flop": ["FLOP", "PFLOP", "EFLOP", "TFLOP/s * h", "zettaFLOP"],
    "request_rate": ["request/day", "request/s", "request/month", "request/h", "requests/day"],
    "requests": ["request", "requests", "request/day"],
    "price": ["USD/kWh", "EUR/MWh", "GBP/kWh", "USD/J", "EUR/kWh"],
    "hourly_price": ["USD/h", "EUR/h", "USD/hour", "USD/day", "GBP/h", "USD"],
    "money": ["USD", "EUR", "GBP", "USD/h"],
    "plan_price": ["USD/user/month", "EUR/user/month", "USD/month/user", "USD/user/year"],
    "any": ["MtCO2e", "MWh", "m^3", "tCO2e", "kWh", "L", "GtCO2e"],
}
WRONG_UNITS = [
    "GB",
    "m",
    "K",
    "degC",
    "degF",
    "delta_degC",
    "%",
    "W",
    "h",
    "L",
    "kg",
    "USD",
    "request",
    "token",
    "FLOP",
    "1/s",
    "Hz",
    "kWh",
    "nonsense_unit",
    "W W",
    "W/0",
    "W**W",
    "W^(1/0)",
    "°C",
    "USD/kWh * EUR",
    "kW**2000",
    "h**-1",
    "W**(10**10)",
    "W*(1e308)",
    "(W",
    "W)",
    "W^",
    "W/",
    "__",
    "W; import os",
]


#: Orders of magnitude past every range check: overflow of a product, of a date range,
#: of a pandas Timedelta (about 2.56e6 h), or a step so small the candidates never end.
MAGNITUDES = [
    "1e6",
    "1e9",
    "1e12",
    "1e15",
    "1e18",
    "1e20",
    "1e100",
    "1e300",
    "1e308",
    "1e-9",
    "1e-12",
    "1e-300",
    "1e-320",
    "5e-324",
    "-1e12",
    "9.3e18",
]


def _weighted(*pairs: tuple[int, Any]) -> Any:
    """A strategy drawing from ``strategy`` with probability proportional to ``weight``."""
    return st.sampled_from([s for w, s in pairs for _ in range(w)]).flatmap(lambda s: s)


def plain_numbers() -> Any:
    """Ordinary numbers as users write them."""
    return st.one_of(
        st.floats(min_value=1e-3, max_value=1e6).map(lambda x: f"{x:g}"),
        st.integers(min_value=1, max_value=10**6).map(str),
        st.sampled_from(["1", "0.5", "10", "100", "1e6", "39.3e6", "3.5", "700", "1000"]),
    )


def numbers() -> Any:
    """Number text: mostly nasty, some ordinary."""
    return _weighted(
        (4, st.sampled_from(NASTY_NUMBERS)),
        (2, plain_numbers()),
        (1, st.floats(allow_nan=True, allow_infinity=True).map(repr)),
        (1, st.floats(allow_nan=False, allow_infinity=False).map(lambda x: f"{x:.17g}")),
        (1, st.integers(min_value=-350, max_value=350).map(lambda k: f"1e{k}")),
        (1, st.integers(min_value=300, max_value=800).map(lambda k: "9" * k)),
        (1, pint_expressions()),
    )


def pint_expressions() -> Any:
    """Arithmetic pint evaluates: powers with ``**`` and ``^``, products, parentheses."""
    base = st.sampled_from(["2", "10", "1e308", "0.5", "1e-320", "-1", "0", "(2)", "1.5"])
    exp = st.integers(min_value=-3000, max_value=3000).map(str) | st.sampled_from(
        ["0.5", "-0.5", "(1/3)", "1e3", "(10**4)", "(2**10)"]
    )
    op = st.sampled_from(["**", "^", "*", "/", "+", "-"])
    return st.builds(lambda a, o, b: f"{a}{o}{b}", base, op, exp)


def quantity(dimension: str) -> Any:
    """A quantity string of ``dimension`` with nasty numbers, or a wrong unit."""
    units = UNITS[dimension]
    sep = st.sampled_from([" ", " ", "", "  ", "\t", "\u00a0"])
    good = st.builds(
        lambda n, s, u: f"{n}{s}{u}".strip() or n, numbers(), sep, st.sampled_from(units)
    )
    valid = st.builds(lambda n, u: f"{n} {u}".strip(), plain_numbers(), st.sampled_from(units))
    wrong = st.builds(
        lambda n, u: f"{n} {u}", plain_numbers() | numbers(), st.sampled_from(WRONG_UNITS)
    )
    extreme = st.builds(
        lambda m, u: f"{m} {u}".strip(), st.sampled_from(MAGNITUDES), st.sampled_from(units)
    )
    return _weighted(
        (5, good),
        (2, valid),
        (3, extreme),
        (2, wrong),
        (1, numbers()),
        (1, st.sampled_from(NASTY_TEXT)),
    )


def fraction() -> Any:
    valid = st.floats(min_value=0.001, max_value=1).map(lambda x: f"{x:g}") | st.integers(
        1, 100
    ).map(lambda k: f"{k}%")
    nasty = st.sampled_from(
        [
            "0",
            "1",
            "-0",
            "0%",
            "100%",
            "1.0000000000000002",
            "1e-320",
            "5e-324",
            "nan",
            "NaN%",
            "inf%",
            "1e308%",
            "-1e-320%",
            "50 %",
            "%",
            "0.5%%",
            "0x1p-1",
            "½",
            "１",
            "nan%",
            "-nan",
            "1e-400%",
        ]
    )
    return _weighted((2, valid), (3, nasty), (1, numbers()), (1, st.sampled_from(NASTY_TEXT)))


def rate() -> Any:
    """A yearly rate: '30%', '-3%', '0.2'."""
    valid = st.integers(-99, 200).map(lambda k: f"{k}%") | st.floats(-0.9, 2).map(
        lambda x: f"{x:.3g}"
    )
    nasty = st.sampled_from(
        [
            "-100%",
            "-101%",
            "100%",
            "1e308%",
            "1e308",
            "-1e308",
            "1e-320",
            "nan%",
            "inf%",
            "-inf",
            "1000000%",
            "99.9999999999%",
            "-99.9999999999%",
            "%",
            "linear",
            "constant",
            "2**2000%",
        ]
    )
    return _weighted((2, valid), (3, nasty), (1, numbers()), (1, st.sampled_from(NASTY_TEXT)))


def integer_text() -> Any:
    valid = st.integers(1, 1024).map(str)
    nasty = st.sampled_from(
        [
            "0",
            "-1",
            "1e3",
            "10**3",
            "1_000",
            " 8",
            "8 ",
            "+8",
            "٨",
            "０",
            "0x10",
            "99999999999999999999",
            HUGE_DIGITS,
            "1" + "0" * 20,
            "2147483648",
            "9223372036854775808",
            "1.5",
            "nan",
            "",
            "08",
        ]
    )
    return _weighted((2, valid), (3, nasty), (1, st.integers().map(str)))


def year_text() -> Any:
    return _weighted(
        (3, st.integers(1990, 2100).map(str)),
        (
            1,
            st.sampled_from(
                [
                    "1989",
                    "2101",
                    "0",
                    "-2023",
                    "2023.0",
                    "2023.5",
                    HUGE_DIGITS,
                    "1900",
                    "9999",
                    "",
                    "nan",
                    "２０２３",
                ]
            ),
        ),
    )


def names(pool: list[str]) -> Any:
    """A catalogue name: valid, near-miss or nasty."""
    near = st.sampled_from(pool).map(lambda s: s.lower() + " ") | st.sampled_from(pool).map(
        lambda s: s[:-1] + "\u0301"
    )
    return _weighted(
        (3, st.sampled_from(pool)),
        (1, near),
        (2, st.sampled_from(NASTY_TEXT)),
        (1, st.text(max_size=20)),
    )


def text() -> Any:
    return _weighted((3, st.sampled_from(NASTY_TEXT)), (1, st.text(max_size=40)))


def times() -> Any:
    return _weighted(
        (4, st.sampled_from(TIMES)), (1, st.sampled_from(NASTY_TEXT)), (1, st.text(max_size=25))
    )


def region_list() -> Any:
    return st.lists(names(REGIONS), min_size=0, max_size=5).map(",".join) | st.sampled_from(
        ["FR,FR,FR", ",".join(REGIONS), "FR,,SE", " FR , SE ", ",", "FR;SE"]
    )


def choice(options: list[str]) -> Any:
    return _weighted((4, st.sampled_from(options)), (1, st.sampled_from(NASTY_TEXT)))


def out_path(suffixes: list[str]) -> Any:
    """An output path in the example's temporary directory (or a bad one)."""
    good = st.sampled_from(suffixes).map(lambda s: "{tmp}/out" + s)
    bad = st.sampled_from(
        [
            "{tmp}/devfull.out",
            "{tmp}",
            "{tmp}/missing/dir/out.csv",
            "{tmp}/out",
            "{tmp}/out.xyz",
            "/proc/version",
            "",
            "{tmp}/" + "x" * 300 + ".csv",
            "{tmp}/out.csv\x00",
        ]
    )
    return _weighted((3, good), (2, bad))


DEVICE_LINKS = {"devfull.out": b"<SYMLINK:/dev/full>"}


#: Option kind -> strategy of its value text.
def kind_strategy(kind: str) -> Any:
    if kind.startswith("qty:"):
        return quantity(kind[4:])
    if kind.startswith("choice:"):
        return choice(kind[7:].split("|"))
    if kind.startswith("out:"):
        return out_path(kind[4:].split("|"))
    table = {
        "fraction": fraction(),
        "rate": rate(),
        "int": integer_text(),
        "year": year_text(),
        "acc": names(ACCELERATORS),
        "region": names(REGIONS),
        "operator": names(OPERATORS),
        "model": names(MODELS),
        "zone": names(GRID_ZONES),
        "tz": names(TIMEZONES),
        "text": text(),
        "time": times(),
        "regions": region_list(),
        "number": numbers(),
        "server": names(["gpu-server-8", "hpe-proliant-dl345-gen10plus"]),
        "clearness": _weighted((2, fraction()), (1, names(["greensboro-nc", "phoenix-az"]))),
        "lat": _weighted((2, st.floats(-90, 90).map(repr)), (1, numbers())),
        "lon": _weighted((2, st.floats(-180, 180).map(repr)), (1, numbers())),
        "params": _weighted(
            (2, st.sampled_from(["8", "8B", "500M", "70.6e9", "1T"])),
            (2, numbers()),
            (1, st.builds(lambda n, s: n + s, numbers(), st.sampled_from(["B", "M", "T", "k"]))),
        ),
        "tokens": _weighted(
            (2, st.sampled_from(["300", "15T", "15e12", "500"])),
            (2, numbers()),
            (1, quantity("requests")),
        ),
        "total": st.builds(lambda y, q: f"{y}={q}", year_text(), quantity("any"))
        | st.sampled_from(["2019", "=", "2019=", "=1 MtCO2e", "2019==1 MtCO2e", "2019=1=2"]),
        "column": st.builds(
            lambda a, b: f"{a}={b}",
            st.sampled_from(
                ["count", "job_id", "accelerator", "duration", "power", "gpu_hours", "x"]
            )
            | text(),
            text() | st.sampled_from(["n_gpus", "count", "user"]),
        ),
        "group": _weighted(
            (
                3,
                st.sampled_from(
                    [
                        "user",
                        "project",
                        "zone",
                        "accelerator",
                        "month",
                        "tag",
                        "region",
                        "user,project",
                    ]
                ),
            ),
            (1, text()),
        ),
        "delimiter": st.sampled_from(
            [",", ";", "|", "\t", "", ",,", "\x00", "\n", '"', "ab", " ", "\\", "é"]
        ),
    }
    return table[kind]


@dataclass
class CommandSpec:
    """Valid base invocations of a command and the options that may be mutated."""

    bases: list[list[str]]
    options: dict[str, str]
    flags: list[str] = field(default_factory=list)
    positional: str | None = None  # kind of argv[pos] (the first positional after the name)
    pos_index: int = 1
    formats: list[str] = field(default_factory=lambda: ["table", "json", "csv", "markdown"])
    hot: list[str] = field(default_factory=list)  # options mutated half of the time


def _drop_option(argv: list[str], index: int) -> list[str]:
    """argv without its ``index``-th option (and its value)."""
    opts = [i for i, a in enumerate(argv) if a.startswith("-") and i > 0]
    if not opts:
        return argv
    i = opts[index % len(opts)]
    takes_value = i + 1 < len(argv) and not argv[i + 1].startswith("--")
    return argv[:i] + argv[i + 1 + int(takes_value) :]


@st.composite
def cli_case(draw: Any, spec: CommandSpec, files: Any = None) -> Case:
    """A base invocation of ``spec`` with one to three mutations and a format."""
    argv = list(draw(st.sampled_from(spec.bases)))
    case_files: dict[str, bytes] = {}
    n = draw(st.integers(1, 3))
    for _ in range(n):
        what = draw(st.sampled_from(["set"] * 7 + ["flag"] + ["drop"] + ["pos"]))
        if (
            what == "set"
            or (what == "flag" and not spec.flags)
            or (what == "pos" and spec.positional is None)
        ):
            pool = spec.hot if spec.hot and draw(st.booleans()) else sorted(spec.options)
            opt = draw(st.sampled_from(pool))
            kind = spec.options[opt]
            if kind.startswith("file:"):
                name, content = draw(files[kind[5:]])
                case_files.update(content)
                argv += [opt, name]
            else:
                argv += [opt, draw(kind_strategy(kind))]
        elif what == "flag":
            argv.append(draw(st.sampled_from(spec.flags)))
        elif what == "drop":
            argv = _drop_option(argv, draw(st.integers(0, 20)))
        else:
            argv[spec.pos_index] = draw(kind_strategy(spec.positional))  # type: ignore[arg-type]
    fmt = draw(st.sampled_from([None] + spec.formats + ["json"]))
    if fmt:
        argv += ["--format", fmt]
    return Case(argv, case_files)


# ---------------------------------------------------------------- file contents

JOBS_CSV = (EXAMPLES / "jobs.csv").read_bytes()
SACCT = (EXAMPLES / "sacct.txt").read_bytes()
CLUSTER = (EXAMPLES / "cluster.toml").read_bytes()
LOAD_CSV = (EXAMPLES / "load.csv").read_bytes()
SCENARIO = (EXAMPLES / "llm_project.toml").read_bytes()
GOLDEN_SCENARIO = (ROOT / "tests" / "data" / "golden_scenario.toml").read_bytes()

#: Whole-file contents that every file input must refuse with one line.
BAD_FILES = [
    b"",
    b"\n",
    b"\x00" * 64,
    b"\xff\xfe\x00garbage\x80\x81",
    "é".encode("latin-1") * 10,
    b"\xef\xbb\xbf",
    b"a",
    b"a = " + b"[" * 100000 + b"]" * 100000,
    b"x = {" * 3000 + b"}" * 3000,
    b"\xef\xbb\xbf" + b"[scenario]\n",
]


def _cell_values() -> Any:
    return _weighted(
        (3, numbers()),
        (3, st.sampled_from(NASTY_TEXT)),
        (2, quantity("time")),
        (2, quantity("power")),
        (2, times()),
        (1, st.just("x" * 200000)),
        (1, st.sampled_from(['"', '"a""b"', '"unterminated', "a,b", "a|b", "\r", "=1+1"])),
    )


def _csv_quote(cell: str) -> str:
    if any(c in cell for c in ',"\n\r|'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


@st.composite
def mutated_table(draw: Any, content: bytes, sep: str) -> bytes:
    """``content`` (a CSV or sacct log) with a few cells, rows or the header changed."""
    lines = content.decode().splitlines()
    rows = [line.split(sep) for line in lines]
    for _ in range(draw(st.integers(1, 3))):
        what = draw(st.sampled_from(["cell"] * 6 + ["header", "droprow", "extra", "dup", "raw"]))
        r = draw(st.integers(0, len(rows) - 1))
        if what == "cell":
            r = max(r, 1)
            c = draw(st.integers(0, len(rows[r]) - 1)) if rows[r] else 0
            value = draw(_cell_values())
            if rows[r]:
                rows[r][c] = _csv_quote(value) if sep == "," else value.replace("|", "")
        elif what == "header" and rows[0]:
            c = draw(st.integers(0, len(rows[0]) - 1))
            rows[0][c] = draw(
                text()
                | st.sampled_from(
                    [
                        "job_id",
                        "count",
                        "JOB_ID",
                        "gpu_hours",
                        "power",
                        "utilization",
                        "year",
                        "tags",
                    ]
                )
            )
        elif what == "droprow" and len(rows) > 1:
            del rows[max(r, 1)]
        elif what == "extra":
            rows[r].append(draw(_cell_values()))
        elif what == "dup":
            rows.append(list(rows[max(r, 1)]) if len(rows) > 1 else [])
        elif what == "raw":
            return draw(st.sampled_from(BAD_FILES))
    return ("\n".join(sep.join(row) for row in rows) + "\n").encode("utf-8", "surrogatepass")


def _file(name: str, content_strategy: Any) -> Any:
    """(path argument, {name: bytes}) for a file input; sometimes a directory or missing."""
    special = st.sampled_from(
        [
            ("{tmp}/" + name, {name: b"<DIR>"}),  # a directory
            ("{tmp}/missing-" + name, {}),
            ("{tmp}/" + name, {name: b""}),
        ]
    )
    made = content_strategy.map(lambda c: ("{tmp}/" + name, {name: c}))
    return _weighted((6, made), (1, special))


def toml_value() -> Any:
    leaf = _weighted(
        (3, numbers()),
        (2, st.sampled_from(NASTY_TEXT)),
        (2, quantity("time")),
        (1, quantity("power")),
        (1, st.floats(allow_nan=True, allow_infinity=True)),
        (1, st.integers(min_value=-(2**70), max_value=2**70)),
        (1, st.booleans()),
        (
            1,
            st.sampled_from(
                REGIONS + MODELS + ACCELERATORS + ["training", "inference", "gpu_job", "fine_tune"]
            ),
        ),
    )
    return _weighted(
        (6, leaf),
        (1, st.lists(leaf, max_size=4)),
        (1, st.dictionaries(st.sampled_from(["kind", "provider", "x", "pue"]), leaf, max_size=2)),
    )


def toml_literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{" + ", ".join(f"{json.dumps(k)} = {toml_literal(v)}" for k, v in value.items()) + "}"
        )
    raise TypeError(value)


SCENARIO_KEYS = {
    "scenario": ["title", "description", "authors", "x"],
    "settings": ["region", "year", "compare", "metric", "top", "equivalences", "x"],
    "settings.overrides": [
        "operator",
        "pue",
        "wue",
        "ewif",
        "intensity",
        "cfe",
        "price",
        "consumer",
        "hydro",
        "strict_year",
        "x",
    ],
    "workload": [
        "name",
        "type",
        "accelerator",
        "model",
        "tokens",
        "gpu_hours",
        "count",
        "duration",
        "utilization",
        "requests",
        "input_tokens",
        "output_tokens",
        "period",
        "region",
        "year",
        "power",
        "host_power",
        "params",
        "flops",
        "mfu",
        "energy_model",
        "users",
        "requests_per_user",
        "batch",
        "gpus",
        "x",
    ],
}


@st.composite
def scenario_text(draw: Any) -> bytes:
    """A scenario TOML file: an example with keys set to generated values, or garbage."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(BAD_FILES))
    text = draw(st.sampled_from([SCENARIO, GOLDEN_SCENARIO])).decode()
    for _ in range(draw(st.integers(1, 3))):
        table = draw(st.sampled_from(sorted(SCENARIO_KEYS)))
        key = draw(st.sampled_from(SCENARIO_KEYS[table]))
        line = f"{key} = {toml_literal(draw(toml_value()))}"
        if table == "workload":
            # a new key in the n-th [[workload]] (replacing the key if it is there)
            parts = text.split("[[workload]]")
            i = draw(st.integers(1, len(parts) - 1))
            body = re.sub(rf"(?m)^{key}\s*=.*$\n?", "", parts[i])
            parts[i] = "\n" + line + body
            text = "[[workload]]".join(parts)
        else:
            header = f"[{table}]"
            if header in text:
                text = re.sub(rf"(?m)^{re.escape(key)}\s*=.*$\n?", "", text, count=0)
                text = text.replace(header, header + "\n" + line, 1)
    if draw(st.integers(0, 5)) == 0:
        text += draw(
            st.sampled_from(
                [
                    "\n[[workload]]\n",
                    "\n[settings]\n",
                    "\n[workload]\n",
                    '\n[[workload]]\ntype = "gpu_job"\n',
                    "\x00",
                    "\n= 1\n",
                ]
            )
        )
    if draw(st.integers(0, 7)) == 0:
        text = text[: draw(st.integers(0, len(text)))]
    return text.encode("utf-8", "surrogatepass")


def profile_csv() -> Any:
    gen_rows = st.lists(
        st.tuples(times(), _weighted((3, plain_numbers()), (2, numbers()))), min_size=0, max_size=6
    ).map(
        lambda rows: (
            "timestamp,power_kw\n" + "".join(f"{_csv_quote(t)},{p}\n" for t, p in rows)
        ).encode("utf-8", "surrogatepass")
    )
    header_variants = st.sampled_from(
        [
            "power_kw",
            "power_w",
            "power [kW]",
            "power [GB]",
            "power [W**2000]",
            "power",
            "kw",
            "power [%]",
        ]
    ).map(lambda h: LOAD_CSV.replace(b"power_kw", h.encode()))
    return _weighted((3, mutated_table(LOAD_CSV, ",")), (2, gen_rows), (1, header_variants))


def grid_csv() -> Any:
    rows = st.lists(
        st.tuples(times(), _weighted((3, plain_numbers()), (2, numbers()))), min_size=0, max_size=30
    )
    return rows.map(
        lambda rr: (
            "timestamp,intensity\n" + "".join(f"{_csv_quote(t)},{v}\n" for t, v in rr)
        ).encode("utf-8", "surrogatepass")
    ) | st.just(
        (
            "timestamp,intensity\n"
            + "".join(
                f"2022-07-{1 + h // 24:02d}T{h % 24:02d}:00Z,{300 + h}\n" for h in range(24 * 10)
            )
        ).encode()
    )


def weather_file() -> Any:
    epw_like = st.lists(numbers(), min_size=1, max_size=40).map(lambda xs: ",".join(xs).encode())
    return _weighted(
        (2, st.sampled_from(BAD_FILES)), (1, epw_like), (1, st.just(b"LOCATION,x,,,,0,0,0,0\n" * 3))
    )


def config_toml() -> Any:
    @st.composite
    def mutate(draw: Any) -> bytes:
        text = CLUSTER.decode()
        key = draw(st.sampled_from(["accelerator", "region", "operator", "h100", "x"]))
        value = toml_literal(draw(toml_value()))
        table = draw(st.sampled_from(["[partitions.gpu_a100]", "[partitions.gpu_h100]", "[gres]"]))
        text = text.replace(table, f"{table}\n{key} = {value}", 1)
        return text.encode("utf-8", "surrogatepass")

    return _weighted((4, mutate()), (1, st.sampled_from(BAD_FILES)))


CHANGE = (EXAMPLES / "google_2019_2023.toml").read_bytes()


def change_toml() -> Any:
    """The Google change example with one figure replaced, added or its table broken."""

    @st.composite
    def mutate(draw: Any) -> bytes:
        text = CHANGE.decode()
        key = draw(
            st.sampled_from(
                [
                    "electricity",
                    "it_electricity",
                    "pue",
                    "cfe",
                    "intensity",
                    "location_based",
                    "market_based",
                    "market_intensity",
                    "reported_total",
                    "compute",
                    "x",
                ]
            )
        )
        value = draw(
            _weighted(
                (2, quantity(draw(st.sampled_from(["energy", "co2e", "dimensionless", "any"])))),
                (1, st.sampled_from(NASTY_TEXT)),
            )
        )
        literal = draw(
            st.sampled_from(
                [
                    json.dumps(value),
                    "{ value = " + json.dumps(value) + " }",
                    toml_literal(draw(toml_value())),
                ]
            )
        )
        table = draw(
            st.sampled_from(
                [
                    "[years.2019.regions.global]",
                    "[years.2023.regions.global]",
                    "[years.2019]",
                    "[years.2023.other]",
                    "[organisation]",
                ]
            )
        )
        lines = [ln for ln in text.splitlines() if not ln.startswith(f"{key} =")]
        text = "\n".join(lines).replace(table, f"{table}\n{key} = {literal}", 1)
        return text.encode("utf-8", "surrogatepass")

    return _weighted((4, mutate()), (1, st.sampled_from(BAD_FILES)))


FILES = {
    "jobs": _weighted(
        (4, mutated_table(JOBS_CSV, ",").map(lambda c: ("{tmp}/jobs.csv", {"jobs.csv": c}))),
        (2, mutated_table(SACCT, "|").map(lambda c: ("{tmp}/jobs.txt", {"jobs.txt": c}))),
        (1, _file("jobs.csv", st.sampled_from(BAD_FILES))),
        (1, _file("jobs.parquet", st.sampled_from(BAD_FILES + [JOBS_CSV]))),
    ),
    "config": _file("cluster.toml", config_toml()),
    "profile": _file("load.csv", profile_csv()),
    "grid": _file("grid.csv", grid_csv()),
    "weather": _weighted(
        (1, _file("weather.epw", weather_file())),
        (1, _file("weather.csv", weather_file())),
        (1, _file("weather.json", weather_file() | st.just(b'{"outputs": {"tmy_hourly": []}}'))),
    ),
    "scenario": _file("scenario.toml", scenario_text()),
    "change": _file("change.toml", change_toml()),
}

if __name__ == "__main__" and sys.argv[1:] == ["--worker"]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    _worker_main()
