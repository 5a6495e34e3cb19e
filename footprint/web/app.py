"""The web calculator's Starlette application: pages, uploads, downloads, headers.

Every page is a GET form: its inputs are the URL's query, so a result's address is its
permalink, and its downloads are the same query under ``/PAGE/download/FORMAT``. The
change and re-accounting pages take a file: uploaded (POST, at most ``max_upload`` bytes,
read in memory; Starlette's parser may spool a large part to a file of the system's
temporary directory, closed and deleted at once) or pasted; the text is kept in memory
(:class:`UploadStore`, the last few) and the page redirects to its GET address (the text
itself in the URL when short, else the upload's key, valid while the server runs).

Templates are Jinja2 with autoescape on; responses carry a Content-Security-Policy of
``default-src 'self'`` (no inline script or style), and the app answers only to the
host names of the address it is bound to (DNS rebinding). Computations run in
Starlette's thread pool: the library is thread-safe.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from urllib.parse import urlencode

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders, UploadFile
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from footprint import __version__
from footprint.core.errors import FootprintError
from footprint.web.forms import FormError
from footprint.web.pages import PAGES, Outcome, Page, Upload, datalists, run_page
from footprint.web.views import download, download_links, html_name, view

__all__ = ["DEFAULT_MAX_UPLOAD", "SECURITY_HEADERS", "UploadStore", "create_app"]

#: Largest upload accepted by default (bytes): 10 MB.
DEFAULT_MAX_UPLOAD = 10 * 10**6
#: Longest pasted text carried in a result's URL (characters, URL-encoded); longer text
#: is held in memory and the URL names it by key.
MAX_TEXT_IN_URL = 4000
#: Room for the form's other fields and the multipart framing around an upload.
_FORM_OVERHEAD = 64 * 1024

#: Headers of every response (a response may set its own Content-Security-Policy).
SECURITY_HEADERS = (
    (
        "content-security-policy",
        "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
        "object-src 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=()"),
)
#: The HTML report is one file with its style inline and no script.
_REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

_HERE = Path(__file__).resolve().parent
_STATIC = {"style.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8"}


class UploadStore:
    """The last ``size`` uploads, by a key of their content (thread-safe, in memory)."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._items: OrderedDict[str, Upload] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, upload: Upload) -> str:
        """Keep ``upload``; its key (the first 32 hex digits of the SHA-256 of name and text)."""
        digest = hashlib.sha256(f"{upload.name}\0{upload.text}".encode()).hexdigest()[:32]
        with self._lock:
            self._items[digest] = upload
            self._items.move_to_end(digest)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return digest

    def get(self, key: str) -> Upload | None:
        """The upload of ``key``, or ``None`` (never held, or no longer)."""
        with self._lock:
            return self._items.get(key)


class _Headers:
    """ASGI middleware: the security headers on every response, and ``413`` for a request
    whose declared length is over the upload limit, before its body is read."""

    def __init__(self, app: ASGIApp, max_body: int, max_upload: int) -> None:
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length", b"0")
        if length.isdigit() and int(length) > self.max_body:
            await _too_large(self.max_upload)(scope, receive, self._send(send))
            return
        await self.app(scope, receive, self._send(send))

    def _send(self, send: Send) -> Send:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    if name not in headers:
                        headers[name] = value
            await send(message)

        return send_with_headers


def _too_large(limit: int) -> Response:
    return Response(
        f"The upload is larger than the limit of {limit:,} bytes (footprint serve "
        "--max-upload).\n",
        status_code=413,
        media_type="text/plain; charset=utf-8",
    )


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_HERE / "templates")),
        autoescape=True,
        auto_reload=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(pages=PAGES, version=__version__)
    return env


def _safe_name(name: str, default: str) -> str:
    """The base name of an uploaded file (no directory), at most 100 characters."""
    base = PurePosixPath(str(name).replace("\\", "/")).name.strip()
    return (base or default)[:100]


_DEFAULT_NAMES = {"change": "change.toml", "reaccount": "energy-log.txt"}


