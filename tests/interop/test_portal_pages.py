"""Issue 14 in a real browser: the service catalogue's pages (items 1, 2 and 8). Headless Chromium with JavaScript
turned off searches with a misspelled query and opens the service; axe-core (4.4, from PyPI's axe-core-python) with
the WCAG 2.0/2.1 A and AA rules finds no serious or critical violation on the catalogue's pages in every language and
script; at 360 pixels wide no page scrolls sideways."""
import json
import time
import urllib.parse
import urllib.request

import pytest

from test_officer_pages import browser, demo, submit  # noqa: F401 (fixture)

LOCALES = [("cnr", None), ("cnr", "Cyrl"), ("sq", None), ("mk", None), ("mk", "Latn"), ("sr", None), ("sr", "Latn"), ("en", None)]
PAGES = ["/", "/services", "/services?q=izvod%20rodjenih", "/services?q=pazzport", "/services?event=birth",
         "/services?institution=licna", "/services/birth-certificate", "/services/eid-pin-unblock"]


def locale_query(language, script):
    """`lang=…&script=…` for one of LOCALES: the script named, or the language's own (sr and mk Cyrillic, cnr Latin)."""
    return f"lang={language}&script=" + (script or ("Cyrl" if language in ("sr", "mk") else "Latn"))


def axe_failures(axe, driver, where):
    """axe-core's serious and critical violations of the WCAG 2.0/2.1 A and AA rules on the current page, a line each."""
    results = axe.run(driver, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
    return [f"{where}: {v['id']} ({v['impact']}) {[n['target'] for n in v['nodes']][:3]}"
            for v in results["violations"] if v["impact"] in ("serious", "critical")]


def sideways_scroll(driver, where, width=360):
    """A line when the current page is wider than `width` pixels (it scrolls sideways on a phone); none when it fits."""
    scroll = driver.execute_script("return document.documentElement.scrollWidth")
    return [f"{where} at {width}px: scrollWidth {scroll}"] if scroll > width else []


def chromium(javascript=True, width=1200):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    import shutil
    from test_card_signin import chromedriver
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--lang=en", f"--window-size={width},900"):
        options.add_argument(argument)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service(chromedriver()), options=options)
    if width < 500:
        # A headless window is never narrower than 500 pixels: emulate a phone's viewport instead.
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": False})
    return driver


def test_search_works_without_javascript_and_forgives_typos(demo):
    from selenium.webdriver.common.by import By
    driver = chromium(javascript=False)
    try:
        driver.get(demo["url"] + "/services?lang=sr")
        driver.find_element(By.ID, "q").send_keys("izgubljena licna krata")
        submit(driver, driver.find_element(By.CSS_SELECTOR, "form.search button[type=submit]"))
        first = driver.find_elements(By.CSS_SELECTOR, "ol.services li h3 a")[0]
        assert first.get_attribute("href").endswith("/services/id-card-lost"), driver.page_source
        submit(driver, first)
        assert "/services/id-card-lost" in driver.current_url
        heading = driver.find_element(By.TAG_NAME, "h1").text
        assert any("\u0400" <= c <= "\u04FF" for c in heading), heading  # Serbian pages are Cyrillic by default
        # The script switch turns the whole page to Latin, and the choice stays.
        submit(driver, driver.find_element(By.CSS_SELECTOR, "nav.scripts a[href='?script=Latn']"))
        heading = driver.find_element(By.TAG_NAME, "h1").text
        assert heading and not any("\u0400" <= c <= "\u04FF" for c in heading), heading
        driver.get(demo["url"] + "/services")
        assert not any("\u0400" <= c <= "\u04FF" for c in driver.find_element(By.TAG_NAME, "h1").text)
    finally:
        driver.quit()


def test_the_json_search_agrees_with_the_page(demo):
    query = urllib.parse.quote("сертификат за електронски потпис")
    with urllib.request.urlopen(demo["url"] + f"/api/services?q={query}&lang=mk", timeout=10) as response:
        body = json.load(response)
    assert body["results"][0]["id"] == "e-signature-certificate", body
    assert body["language"] == "mk-Cyrl"


