"""The web calculator in a real browser (issue 19): headless Chromium from the system's
packages, driven by Selenium, against ``footprint serve``'s app on a free local port.

Fill the form, submit, read the result and compare it with the library's; an invalid unit
shows the command line's message next to its field; a download lands in a download
directory; the keyboard alone fills and submits a form; an uploaded log is re-accounted.
Skipped, with the reason, where Chromium or chromedriver is not installed (CI installs
``chromium`` and ``chromium-driver`` with apt-get, ``.ci/run``).
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed")
uvicorn = pytest.importorskip("uvicorn", reason="the web extra is not installed")
pytest.importorskip("selenium", reason="selenium is not installed (the test extra)")

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

import footprint as fp  # noqa: E402
from footprint.analyses.reaccount import reaccount  # noqa: E402
from footprint.render.labels import format_number, readable  # noqa: E402
from footprint.web.app import create_app  # noqa: E402
from footprint.web.command import bind  # noqa: E402
from footprint.workloads.energy_logs import read_energy_log  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("FOOTPRINT_CHROMIUM") or next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)
CHROMEDRIVER = os.environ.get("FOOTPRINT_CHROMEDRIVER") or shutil.which("chromedriver")
if CHROMIUM is None or CHROMEDRIVER is None:
    pytest.skip(
        "no headless browser: install Chromium and chromedriver (Debian: apt-get install "
        "chromium chromium-driver)",
        allow_module_level=True,
    )


def start_server() -> tuple[str, uvicorn.Server, threading.Thread]:
    """The web calculator on a free port of 127.0.0.1, in a thread; its base URL."""
    sock = bind("127.0.0.1", 0)
    config = uvicorn.Config(create_app(), log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web calculator did not start")
        time.sleep(0.02)
    return f"http://127.0.0.1:{sock.getsockname()[1]}", server, thread


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    url, server, thread = start_server()
    yield url
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def downloads(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def driver(downloads) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM  # type: ignore[assignment]
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1400", "--disable-extensions", "--no-first-run"):
        options.add_argument(arg)
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    try:
        browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    except WebDriverException as exc:  # a browser that cannot start here
        pytest.skip(f"Chromium did not start: {exc.msg}")
    browser.set_page_load_timeout(30)
    yield browser
    browser.quit()


def _wait(driver, by: str, value: str, timeout: float = 15):
    return WebDriverWait(driver, timeout).until(ec.presence_of_element_located((by, value)))


def _submit(driver, press=None) -> None:
    """Submit the form (click its button, or ``press`` a key in the focused field) and wait
    until the browser has left the page, so that what is read next is the answer's."""
    page = driver.find_element(By.TAG_NAME, "html")
    if press is None:
        driver.find_element(By.ID, "submit").click()
    else:
        driver.switch_to.active_element.send_keys(press)
    WebDriverWait(driver, 15).until(ec.staleness_of(page))


def _type(driver, field: str, text: str) -> None:
    box = driver.find_element(By.ID, f"f-{field}")
    box.clear()
    box.send_keys(text)


def _result_value(driver, label: str) -> str:
    rows = driver.find_elements(By.CSS_SELECTOR, "#results tbody tr")
    for row in rows:
        if row.find_element(By.TAG_NAME, "th").text == label:
            return row.find_element(By.TAG_NAME, "td").text
    raise AssertionError(f"no result {label!r}")


def test_fill_submit_and_read_the_librarys_result(driver, base_url):
    driver.get(f"{base_url}/training")
    for field, text in {"accelerator": "H100-SXM", "gpu_hours": "1000", "region": "FR",
                        "year": "2022"}.items():
        _type(driver, field, text)
    _submit(driver)
    _wait(driver, By.ID, "results")
    ref = fp.estimate(fp.GpuJob("H100-SXM", gpu_hours="1000 h"), region="FR", year=2022)
    # OWID/Ember FR 2022 (78.55 gCO2e/kWh) x 1,121.8 kWh: 88.12 kgCO2e, as the terminal says
    assert _result_value(driver, "CO2e, location-based") == readable(ref.co2e, "co2e")
    assert _result_value(driver, "CO2e, location-based") == "88.12 kgCO2e"
    assert _result_value(driver, "Facility energy") == readable(ref.facility_energy)
    command = driver.find_element(By.ID, "command").text
    assert command == (
        "footprint estimate --accelerator H100-SXM --gpu-hours 1000 --region FR --year 2022"
    )
    assert "gpu_hours=1000" in driver.current_url  # the permalink is the address


