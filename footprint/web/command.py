"""``footprint serve``: the web calculator on this machine (Starlette under uvicorn).

Loaded by the command line by its module name (``cli.COMMANDS``): the web layer sits
above ``cli``. The socket is bound here, before uvicorn starts, so an address in use or
refused is one line and exit code 2; the address served is printed once it listens.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading

import click

from footprint.cli import CliError
from footprint.core.extras import EXTRAS, require
from footprint.web.pages import PAGES, run_page

__all__ = ["command", "bind", "is_loopback", "LOOPBACK_NAMES"]

#: Host names the app answers to when bound to a loopback address (DNS rebinding guard).
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (``127.0.0.1``, ``::1``, ``localhost``)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (0: a free port), or a one-line
    :class:`CliError` saying why not."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise CliError(f"--host: cannot resolve {host!r} ({exc})") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        reason = exc.strerror or str(exc)
        raise CliError(f"--port: cannot listen on {host}:{port} ({reason})") from None
    sock.set_inheritable(True)
    return sock


def _warm_up() -> None:
    """Load the datasets and the unit registry an estimate needs, once, in the background:
    the first result then renders as fast as the next."""
    # a warm-up failure shows on the first request instead
    with contextlib.suppress(Exception):
        run_page(PAGES["training"], {"accelerator": "H100-SXM", "gpu_hours": "1", "region": "FR"})


@click.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Only this machine by default; another address makes the "
    "calculator reachable from the network (said on standard error).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on; 0 picks a free one (printed).",
)
@click.option(
    "--max-upload",
    type=click.FloatRange(min=0.001, max=1000),
    default=10.0,
    show_default=True,
    help="Largest uploaded log or change file, in MB; larger uploads are refused (413).",
)
def command(host: str, port: int, max_upload: float) -> None:
    """The web calculator: forms over the same library, on this machine.

    Pages for a training run or job, an inference service, a regional comparison, a
    change decomposition and a measured log re-accounted. Every result shows its factors
    with sources and licences, downloads (CSV, JSON, model card, EU AI Act section, HTML
    report), a permalink and the equivalent footprint command. Nothing is sent anywhere:
    the pages load no external font, script or map. Stop it with Ctrl+C.

    Needs the web extra: pip install 'ai-compute-footprint[web]'.
    """
    for module in EXTRAS["web"]:
        require(module, "web", "the web calculator")
    uvicorn = require("uvicorn", "web", "the web calculator")
    from footprint.web.app import create_app

    local = is_loopback(host)
    sock = bind(host, port)
    bound = sock.getsockname()[1]
    app = create_app(
        max_upload=int(max_upload * 10**6),
        allowed_hosts=(*LOOPBACK_NAMES, host) if local else None,
    )
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    if not local:
        click.echo(
            f"warning: --host {host} makes the calculator reachable from other machines; "
            "it has no login",
            err=True,
        )
    click.echo(f"footprint web calculator on http://{shown}:{bound}/ (Ctrl+C to stop)", err=True)
    threading.Thread(target=_warm_up, name="footprint-warm-up", daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()