def test_catalogue_pages_pass_axe_and_fit_360_pixels_in_every_language(demo):
    from axe_core_python.selenium import Axe
    axe = Axe()
    failures = []
    for width in (1200, 360):
        driver = chromium(width=width)
        try:
            for language, script in LOCALES:
                driver.get(demo["url"] + "/?" + locale_query(language, script))
                for page in PAGES:
                    driver.get(demo["url"] + page)
                    where = f"{language}{'-' + script if script else ''} {page}"
                    if width == 360:
                        assert driver.execute_script("return window.innerWidth") == 360
                        failures += sideways_scroll(driver, where)
                        continue
                    failures += axe_failures(axe, driver, f"{where} at {width}px")
        finally:
            driver.quit()
    assert axe.axe_script and "axe v4." in axe.axe_script[:40], "axe-core 4.x is required"
    assert not failures, "\n".join(failures)


def test_the_other_pages_pass_axe_including_the_officers(demo):
    """Item 8 beyond the catalogue: the public pages (statistics, signature check, card suspension, registration and
    password reset, sign-in) and, signed in with the demo officer's token, the officer pages, in every language and
    script."""
    from axe_core_python.selenium import Axe
    from selenium.webdriver.common.by import By
    axe = Axe()
    failures = []
    driver = chromium()
    try:
        public = ["/stats", "/verify", "/cards/suspend", "/account/register", "/account/reset", "/account/signin", "/officer/login", "/pki/pds",
                  "/services/no-such-service", "/documents/request/no-such-document"]
        officer = ["/officer/registry", "/officer/cards", "/officer/accounts", "/officer/clients", "/officer/data-questions", "/officer/assist"]
        for language, script in LOCALES:
            for page in public:
                driver.get(demo["url"] + page + "?" + locale_query(language, script))
                failures += axe_failures(axe, driver, f"{page} [{language}]")
        driver.get(demo["url"] + "/officer/login?lang=en")
        driver.find_element(By.ID, "token").send_keys(demo["token"])
        submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/officer/login'] button[type=submit]"))
        for language, script in LOCALES:
            for page in officer:
                driver.get(demo["url"] + page + "?" + locale_query(language, script))
                assert "/officer/login" not in driver.current_url, page
                failures += axe_failures(axe, driver, f"{page} [{language}]")
    finally:
        driver.quit()
    # At 360 pixels no page scrolls sideways (a phone's width).
    narrow = chromium(width=360)
    try:
        for page in public:
            narrow.get(demo["url"] + page + "?lang=sr")
            failures += sideways_scroll(narrow, page)
        narrow.get(demo["url"] + "/officer/login?lang=en")
        narrow.find_element(By.ID, "token").send_keys(demo["token"])
        submit(narrow, narrow.find_element(By.CSS_SELECTOR, "form[action='/officer/login'] button[type=submit]"))
        for page in officer:
            narrow.get(demo["url"] + page + "?lang=sr")
            failures += sideways_scroll(narrow, page)
    finally:
        narrow.quit()
    assert not failures, "\n".join(failures)


