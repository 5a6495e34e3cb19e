"""The ``footprint`` command line: a root group with one subcommand per workflow.

Subcommands live in ``footprint/cli/commands/`` and are imported only when run (or
listed), and they import the numeric stack only inside their functions, so
``footprint --help`` stays fast. Every error a user can cause ends as a
one-line message and exit code 2, never a traceback.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from footprint import __version__

__all__ = ["main", "cli", "CliError"]

#: Subcommand name -> (module in footprint.cli.commands, one-line help).
COMMANDS: dict[str, tuple[str, str]] = {
    "estimate": ("estimate", "Electricity, CO2e and water of a job on accelerators."),
    "accelerators": ("accelerators", "List or search the accelerator catalogue."),
    "regions": ("regions", "List, filter and count regions with their factors."),
    "explain": ("explain", "Every factor an estimate would use in a region, with licences."),
    "infer": ("infer", "Serving a language model: per request, per token, per day, per user."),
    "train": ("train", "A training run from its FLOPs (6ND or a count), MFU and accelerator."),
    "compare": ("compare", "One workload in many regions: ranked table, chart, equivalents."),
    "trend": ("trend", "Carbon and water intensity of a region's electricity over the years."),
    "project": ("project", "Project a footprint over years: growth, efficiency, grid trend."),
    "fleet": ("fleet", "An installed base of AI servers a year: TWh, CO2e, country equivalent."),
    "report": ("report", "Markdown or HTML report of a TOML scenario of several workloads."),
    "hourly": ("hourly", "A job or load profile accounted hour by hour, with on-site solar."),
    "schedule": ("schedule", "Best start time of a flexible job: least CO2e in a window."),
    "solar": ("solar", "Annual and monthly yield of an on-site PV array (pvlib)."),
    "batch": ("batch", "Footprints of every job of a job log (CSV, Parquet, sacct), summarised."),
    "reaccount": (
        "reaccount",
        "Measured energy logs (CodeCarbon, sacct, nvidia-smi) re-accounted.",
    ),
    "change": ("change", "Why an organisation's emissions changed: exact effects (LMDI)."),
    # the layer above the command line (footprint.web), loaded by its module's full name
    "serve": ("footprint.web.command", "The web calculator: a local web app on this machine."),
}


#: Packages pint imports at its own import when installed, for features footprint never
#: uses (Quantities wrapping Dask arrays; ``Quantity.to_preferred``, which needs SciPy).
PINT_PROBES = ("dask", "scipy")


def _import_pint_lean() -> None:
    """Import pint without the optional packages it probes for (:data:`PINT_PROBES`).

    With the dask extra, or SciPy from the solar extra, installed, pint's ``compat``
    module imports them on every start: 0.1-0.2 s of a command that never uses them.
    The command line is one thread while it resolves a subcommand, so it hides them
    (``None`` in ``sys.modules``, which makes their import fail) while pint loads, then
    unhides them: a command that needs Dask or SciPy (pvlib) imports them as usual. The
    library never does this: a program importing footprint gets pint as pint is.
    """
    import sys

    if "pint" in sys.modules:
        return
    hidden = [name for name in PINT_PROBES if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import pint  # noqa: F401
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


class CliError(click.ClickException):
    """A usage or input error: one line on stderr, exit code 2."""

    exit_code = 2


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        _import_pint_lean()
        name = COMMANDS[cmd_name][0]  # a module of cli.commands, or a full module name
        module = importlib.import_module(name if "." in name else f"footprint.cli.commands.{name}")
        command: click.Command = module.command
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Static help lines: listing the commands imports none of them.
        with formatter.section("Commands"):
            formatter.write_dl([(name, help_) for name, (_, help_) in COMMANDS.items()])

    def invoke(self, ctx: click.Context) -> Any:
        from footprint.core.errors import FootprintError
        from footprint.core.extras import MissingExtraError

        try:
            result = super().invoke(ctx)
        except MissingExtraError as exc:  # "footprint solar needs the solar extra (...)"
            raise CliError(exc.for_command(f"footprint {ctx.invoked_subcommand}")) from None
        except FootprintError as exc:
            raise CliError(str(exc)) from None
        except click.UsageError as exc:
            # click's own usage errors (bad choice, out of range, unknown option): one line
            name = exc.ctx.command_path if exc.ctx is not None else "footprint"
            raise CliError(f"{exc.format_message()} (see '{name} --help')") from None
        for message in _WARNED:  # after a result only: an error stays one line
            click.echo(f"warning: {message}", err=True)
        return result


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
# The version of the package itself (not the installed distribution's metadata), so that
# it is right from a checkout (python cli.py --version) and needs no metadata lookup.
@click.version_option(__version__, "-V", "--version", prog_name="footprint")
def cli() -> None:
    """Electricity, CO2e, water and cost of AI compute, with every factor sourced.

    \b
    Examples:
      footprint estimate --accelerator H100-SXM --gpu-hours 39.3e6 --region US --year 2023
      footprint estimate --gpu A100-80GB --count 384 --hours "3.5 months" --region FR --format json
      footprint accelerators --search h100
      footprint regions --search fra
    """
    _show_plausibility_warnings()


#: Warnings of this command, each once (one line per implausible input, not per region),
#: printed after its result.
_WARNED: dict[str, None] = {}


def _show_plausibility_warnings() -> None:
    """Print each implausible input (:mod:`footprint.core.plausibility`) on standard error as
    one ``warning: ...`` line, once per command, after its result (the result's notes carry
    it too); a command that fails prints its one error line only."""
    import warnings

    from footprint.core.plausibility import PlausibilityWarning

    _WARNED.clear()
    warnings.simplefilter("always", PlausibilityWarning)
    # NumPy's overflow warnings are not for a user: every printed result is checked finite
    # (an overflow ends in one line naming the result), and an error stays one line
    warnings.filterwarnings("ignore", category=RuntimeWarning)
    shown = warnings.showwarning
    if getattr(shown, "footprint", False):
        return

    def show(message: Any, category: Any, *args: Any, **kwargs: Any) -> None:
        if not issubclass(category, PlausibilityWarning):
            shown(message, category, *args, **kwargs)
        else:
            _WARNED[str(message)] = None

    show.footprint = True  # type: ignore[attr-defined]
    warnings.showwarning = show


def _quiet_stdout() -> None:
    """Point standard output at the null device, so that the flush at interpreter exit
    cannot fail again (the Python documentation's advice for ``BrokenPipeError``)."""
    import os
    import sys

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real file descriptor (tests)
        pass


def _output_error(exc: OSError) -> int:
    """Exit code for a write error on standard output: quiet 1 for a closed pipe
    (``footprint ... | head``), else one line on stderr and 2 (``> /dev/full``)."""
    import errno
    import sys

    _quiet_stdout()
    if isinstance(exc, BrokenPipeError) or exc.errno == errno.EPIPE:
        return 1
    reason = exc.strerror or str(exc) or type(exc).__name__
    try:
        sys.stderr.write(f"Error: cannot write the output: {reason}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    return 2


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``footprint`` script and ``python -m footprint``.

    Errors writing standard output (disk full, a closed pipe) end as one line and exit
    code 2 (quietly, code 1, for a closed pipe), also when they happen at the final
    flush, never as a traceback.
    """
    import sys

    from footprint.core import status

    status.enable()  # a status line for slow steps, on a terminal's stderr only
    code: Any = 0
    try:
        with status.watch_output(), status.status("working"):
            cli.main(args=argv, prog_name="footprint")
    except SystemExit as exc:
        code = exc.code
    except OSError as exc:
        code = _output_error(exc)
    else:  # pragma: no cover - click's standalone mode always exits
        code = 0
    try:
        sys.stdout.flush()
    except (OSError, ValueError) as exc:
        if isinstance(exc, OSError) and not code:
            code = _output_error(exc)
        else:
            _quiet_stdout()
    _skip_exit_collection()
    sys.exit(code)


def _skip_exit_collection() -> None:
    """Let the interpreter's shutdown skip its full garbage-collector passes.

    At exit, Python tears the modules down with several full passes of the cyclic
    garbage collector over every live object: pint, numpy and the loaded datasets make
    that about 60 ms of a 0.45 s ``footprint estimate``. Freezing the collector's view
    (``gc.freeze``) skips those passes; memory is returned by the process ending, and
    nothing footprint writes depends on them (commands close, publish or discard their
    files themselves, and standard output was flushed above).
    """
    import gc

    gc.freeze()
