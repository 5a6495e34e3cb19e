"""The web calculator (issue 19) through Starlette's TestClient: pages, results equal to the
library's and to the command line's, field errors with the command line's messages,
permalinks, downloads, escaping, upload limits, headers, no external URL, accessibility
basics. All offline; the browser tests are in test_web_browser.py.
"""

from __future__ import annotations

import json
import re
import shlex
import sys
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner

pytest.importorskip("starlette", reason="the web extra is not installed")
pytest.importorskip("httpx", reason="Starlette's TestClient needs httpx")

from starlette.testclient import TestClient  # noqa: E402

import footprint as fp  # noqa: E402
from footprint.cli import cli  # noqa: E402
from footprint.core.extras import DISTRIBUTION  # noqa: E402
from footprint.render.labels import readable  # noqa: E402
from footprint.web.app import create_app  # noqa: E402
from footprint.web.pages import PAGES  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / "tests" / "data" / "logs"
CHANGE_FILE = ROOT / "examples" / "google_2019_2023.toml"

#: H100-SXM, 1,000 accelerator-hours in France, 2022 data. Grid intensity: OWID/Ember 2022
#: for FR, 78.5502 gCO2e/kWh (datasets/grid_intensity.csv); facility energy 1,121.8 kWh
#: (560 W + 150 W host, x PUE 1.58, Uptime Institute industry average): 88.1176 kgCO2e.
TRAINING = {"accelerator": "H100-SXM", "gpu_hours": "1000", "region": "FR", "year": "2022"}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(allowed_hosts=None))


def _query(values: dict[str, str]) -> str:
    return urlencode(values)


def _command_of(html: str) -> list[str]:
    """The equivalent command shown on a result page, as arguments (``footprint`` dropped)."""
    match = re.search(r'<p class="command" id="command">(.*?)</p>', html, re.S)
    assert match, "no command on the page"
    import html as html_module

    return shlex.split(html_module.unescape(match.group(1)))[1:]


def _cli_json(args: list[str]) -> dict:
    result = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


# --------------------------------------------------------------------------- pages


@pytest.mark.parametrize("path", ["/", *[f"/{k}" for k in PAGES]])
def test_every_page_answers_with_a_form(client, path):
    r = client.get(path)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert '<html lang="en">' in r.text
    assert "<h1>" in r.text
    if path != "/":
        assert '<button type="submit"' in r.text
        assert 'id="result"' not in r.text  # an empty form computes nothing


def test_only_the_upload_pages_take_a_post(client):
    assert client.post("/training", data=TRAINING).status_code == 405
    assert client.get("/nowhere").status_code == 404
    assert client.get("/static/../app.py").status_code == 404


def test_training_result_equals_the_librarys(client):
    r = client.get("/training?" + _query(TRAINING))
    assert r.status_code == 200, r.text
    ref = fp.estimate(fp.GpuJob("H100-SXM", gpu_hours="1000 h"), region="FR", year=2022)
    assert abs(ref.co2e.m_as("kgCO2e") - 88.1176) < 1e-3  # the figure above
    # the page shows the library's numbers as the terminal writes them
    for key in ("co2e", "facility_energy", "water", "embodied_co2e"):
        assert f'<td class="n">{readable(ref.results[key], key)}</td>' in r.text, key
    doc = client.get("/training/download/json?" + _query(TRAINING)).json()
    for key, q in ref.results.items():
        assert doc["results"][key]["value"] == pytest.approx(float(q.magnitude), rel=1e-12), key


def test_training_by_flops_is_footprint_train(client):
    values = {"basis": "flops", "accelerator": "H100-SXM", "model": "llama-3-70b",
              "tokens": "15T", "gpu_hours": "6.4e6", "region": "US"}
    r = client.get("/training?" + _query(values))
    assert r.status_code == 200, r.text
    args = _command_of(r.text)
    assert args[0] == "train"
    page = client.get("/training/download/json?" + _query(values)).json()
    assert page["results"] == _cli_json(args)["results"]