def test_search_and_sign_in_work_by_keyboard_alone(demo):
    """Item 8: with the keyboard only (Tab, typing, Enter) a person reaches the search field, searches, opens the first
    result and follows its online form to the sign-in page, where the fields take focus in order."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys
    driver = chromium()
    try:
        driver.get(demo["url"] + "/services?lang=en")

        def tab_to(predicate, limit=60):
            for _ in range(limit):
                ActionChains(driver).send_keys(Keys.TAB).perform()
                element = driver.switch_to.active_element
                if predicate(element):
                    return element
            raise AssertionError("not reachable with Tab: " + driver.page_source[:500])

        tab_to(lambda e: e.get_attribute("id") == "q")
        ActionChains(driver).send_keys("birth certificat" + Keys.ENTER).perform()
        for _ in range(100):
            if "q=birth" in driver.current_url:
                break
            time.sleep(0.1)
        link = tab_to(lambda e: (e.get_attribute("href") or "").endswith("/services/birth-certificate"))
        link.send_keys(Keys.ENTER)
        for _ in range(100):
            if driver.current_url.endswith("/services/birth-certificate"):
                break
            time.sleep(0.1)
        form = tab_to(lambda e: (e.get_attribute("href") or "").endswith("/documents/request/birth-certificate"))
        form.send_keys(Keys.ENTER)
        for _ in range(100):
            if "/account/signin" in driver.current_url or "/oidc" in driver.current_url:
                break
            time.sleep(0.1)
        assert tab_to(lambda e: e.get_attribute("id") == "email").get_attribute("id") == "email", driver.current_url
        ActionChains(driver).send_keys(Keys.TAB).perform()
        assert driver.switch_to.active_element.get_attribute("id") == "password"
    finally:
        driver.quit()


def test_the_sign_on_pages_pass_axe_in_every_language_and_work_by_keyboard(demo):
    """Item 8 on the provider's own pages, reached as a relying party sends people there (the demo portal at
    /demo/signon): the sign-in page with its eID-card section, the second-factor page and the consent page, in every
    language and script; then the whole sign-on by keyboard alone (typing, Tab and Enter), and with it a document's
    request and download link and a question to the data tracker."""
    import re
    from axe_core_python.selenium import Axe
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from test_signon import totp
    secret = re.search(r"authenticator \(secret ([A-Z2-7]+)", demo["log"].read_text()).group(1)
    axe = Axe()
    failures = []
    driver = chromium()

    def wait_for(predicate):
        for _ in range(300):
            if predicate():
                return
            time.sleep(0.1)
        raise AssertionError(driver.current_url + "\n" + driver.page_source[:800])

    try:
        for language, script in LOCALES:
            query = locale_query(language, script)
            driver.get(demo["url"] + "/?" + query)
            driver.get(demo["url"] + "/demo/signon")
            wait_for(lambda: driver.find_elements(By.ID, "email"))
            assert driver.find_elements(By.ID, "card-signin"), driver.page_source  # the eID-card section
            failures += axe_failures(axe, driver, f"sign-in [{query}]")
            driver.find_element(By.ID, "email").send_keys("milica@demo.licna.me")
            driver.find_element(By.ID, "password").send_keys("demo-password-2026")
            submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/oidc/signin'] button[type=submit]"))
            wait_for(lambda: driver.find_elements(By.ID, "code"))
            failures += axe_failures(axe, driver, f"second factor [{query}]")
        # The last second-factor page, by keyboard: the code and Enter; then the consent page's allow by Tab and Enter.
        field = driver.find_element(By.ID, "code")
        field.click()
        ActionChains(driver).send_keys(totp("otpauth://totp/x?secret=" + secret) + Keys.ENTER).perform()
        wait_for(lambda: driver.find_elements(By.NAME, "decision"))
        for _ in range(40):
            ActionChains(driver).send_keys(Keys.TAB).perform()
            active = driver.switch_to.active_element
            if active.get_attribute("name") == "decision" and active.get_attribute("value") == "allow":
                active.send_keys(Keys.ENTER)
                break
        else:
            raise AssertionError("the consent's allow button is not reachable with Tab")
        wait_for(lambda: "/demo/signon/callback" in driver.current_url and "Milica" in driver.page_source)
        failures += axe_failures(axe, driver, "the demo portal's result")
        # The consent withdrawn on the account page: each start asks again, without a new sign-in.
        driver.get(demo["url"] + "/account?lang=en")
        submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/account/consents/withdraw'] button[type=submit]"))
        for language, script in LOCALES:
            query = locale_query(language, script)
            driver.get(demo["url"] + "/?" + query)
            driver.get(demo["url"] + "/demo/signon")
            wait_for(lambda: driver.find_elements(By.NAME, "decision"))
            failures += axe_failures(axe, driver, f"consent [{query}]")
        # The authenticator's enrolment page (its QR code), from the account page, in every language.
        for language, script in LOCALES:
            query = locale_query(language, script)
            driver.get(demo["url"] + "/account?" + query)
            submit(driver, driver.find_element(By.CSS_SELECTOR, "#authenticator button[type=submit]"))
            wait_for(lambda: driver.find_elements(By.ID, "authenticator-qr"))
            failures += axe_failures(axe, driver, f"authenticator enrolment [{query}]")
        # Requesting a document and asking the data tracker "why?", by keyboard alone.

        def tab_to(predicate, limit=80):
            for _ in range(limit):
                ActionChains(driver).send_keys(Keys.TAB).perform()
                element = driver.switch_to.active_element
                if predicate(element):
                    return element
            raise AssertionError("not reachable with Tab: " + driver.current_url)

        driver.get(demo["url"] + "/documents/request/residence-certificate?lang=en")
        tab_to(lambda e: e.tag_name == "button" and e.get_attribute("type") == "submit"
               and "/documents/request/" in (e.find_element(By.XPATH, "./ancestor::form").get_attribute("action") or "")).send_keys(Keys.ENTER)
        wait_for(lambda: re.search(r"/documents/[A-Za-z0-9_-]{22}$", driver.current_url) and driver.find_elements(By.ID, "download"))
        assert tab_to(lambda e: e.get_attribute("id") == "download").get_attribute("href").endswith("/pdf")
        driver.get(demo["url"] + "/account/data-log?lang=en")
        tab_to(lambda e: (e.get_attribute("id") or "").startswith("q-"))
        ActionChains(driver).send_keys("Why was this read?" + Keys.ENTER).perform()
        wait_for(lambda: "Why was this read?" in driver.page_source)
    finally:
        driver.quit()
    assert not failures, "\n".join(failures)


def test_the_core_flows_work_without_javascript(demo):
    """Item 8: with JavaScript turned off, a person signs in (password and the authenticator's code), requests a
    document, downloads it and asks the data tracker "why?"; every step is a plain form or link."""
    import re
    import requests
    from selenium.webdriver.common.by import By
    from test_signon import totp
    secret = re.search(r"authenticator \(secret ([A-Z2-7]+)", demo["log"].read_text()).group(1)
    # A code is taken once: wait for a time step no other test of this module used.
    time.sleep(31 - time.time() % 30)
    driver = chromium(javascript=False)
    try:
        driver.get(demo["url"] + "/account/signin?lang=sr")
        driver.find_element(By.ID, "email").send_keys("milica@demo.licna.me")
        driver.find_element(By.ID, "password").send_keys("demo-password-2026")
        submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/oidc/signin'] button[type=submit]"))
        driver.find_element(By.ID, "code").send_keys(totp("otpauth://totp/x?secret=" + secret))
        submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/oidc/second-factor'] button[type=submit]"))
        assert driver.current_url.rstrip("/").endswith("/account"), driver.page_source
        driver.get(demo["url"] + "/documents/request/citizenship-certificate?lang=sr")
        submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/documents/request/citizenship-certificate'] button[type=submit]"))
        assert re.search(r"/documents/[A-Za-z0-9_-]{22}$", driver.current_url), driver.page_source
        download = driver.find_element(By.ID, "download").get_attribute("href")
        cookies = {cookie["name"]: cookie["value"] for cookie in driver.get_cookies()}
        answer = requests.get(download, cookies=cookies, timeout=60)
        assert answer.status_code == 200 and answer.content.startswith(b"%PDF-"), answer.status_code
        driver.get(demo["url"] + "/account/data-log?lang=en")
        field = driver.find_element(By.CSS_SELECTOR, "input[name=question]")
        field.send_keys("Who asked for this?")
        submit(driver, field.find_element(By.XPATH, "./ancestor::form//button[@type='submit']"))
        assert "Who asked for this?" in driver.page_source
    finally:
        driver.quit()
