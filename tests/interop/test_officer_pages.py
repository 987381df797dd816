"""Issue 13, items 5 and 6, in a real browser: the demo's officer signs in at /officer/login with the personal token
the demo prints, gives an account roles on /officer/accounts and edits a relying party on /officer/clients (headless
Chromium through Selenium: the pages' forms, their CSRF cookies and the CSP let a browser do what the Swift tests do
by hand). The admin token opens only the first-administrator page, and no longer once an administrator exists."""
import json
import re
import shutil
import subprocess
import time
import urllib.request

import pytest

from test_card_signin import chromedriver
from test_signon import free_port

ADMIN_TOKEN = "f3b1c9d2e8a7465b90c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3"


@pytest.fixture
def demo(installation, tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    server = subprocess.Popen([installation.binary, "serve", "--demo", "--port", str(port), "--public-url", url, "--data", installation.data],
                              env=dict(installation.env, LICNA_ADMIN_TOKEN=ADMIN_TOKEN), stdout=subprocess.DEVNULL, stderr=open(log, "wb"))
    try:
        for _ in range(300):
            assert server.poll() is None, log.read_text()
            try:
                urllib.request.urlopen(url + "/health/live", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        token = re.search(r"\blo_[A-Za-z0-9_-]{43}", log.read_text()).group(0)
        yield {"url": url, "token": token, "log": log}
    finally:
        server.terminate()
        server.wait(timeout=30)


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--lang=en"):
        options.add_argument(argument)
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    return webdriver.Chrome(service=Service(chromedriver()), options=options)


def submit(driver, button):
    """Clicks a form's button and waits until the browser shows the answer: `click` returns as soon as the click is
    dispatched, and reading the page before the answer arrives reads the old one. The old page is marked, and the wait
    ends on a fully loaded page without the mark (a query while the browser is between pages is asked again)."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait
    driver.execute_script("window.licnaOldPage = true")
    button.click()

    def answered(d):
        try:
            return d.execute_script("return !window.licnaOldPage && document.readyState === 'complete'")
        except WebDriverException:
            return False
    WebDriverWait(driver, 20).until(answered)


def sign_in(driver, url, token):
    from selenium.webdriver.common.by import By
    driver.get(url + "/officer/login?lang=en")
    driver.find_element(By.ID, "token").send_keys(token)
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/officer/login'] button[type=submit]"))


def test_the_demo_officer_gives_roles_and_edits_a_relying_party_in_chromium(demo, installation):
    from selenium.webdriver.common.by import By
    driver = browser()
    try:
        sign_in(driver, demo["url"], demo["token"])
        assert driver.current_url.endswith("/officer/registry"), driver.page_source
        # Roles: Milica, the demo citizen, becomes an auditor.
        driver.get(demo["url"] + "/officer/accounts?lang=en")
        assert "officer@demo.licna.me" in driver.page_source
        driver.find_element(By.ID, "email").send_keys("milica@demo.licna.me")
        driver.find_element(By.NAME, "role-auditor").click()
        submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/officer/accounts'] button[type=submit]"))
        assert "milica@demo.licna.me now holds: auditor" in driver.page_source, driver.page_source
        # The demo portal: a second redirect URI and the lowest level substantial.
        driver.get(demo["url"] + "/officer/clients?lang=en")
        section = driver.find_element(By.XPATH, "//section[h2[text()='Licna demo portal']]")
        redirects = section.find_element(By.NAME, "redirect")
        first = redirects.get_attribute("value").strip()
        redirects.send_keys("\n" + demo["url"] + "/demo/signon/callback2")
        section.find_element(By.CSS_SELECTOR, "input[name=level][value='http://eidas.europa.eu/LoA/substantial']").click()
        submit(driver, section.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
        assert "The relying party is saved" in driver.page_source, driver.page_source
    finally:
        driver.quit()
    listed = [party for party in json.loads(installation.run("clients", "list", check=0).stdout) if party["name"] == "Licna demo portal"]
    assert listed[0]["redirectUris"] == [first, demo["url"] + "/demo/signon/callback2"], listed
    assert listed[0]["minimumAcr"] == "http://eidas.europa.eu/LoA/substantial", listed
    audit = installation.run("audit", "verify", check=0)
    assert audit.returncode == 0


def test_the_admin_token_opens_nothing_once_an_administrator_exists(demo):
    from selenium.webdriver.common.by import By
    driver = browser()
    try:
        # The demo's officer is an administrator: the admin token is refused at the sign-in page.
        sign_in(driver, demo["url"], ADMIN_TOKEN)
        assert "the admin token opens nothing more" in driver.page_source, driver.page_source
        assert not [cookie for cookie in driver.get_cookies() if cookie["name"] == "licna_officer"]
        driver.get(demo["url"] + "/officer/registry")
        assert driver.current_url.endswith("/officer/login")
    finally:
        driver.quit()