def test_inference_result_equals_the_librarys_and_the_clis(client):
    values = {"model": "llama-3.1-8b", "requests": "1e9 request/day", "output_tokens": "300",
              "region": "US"}
    r = client.get("/inference?" + _query(values))
    assert r.status_code == 200, r.text
    args = _command_of(r.text)
    assert args == ["infer", "--model", "llama-3.1-8b", "--requests", "1e9 request/day",
                    "--output-tokens", "300", "--region", "US"]
    page = client.get("/inference/download/json?" + _query(values)).json()
    assert page["results"] == _cli_json(args)["results"]
    ref = fp.estimate(fp.InferenceWorkload("llama-3.1-8b", requests="1e9 request/day",
                                           output_tokens=300), region="US")
    assert page["results"]["co2e"]["value"] == pytest.approx(ref.co2e.m_as("kgCO2e"), rel=1e-12)


@pytest.mark.parametrize(
    "values",
    [
        {**TRAINING, "uncertainty": "1"},
        {"accelerator": "A100-80GB", "count": "64", "hours": "3 days", "region": "DE",
         "operator": "google", "boundary": "servers"},
        {"basis": "flops", "accelerator": "H100-SXM", "flops": "3.8e25", "mfu": "0.4",
         "region": "SE", "facility": "hyperscale"},
    ],
    ids=["ranges", "count-hours", "flops"],
)
def test_the_command_shown_gives_the_pages_numbers(client, values):
    """The equivalent `footprint ...` command, run as shown, gives the page's JSON."""
    r = client.get("/training?" + _query(values))
    assert r.status_code == 200, r.text
    page = client.get("/training/download/json?" + _query(values)).json()
    cli_doc = _cli_json(_command_of(r.text))
    assert page["results"] == cli_doc["results"]
    assert page["factors"] == cli_doc["factors"]


def test_ranges_and_licences_are_shown(client):
    r = client.get("/training?" + _query({**TRAINING, "uncertainty": "1"}))
    assert "Range (P5–P95)" in r.text
    assert 'id="sensitivity"' in r.text
    # the grid intensity's source and its licence (licences.csv: grid_intensity.csv)
    assert "Our World in Data" in r.text
    assert "<td>CC BY 4.0</td>" in r.text
    assert 'id="notes"' in r.text


def test_compare_page_ranks_regions_like_the_cli(client):
    values = {"accelerator": "H100-SXM", "gpu_hours": "1000", "regions": "FR,DE,IN,SE"}
    r = client.get("/compare?" + _query(values))
    assert r.status_code == 200, r.text
    assert "<svg" in r.text and 'role="img"' in r.text
    args = _command_of(r.text)
    assert args[0] == "compare"
    page = client.get("/compare/download/json?" + _query(values)).json()
    cli_doc = _cli_json(args)
    assert [row["region"] for row in page["rows"]] == [row["region"] for row in cli_doc["rows"]]
    assert page["rows"] == cli_doc["rows"]
    csv = client.get("/compare/download/csv?" + _query(values))
    assert csv.headers["content-type"].startswith("text/csv")
    assert "region" in csv.text.splitlines()[0].split(",")
    assert csv.text == CliRunner().invoke(cli, [*args, "--format", "csv"]).output


def test_all_countries_comparison(client):
    r = client.get("/compare?" + _query({"accelerator": "H100-SXM", "gpu_hours": "1000",
                                         "all_countries": "1"}))
    assert r.status_code == 200
    rows = re.findall(r"<tr><td class=\"n\">\d+</td>", r.text)
    assert len(rows) >= 200  # every country with data (220 zones of kind country)