def test_invalid_unit_shows_the_field_error(driver, base_url):
    driver.get(f"{base_url}/training")
    _type(driver, "accelerator", "H100-SXM")
    _type(driver, "gpu_hours", "10 kg")
    _submit(driver)
    error = _wait(driver, By.ID, "f-gpu_hours-error")
    assert error.text == "--gpu-hours: expected time (e.g. h), got 10.0 kg with dimension [mass]"
    box = driver.find_element(By.ID, "f-gpu_hours")
    assert box.get_attribute("aria-invalid") == "true"
    assert "f-gpu_hours-error" in box.get_attribute("aria-describedby")
    assert box.get_attribute("value") == "10 kg"
    assert not driver.find_elements(By.ID, "results")


def test_a_download_lands_in_the_download_directory(driver, base_url, downloads):
    driver.get(f"{base_url}/training?accelerator=H100-SXM&gpu_hours=1000&region=FR&year=2022")
    _wait(driver, By.ID, "results")
    driver.find_element(By.LINK_TEXT, "CSV").click()
    target = downloads / "footprint-training.csv"
    deadline = time.monotonic() + 15
    while not target.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert target.exists(), sorted(p.name for p in downloads.iterdir())
    text = target.read_text(encoding="utf-8")
    assert "co2e" in text and "88.11761436" in text


def test_keyboard_alone_fills_and_submits_the_form(driver, base_url):
    driver.get(f"{base_url}/inference")
    body = driver.find_element(By.TAG_NAME, "body")
    body.click()

    def tab_to(field: str) -> None:
        for _ in range(60):
            active = driver.switch_to.active_element
            if active.get_attribute("id") == f"f-{field}":
                return
            active.send_keys(Keys.TAB)
        raise AssertionError(f"Tab never reached {field}")

    tab_to("model")
    driver.switch_to.active_element.send_keys("llama-3.1-8b")
    tab_to("requests")
    driver.switch_to.active_element.send_keys("1e9 request/day")
    tab_to("output_tokens")
    driver.switch_to.active_element.send_keys("300")
    _submit(driver, Keys.ENTER)  # implicit submission
    _wait(driver, By.ID, "results")
    ref = fp.estimate(fp.InferenceWorkload("llama-3.1-8b", requests="1e9 request/day",
                                           output_tokens=300))
    assert _result_value(driver, "CO2e, location-based") == readable(ref.co2e, "co2e")
    # focus is visible: the stylesheet's outline on a focused control
    tab_to("region")
    outline = driver.switch_to.active_element.value_of_css_property("outline-style")
    assert outline == "solid"


def test_an_uploaded_log_is_reaccounted(driver, base_url):
    driver.get(f"{base_url}/reaccount")
    driver.find_element(By.ID, "f-file").send_keys(
        str(ROOT / "tests" / "data" / "logs" / "codecarbon_emissions.csv")
    )
    _type(driver, "region", "FR")
    _submit(driver)
    _wait(driver, By.ID, "runs")
    assert driver.find_element(By.ID, "command").text.startswith(
        "footprint reaccount codecarbon_emissions.csv --region FR"
    )
    totals = driver.find_element(By.ID, "totals").text.splitlines()
    # the library's re-accounting of the same log in France: 10 runs, 326.95 kWh measured
    log = read_energy_log(ROOT / "tests" / "data" / "logs" / "codecarbon_emissions.csv")
    ref = reaccount(log, fp.Site(region="FR"))
    assert ref.totals["measured_energy"] == pytest.approx(326.95)
    assert f"co2e {format_number(ref.totals['co2e'])} kgCO2e" in totals
    assert "measured_energy 327.0 kWh" in totals
