"""Screenshots of the web calculator's pages (README, docs/screenshots/), taken with the
system's headless Chromium through Selenium, as the browser tests drive it.

Run from the repository root with the web extra, selenium, chromium and chromedriver:
``python scripts/web_screenshots.py [DIRECTORY]``. Each page is shown with a result (the
view scrolled to it) or, for ``training-error.png``, a field error; the PNGs are reduced
to a 64-colour palette when Pillow is installed (a few tens of KB each).
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import uvicorn  # noqa: E402
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

from footprint.web.app import create_app  # noqa: E402
from footprint.web.command import bind  # noqa: E402

LOG = ROOT / "tests" / "data" / "logs" / "codecarbon_emissions.csv"
CHANGE = ROOT / "examples" / "google_2019_2023.toml"

#: File name -> (path and query, element to scroll to or None).
SHOTS = {
    "index.png": ("/", None),
    "training.png": (
        "/training?" + urlencode({"accelerator": "H100-SXM", "gpu_hours": "1000", "region": "FR",
                                  "year": "2022", "uncertainty": "1"}),
        "result",
    ),
    "training-error.png": (
        "/training?" + urlencode({"accelerator": "H100-SXM", "gpu_hours": "10 kg",
                                  "region": "FR"}),
        None,
    ),
    "inference.png": (
        "/inference?" + urlencode({"model": "llama-3.1-8b", "requests": "1e9 request/day",
                                   "input_tokens": "500", "output_tokens": "300",
                                   "region": "US"}),
        "result",
    ),
    "compare.png": (
        "/compare?" + urlencode({"accelerator": "H100-SXM", "gpu_hours": "1e6",
                                 "regions": "FR,SE,DE,PL,IN,US-CA,US-TX,aws:us-east-1,TW,NO"}),
        "result",
    ),
}


def _driver() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1200,900", "--hide-scrollbars"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)


def _save(driver: webdriver.Chrome, path: Path) -> None:
    driver.save_screenshot(str(path))
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=64)
    small.save(path, optimize=True)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    sock = bind("127.0.0.1", 0)
    server = uvicorn.Server(
        uvicorn.Config(create_app(), log_level="warning", access_log=False, lifespan="off")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    driver = _driver()
    try:
        for name, (path, anchor) in SHOTS.items():
            driver.get(base + path)
            if anchor:
                driver.execute_script("arguments[0].scrollIntoView()",
                                      driver.find_element(By.ID, anchor))
            _save(driver, out / name)
        for name, page, source in (("change.png", "change", CHANGE),
                                   ("reaccount.png", "reaccount", LOG)):
            driver.get(f"{base}/{page}")
            driver.find_element(By.ID, "f-file").send_keys(str(source))
            if page == "reaccount":
                driver.find_element(By.ID, "f-region").send_keys("FR")
            driver.find_element(By.ID, "submit").click()
            time.sleep(0.5)
            driver.execute_script("arguments[0].scrollIntoView()",
                                  driver.find_element(By.ID, "result"))
            _save(driver, out / name)
    finally:
        driver.quit()
        server.should_exit = True
        thread.join(timeout=10)
    for png in sorted(out.glob("*.png")):
        print(f"{png.relative_to(ROOT) if png.is_relative_to(ROOT) else png}: "
              f"{png.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