def test_change_page_from_pasted_text_and_upload(client):
    text = CHANGE_FILE.read_text(encoding="utf-8")
    r = client.post("/change", files={"file": ("google.toml", text.encode())},
                    follow_redirects=False)
    assert r.status_code == 303
    page = client.get(r.headers["location"])
    assert page.status_code == 200, page.text
    assert _command_of(page.text) == ["change", "google.toml"]
    # Google 2019 -> 2023: +4.641 MtCO2e (the CLI's table for the same file)
    assert "+4.641 MtCO2e" in page.text
    doc = client.get(r.headers["location"].replace("/change?", "/change/download/json?")).json()
    assert doc == _cli_json(["change", str(CHANGE_FILE)])
    # pasted text of a short file travels in the URL: a permalink that outlives the server
    small = '[years.2020.regions.global]\nelectricity = "10 TWh"\nlocation_based = "4 MtCO2e"\n'
    small += '[years.2021.regions.global]\nelectricity = "12 TWh"\nlocation_based = "4.2 MtCO2e"\n'
    pasted = client.get("/change?" + _query({"text": small}))
    assert pasted.status_code == 200, pasted.text
    assert "Why emissions changed" in pasted.text


def test_reaccount_page_equals_the_cli(client, tmp_path):
    log = (LOGS / "codecarbon_emissions.csv").read_bytes()
    r = client.post("/reaccount", data={"region": "FR", "year": "2023"},
                    files={"file": ("emissions.csv", log)}, follow_redirects=False)
    assert r.status_code == 303
    location = r.headers["location"]
    page = client.get(location)
    assert page.status_code == 200, page.text
    args = _command_of(page.text)
    assert args[:2] == ["reaccount", "emissions.csv"]
    (tmp_path / "emissions.csv").write_bytes(log)
    result = CliRunner().invoke(cli, [args[0], str(tmp_path / "emissions.csv"), *args[2:],
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    web = client.get(location.replace("/reaccount?", "/reaccount/download/json?")).json()
    assert web == json.loads(result.output)
    card = client.get(location.replace("/reaccount?", "/reaccount/download/model-card?"))
    assert card.text.startswith("---\nco2_eq_emissions:")


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("page", "values", "field", "argv"),
    [
        ("training", {**TRAINING, "gpu_hours": "10 kg"}, "gpu_hours",
         ["estimate", "--accelerator", "H100-SXM", "--gpu-hours", "10 kg", "--region", "FR"]),
        ("training", {**TRAINING, "accelerator": "H999"}, "accelerator",
         ["estimate", "--accelerator", "H999", "--gpu-hours", "1000"]),
        ("training", {**TRAINING, "region": "Atlantis"}, "region",
         ["estimate", "-a", "H100-SXM", "--gpu-hours", "1000", "--region", "Atlantis"]),
        ("training", {"accelerator": "H100-SXM", "count": "8"}, "gpu_hours",
         ["estimate", "-a", "H100-SXM", "--count", "8"]),
        ("inference", {"model": "llama-3.1-8b", "requests": "1e9 request/parsec",
                       "output_tokens": "300"}, "requests",
         ["infer", "-m", "llama-3.1-8b", "-n", "1e9 request/parsec", "--output-tokens", "300"]),
        ("compare", {"accelerator": "H100-SXM", "gpu_hours": "1000", "regions": "FR",
                     "all_countries": "1"}, "regions",
         ["compare", "-a", "H100-SXM", "--gpu-hours", "1000", "--regions", "FR",
          "--all-countries"]),
    ],
    ids=["unit", "accelerator", "region", "hours", "rate", "selectors"],
)
def test_field_error_is_the_clis_message(client, page, values, field, argv):
    r = client.get(f"/{page}?" + _query(values))
    assert r.status_code == 400
    cli_result = CliRunner().invoke(cli, argv)
    assert cli_result.exit_code == 2
    message = cli_result.output.strip().removeprefix("Error: ")
    import html as html_module

    error = rf'<p class="error" id="f-{field}-error" role="alert">(.*?)</p>'
    shown = re.search(error, r.text, re.S)
    assert shown is not None
    assert html_module.unescape(shown.group(1)) == message
    # the field points at its error, and says it is invalid
    control = re.search(rf'<(?:input|select)[^>]*id="f-{field}"[^>]*>', r.text).group(0)
    assert f"f-{field}-error" in control and 'aria-invalid="true"' in control
    # what was typed stays in the form
    assert 'id="result"' not in r.text


def test_a_field_of_the_other_command_is_refused_by_name(client):
    r = client.get("/training?" + _query({**TRAINING, "basis": "flops", "hours": "3 days",
                                          "tokens": "1T"}))
    assert r.status_code == 400
    assert "--hours: not an option of footprint train" in r.text


def test_bad_change_file_error_is_next_to_the_file_field(client):
    r = client.post("/change", files={"file": ("bad.toml", b"years = [")},
                    follow_redirects=True)
    assert r.status_code == 400
    assert re.search(r'id="f-file-error" role="alert">bad.toml: not valid TOML', r.text)


# --------------------------------------------------------------------------- permalinks


def test_permalink_round_trip(client):
    r = client.get("/training?" + _query({**TRAINING, "operator": "google"}))
    link = re.search(r'<p class="permalink" id="permalink"><a href="([^"]+)"', r.text).group(1)
    import html as html_module

    again = client.get(html_module.unescape(link))
    assert again.status_code == 200

    def result(text: str) -> str:
        return text.split('<section id="result"', 1)[1]

    assert result(again.text) == result(r.text)
    assert 'value="google"' in again.text  # the form is filled from the address


def test_upload_permalink_and_downloads_name_the_held_upload(client):
    log = (LOGS / "sacct.json").read_bytes()
    r = client.post("/reaccount", files={"file": ("sacct.json", log)}, follow_redirects=False)
    nowhere = r.headers["location"].replace("/reaccount?", "/reaccount/download/model-card?")
    refused = client.get(nowhere)  # a disclosure needs one place: the library's one line
    assert refused.status_code == 400
    assert refused.text.startswith("energy log: runs in several places or none")
    r = client.post("/reaccount", data={"region": "US"}, files={"file": ("sacct.json", log)},
                    follow_redirects=False)
    location = r.headers["location"]
    assert "upload=" in location or "text=" in location
    for fmt in ("csv", "json", "model-card", "eu-ai-act", "html"):
        d = client.get(location.replace("/reaccount?", f"/reaccount/download/{fmt}?"))
        assert d.status_code == 200, (fmt, d.text[:200])
        assert d.headers["content-disposition"].startswith("attachment; filename=")
    gone = client.get("/reaccount?" + _query({"upload": "0" * 32, "name": "x.json"}))
    assert gone.status_code == 400
    assert "no longer held by the server" in gone.text


# --------------------------------------------------------------------------- downloads


def test_downloads_of_a_footprint(client):
    q = _query(TRAINING)
    csv = client.get(f"/training/download/csv?{q}")
    assert csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert "co2e" in csv.text and "88.11761436" in csv.text
    js = client.get(f"/training/download/json?{q}")
    assert js.headers["content-type"] == "application/json"
    assert js.json()["results"]["co2e"]["value"] == pytest.approx(88.11761436)
    card = client.get(f"/training/download/model-card?{q}")
    assert card.headers["content-type"].startswith("text/markdown")
    assert card.text.startswith("---\nco2_eq_emissions:\n  emissions: 88117.6")
    eu = client.get(f"/training/download/eu-ai-act?{q}")
    assert "EU AI Act" in eu.text and "1,000 h" in eu.text
    report = client.get(f"/training/download/html?{q}")
    assert report.headers["content-type"] == "text/html; charset=utf-8"
    assert report.headers["content-disposition"] == (
        'attachment; filename="footprint-training-report.html"'
    )
    text = report.text
    assert "<style>" in text and "<script" not in text
    assert not re.search(r'(?:src|href)="', text)  # self-contained: no link to load
    assert "88.12 kgCO2e" in text
    assert client.get(f"/training/download/nope?{q}").status_code == 404
    assert client.get(f"/compare/download/model-card?{q}").status_code == 404


def test_a_download_without_inputs_goes_back_to_the_form(client):
    r = client.get("/training/download/csv", follow_redirects=False)
    assert r.status_code == 303


# --------------------------------------------------------------------------- escaping


HOSTILE = "<script>alert(1)</script>{{7*7}}"


def test_user_strings_are_escaped_in_fields_and_messages(client):
    r = client.get("/training?" + _query({**TRAINING, "region": HOSTILE, "operator": HOSTILE}))
    assert "<script>alert" not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{7*7}}" in r.text
    # typed text stays as typed in its field (Jinja2 never evaluates a value)
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;{{7*7}}"' in r.text


