"""A real Chromium (Debian's package) driven through its matching ChromeDriver, for page tests.

Why Selenium with Debian's chromedriver: the driver comes from the same Debian source package as the
browser, so their versions always match, and nothing is downloaded at test time (Selenium Manager is
bypassed by naming both binaries). Screenshots are full-page PNGs taken over the DevTools protocol.
"""

from __future__ import annotations

import base64
import os
import shutil
import tempfile
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
APT_LINE = "apt-get install -y chromium chromium-driver"
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--window-size=1280,1000", "--lang=sv-SE",
)


def missing_binaries() -> list[str]:
    return [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]


class Browser:
    """One headless Chromium session against one portal; `shots` is where screenshots go."""

    def __init__(self, base_url: str, shots: Path):
        self.base_url = base_url.rstrip("/")
        self.shots = shots
        self.profile = tempfile.mkdtemp(prefix="oppnadata-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={self.profile}")
        # Selenium Manager must not look for (or download) drivers: the binaries are named.
        os.environ.setdefault("SE_OFFLINE", "true")
        self.driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
        self.driver.set_page_load_timeout(60)

    def open(self, path: str) -> None:
        self.driver.get(f"{self.base_url}{path}")

    def wait_for(self, css: str, timeout: float = 20.0) -> WebElement:
        return WebDriverWait(self.driver, timeout).until(ec.visibility_of_element_located((By.CSS_SELECTOR, css)))

    def wait_until(self, condition, timeout: float = 20.0):
        return WebDriverWait(self.driver, timeout).until(lambda driver: condition())

    def find(self, css: str) -> WebElement:
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def html(self) -> str:
        return self.driver.page_source

    def text(self) -> str:
        """What a person can read on the page (rendered text, not markup)."""
        return self.find("body").text

    def run(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def screenshot(self, name: str) -> Path:
        """A full-page PNG under `shots`, named `name`.png."""
        metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = metrics["cssContentSize"]
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
        })
        path = self.shots / f"{name}.png"
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def close(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)