def create_app(
    *,
    max_upload: int = DEFAULT_MAX_UPLOAD,
    allowed_hosts: Sequence[str] | None = ("127.0.0.1", "localhost", "[::1]", "::1"),
    store_size: int = 16,
) -> Starlette:
    """The web calculator as an ASGI application.

    ``max_upload``: the largest upload in bytes; ``allowed_hosts``: host names it answers
    to (``None``: any, for a server bound to a public address); ``store_size``: how many
    uploads it keeps in memory for their permalinks and downloads.
    """
    env = _environment()
    store = UploadStore(store_size)
    static = {name: (_HERE / "static" / name).read_bytes() for name in _STATIC}
    lists = datalists()

    def upload_of(page: Page, values: Mapping[str, str]) -> Upload | None:
        if not page.upload:
            return None
        key = values.get("upload", "").strip()
        if key:
            found = store.get(key)
            if found is None:
                raise FormError(
                    {"file": "this upload is no longer held by the server (it keeps the last "
                     f"{store.size} while it runs): upload the file again"}
                )
            return found
        text = values.get("text", "")
        if text.strip():
            return Upload(text, _safe_name(values.get("name", ""), _DEFAULT_NAMES[page.key]))
        return None

    def compute(page: Page, values: Mapping[str, str]) -> tuple[Outcome | None, FormError | None]:
        asked = any(
            str(v).strip() for k, v in values.items() if k != "basis" and k in _names(page)
        )
        if not asked:
            return None, None
        try:
            return run_page(page, values, upload_of(page, values)), None
        except FormError as exc:
            return None, exc

    def render_page(
        request: Request, page: Page, values: Mapping[str, str], outcome: Outcome | None,
        error: FormError | None,
    ) -> HTMLResponse:
        query = request.url.query
        context = {
            "page": page,
            "values": values,
            "errors": error.fields if error else {},
            "general": error.general if error else [],
            "outcome": outcome,
            "result": view(outcome) if outcome is not None else None,
            "downloads": [
                (label, f"/{page.key}/download/{fmt}?{query}")
                for fmt, label in (download_links(outcome) if outcome else [])
            ],
            "permalink": str(request.url) if outcome is not None else "",
            "text_in_url": "text" in values,
            "datalists": lists,
            "title": page.title,
        }
        html = env.get_template("page.html").render(**context)
        return HTMLResponse(html, status_code=400 if error else 200)

    async def index(request: Request) -> Response:
        return HTMLResponse(env.get_template("index.html").render(title="footprint"))

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in static:
            return Response("Not Found\n", status_code=404, media_type="text/plain")
        return Response(
            static[name], media_type=_STATIC[name], headers={"cache-control": "max-age=3600"}
        )

    async def page_view(request: Request) -> Response:
        page = PAGES.get(request.path_params["page"])
        if page is None:
            return Response("Not Found\n", status_code=404, media_type="text/plain")
        if request.method == "POST":
            return await upload_view(request, page)
        values = dict(request.query_params)
        outcome, error = await run_in_threadpool(compute, page, values)
        return await run_in_threadpool(render_page, request, page, values, outcome, error)

    async def upload_view(request: Request, page: Page) -> Response:
        if not page.upload:
            return Response("Method Not Allowed\n", status_code=405, media_type="text/plain")
        limit = max_upload + _FORM_OVERHEAD
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                return _too_large(max_upload)

        async def replay() -> Message:
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        try:
            form = await Request(request.scope, replay).form(
                max_files=1, max_fields=64, max_part_size=max_upload
            )
        except Exception as exc:  # a malformed or oversized multipart body
            status = 413 if "maximum size" in str(exc).lower() else 400
            message = str(getattr(exc, "detail", exc)) or "malformed form"
            return Response(f"{message}\n", status_code=status, media_type="text/plain")
        try:
            values = {k: v for k, v in form.multi_items() if isinstance(v, str) and v.strip()}
            file = form.get("file")
            raw: bytes | None = None
            name = values.get("name", "")
            if isinstance(file, UploadFile) and file.filename:
                raw = await file.read(max_upload + 1)
                name = file.filename
            elif values.get("text", "").strip():
                raw = values["text"].encode("utf-8")
        finally:
            await form.close()
        values.pop("text", None)
        if raw is None:  # no new file: the one held already, or an error on the field
            return RedirectResponse(f"/{page.key}?{urlencode(values)}", status_code=303)
        if len(raw) > max_upload:
            return _too_large(max_upload)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            error = FormError({"file": f"{_safe_name(name, 'file')}: not UTF-8 text"})
            return render_page(request, page, values, None, error)
        upload = Upload(text.replace("\r\n", "\n"), _safe_name(name, _DEFAULT_NAMES[page.key]))
        values.pop("upload", None)
        values["name"] = upload.name
        inline = urlencode({"text": upload.text})
        if len(inline) <= MAX_TEXT_IN_URL:
            values["text"] = upload.text
        else:
            values["upload"] = store.put(upload)
        return RedirectResponse(f"/{page.key}?{urlencode(values)}", status_code=303)

    async def download_view(request: Request) -> Response:
        page = PAGES.get(request.path_params["page"])
        fmt = request.path_params["fmt"]
        if page is None:
            return Response("Not Found\n", status_code=404, media_type="text/plain")
        values = dict(request.query_params)
        outcome, error = await run_in_threadpool(compute, page, values)
        if outcome is None:  # nothing asked, or an error: the page says which
            return RedirectResponse(f"/{page.key}?{request.url.query}", status_code=303)
        return await run_in_threadpool(_download, outcome, fmt, values)

    def _download(outcome: Outcome, fmt: str, values: Mapping[str, str]) -> Response:
        if fmt == "html":
            html = env.get_template("report.html").render(
                outcome=outcome, result=view(outcome), title=outcome.command,
                css=static["style.css"].decode("utf-8"),
            )
            return Response(
                html,
                media_type="text/html; charset=utf-8",
                headers={
                    "content-disposition": f'attachment; filename="{html_name(outcome)}"',
                    "content-security-policy": _REPORT_CSP,
                },
            )
        try:
            text, media, name = download(outcome, fmt)
        except KeyError:
            return Response("Not Found\n", status_code=404, media_type="text/plain")
        except FootprintError as exc:  # a disclosure the inputs do not allow: one line
            return Response(f"{exc}\n", status_code=400, media_type="text/plain; charset=utf-8")
        return Response(
            text, media_type=media,
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )

    routes = [
        Route("/", index),
        Route("/static/{name}", asset),
        Route("/{page}", page_view, methods=["GET", "POST"]),
        Route("/{page}/download/{fmt}", download_view),
    ]
    middleware = [
        Middleware(_Headers, max_body=max_upload + _FORM_OVERHEAD, max_upload=max_upload)
    ]
    if allowed_hosts is not None:
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts)))
    return Starlette(routes=routes, middleware=middleware)


def _names(page: Page) -> set[str]:
    """The query keys that ask ``page`` for a result."""
    return {f.name for f in page.fields} | ({"upload"} if page.upload else set())