def test_uploaded_content_is_escaped(client):
    log = (LOGS / "codecarbon_emissions.csv").read_text(encoding="utf-8")
    log = log.replace("run-00", HOSTILE.replace(",", ""))
    r = client.post("/reaccount", files={"file": ("<b>x</b>.csv", log.encode())},
                    follow_redirects=True)
    assert r.status_code == 200, r.text
    assert "<script>alert" not in r.text and "<b>x" not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{7*7}}" in r.text
    toml = CHANGE_FILE.read_text(encoding="utf-8").replace('name = "Google"', f'name = "{HOSTILE}"')
    assert HOSTILE in toml
    c = client.post("/change", files={"file": ("g.toml", toml.encode())}, follow_redirects=True)
    assert c.status_code == 200, c.text
    assert "<script>alert" not in c.text and "&lt;script&gt;" in c.text
    html_report = client.get(str(c.url).replace("/change?", "/change/download/html?"))
    assert "<script>alert" not in html_report.text


# --------------------------------------------------------------------------- uploads


def test_upload_size_limit():
    small = TestClient(create_app(allowed_hosts=None, max_upload=2000))
    body = b"x" * 80_000
    r = small.post("/reaccount", files={"file": ("big.csv", body)})
    assert r.status_code == 413
    assert "2,000 bytes" in r.text
    r = small.post("/reaccount", files={"file": ("big.csv", b"y" * 3000)})
    assert r.status_code == 413


def test_a_file_that_is_not_utf8_is_a_field_error(client):
    r = client.post("/reaccount", files={"file": ("x.csv", b"\xff\xfe\x00bad")})
    assert r.status_code == 400
    assert "x.csv: not UTF-8 text" in r.text


def test_uploads_are_not_written_to_the_working_directory(client, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    client.post("/reaccount", files={"file": ("emissions.csv",
                                              (LOGS / "codecarbon_emissions.csv").read_bytes())})
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- headers, URLs


def test_security_headers(client):
    for path in ("/", "/training?" + _query(TRAINING), "/static/style.css", "/nope/x/y"):
        h = client.get(path).headers
        assert "default-src 'self'" in h["content-security-policy"], path
        assert h["x-content-type-options"] == "nosniff"
        assert h["referrer-policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in h["content-security-policy"]


def test_unknown_hosts_are_refused():
    local = TestClient(create_app(), base_url="http://127.0.0.1:8000")
    assert local.get("/").status_code == 200
    rebound = TestClient(create_app(), base_url="http://attacker.example")
    assert rebound.get("/").status_code == 400


def _served(client) -> dict[str, str]:
    texts = {p: client.get(p).text for p in ["/", *[f"/{k}" for k in PAGES]]}
    ranges = _query({**TRAINING, "uncertainty": "1"})
    texts["/training?..."] = client.get(f"/training?{ranges}").text
    texts["/compare?..."] = client.get("/compare?" + _query(
        {"accelerator": "H100-SXM", "gpu_hours": "10", "regions": "FR,DE"})).text
    texts["/change?..."] = client.post(
        "/change", files={"file": ("g.toml", CHANGE_FILE.read_bytes())}).text
    texts["report"] = client.get("/training/download/html?" + _query(TRAINING)).text
    texts["style.css"] = client.get("/static/style.css").text
    texts["app.js"] = client.get("/static/app.js").text
    return texts


def test_no_external_url_in_any_served_page_style_or_script(client):
    """Nothing a page loads, links to or submits to is off this machine; no inline script
    or style (the CSP would block them)."""
    for name, text in _served(client).items():
        for attr, url in re.findall(r'\b(src|href|action|srcset|poster)\s*=\s*"([^"]*)"', text):
            ok = url.startswith(("/", "#", "http://testserver/")) and not url.startswith("//")
            assert ok, f"{name}: {attr}={url}"
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", text), name
        assert "@import" not in text, name
        assert not re.search(r"fonts\.googleapis|cdn\.|unpkg|jsdelivr", text), name
        if name.endswith((".css", ".js")):
            assert not re.search(r"https?://", text), name
        if name != "report" and not name.endswith((".css", ".js")):
            assert not re.search(r"<script(?![^>]*\bsrc=)", text), f"{name}: inline script"
            assert " style=" not in text and "<style" not in text, f"{name}: inline style"


# --------------------------------------------------------------------------- accessibility


class _Controls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str]] = []
        self.labels: set[str] = set()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "label" and "for" in a:
            self.labels.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.controls.append(a)


@pytest.mark.parametrize("page", list(PAGES))
def test_every_field_has_a_label_and_its_descriptions_exist(client, page):
    parser = _Controls()
    parser.feed(client.get(f"/{page}").text)
    assert parser.controls
    for control in parser.controls:
        assert control.get("id") in parser.labels, control
        for ref in control.get("aria-describedby", "").split():
            assert ref in parser.ids, (control, ref)


def test_colours_have_enough_contrast():
    """The palette stated in style.css (and README): text 4.5:1 or more against its
    background (WCAG 2 AA), the focus outline 3:1."""
    css = (ROOT / "footprint" / "web" / "static" / "style.css").read_text(encoding="utf-8")
    var = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", css))

    def lum(h: str) -> float:
        rgb = [int(h[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in rgb]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    def ratio(a: str, b: str) -> float:
        hi, lo = sorted((lum(a), lum(b)), reverse=True)
        return (hi + 0.05) / (lo + 0.05)

    white = "#ffffff"
    pairs = [("ink", white), ("ink", var["soft"]), ("muted", white), ("muted", var["soft"]),
             ("accent", white), ("accent", var["soft"]), ("error", white),
             ("error", var["error-bg"])]
    for fg, bg in pairs:
        assert ratio(var[fg], bg) >= 4.5, (fg, bg)
    assert ratio(var["focus"], white) >= 3.0
    stated = {"ink": 16.48, "muted": 8.45, "accent": 7.35, "error": 8.12, "focus": 4.70}
    for name, value in stated.items():
        assert round(ratio(var[name], white), 2) == value, name
        assert f"{value:.2f}:1" in css, name
    from footprint.web.charts import BAR, INK, NEGATIVE

    assert min(ratio(c, white) for c in (BAR, INK, NEGATIVE)) >= 4.5


# --------------------------------------------------------------------------- concurrency


def test_concurrent_requests_give_each_their_own_result(client):
    regions = ["FR", "DE", "SE", "PL", "IN", "US-CA"]

    def co2e(region: str) -> float:
        doc = client.get("/training/download/json?" + _query({**TRAINING, "region": region}))
        return doc.json()["results"]["co2e"]["value"]

    alone = {r: co2e(r) for r in regions}
    with ThreadPoolExecutor(max_workers=6) as pool:
        together = dict(zip(regions, pool.map(co2e, regions * 2), strict=False))
    assert together == alone


# --------------------------------------------------------------------------- the command


def test_serve_without_the_web_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "starlette", None)
    result = CliRunner().invoke(cli, ["serve", "--port", "0"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "Error: footprint serve needs the web extra (starlette, jinja2, uvicorn, "
        f"python_multipart): pip install '{DISTRIBUTION}[web]'"
    ]


def test_serve_on_a_port_in_use_is_one_line():
    import socket

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--port", str(port)])
    finally:
        taken.close()
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"Error: --port: cannot listen on 127.0.0.1:{port}")


def test_is_loopback():
    from footprint.web.command import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.1")
