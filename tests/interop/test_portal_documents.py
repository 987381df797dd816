"""Issue 14's acceptance, end to end in headless Chromium (Selenium): a password account raised to substantial (the
demo's Milica, with the authenticator the start-up message names) signs in, searches with a misspelled query, opens
`birth-certificate`, requests the extract in Serbian Cyrillic and downloads it. Independent tools check the file:
pdftotext reads the Cyrillic text, pyHanko validates the e-seal against the installation's root, ZBar decodes the QR
code, whose address opens the verification page: genuine; after an officer revokes the document: revoked."""
import re
import shutil
import subprocess
import time
import urllib.request

import pytest
import requests

from test_officer_pages import demo, submit  # noqa: F401 (fixture)
from test_portal_pages import LOCALES, axe_failures, chromium, locale_query, sideways_scroll
from test_signon import totp


def tool(name):
    path = shutil.which(name)
    if not path:
        pytest.fail(f"{name} is missing (scripts/test installs it)")
    return path


def test_a_citizen_requests_a_sealed_extract_that_anyone_can_verify(demo, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    url = demo["url"]
    message = demo["log"].read_text()
    secret = re.search(r"authenticator \(secret ([A-Z2-7]+)", message)
    assert secret, message
    driver = chromium()
    try:
        # Sign in: password, then the authenticator's code (RFC 6238 computed with Python's hmac).
        driver.get(url + "/account/signin?lang=sr")
        driver.find_element(By.ID, "email").send_keys("milica@demo.licna.me")
        driver.find_element(By.ID, "password").send_keys("demo-password-2026")
        submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/oidc/signin'] button[type=submit]"))
        driver.find_element(By.ID, "code").send_keys(totp("otpauth://totp/x?secret=" + secret.group(1)))
        submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/oidc/second-factor'] button[type=submit]"))
        assert driver.current_url.rstrip("/").endswith("/account"), driver.page_source
        # A misspelled query without diacritics finds the extract of births first.
        driver.get(url + "/services?lang=sr")
        driver.find_element(By.ID, "q").send_keys("izvod iz maticne knjige rodjnih")
        submit(driver, driver.find_element(By.CSS_SELECTOR, "form.search button[type=submit]"))
        first = driver.find_elements(By.CSS_SELECTOR, "ol.services li h3 a")[0]
        assert first.get_attribute("href").endswith("/services/birth-certificate"), driver.page_source
        submit(driver, first)
        submit(driver, driver.find_element(By.CSS_SELECTOR, "a.button[href='/documents/request/birth-certificate']"))
        # For Milica herself, in Serbian Cyrillic.
        Select(driver.find_element(By.ID, "locale")).select_by_value("sr-Cyrl")
        assert len(driver.find_elements(By.CSS_SELECTOR, "input[name=person]")) == 2, driver.page_source  # herself and her son Luka
        submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/documents/request/birth-certificate'] button[type=submit]"))
        match = re.search(r"/documents/([A-Za-z0-9_-]{22})$", driver.current_url)
        assert match, driver.page_source
        document = match.group(1)
        download = driver.find_element(By.ID, "download").get_attribute("href")
        cookies = {cookie["name"]: cookie["value"] for cookie in driver.get_cookies()}

        # An officer reads Milica's record with a legal basis (a read without one is refused); her data tracker shows
        # the read with the institution, the officer's roles and the basis, and the document she asked for.
        officer = {"Authorization": "Bearer " + demo["token"]}
        refused = requests.post(url + "/api/registry/search", json={"name": "Milica Vuković"}, headers=officer, timeout=30)
        assert refused.status_code == 400 and refused.json()["error"] == "legal-basis-required", refused.text
        found = requests.post(url + "/api/registry/search", json={"name": "Milica Vuković", "purpose": "social-benefit: SB-77"}, headers=officer, timeout=30)
        assert found.status_code == 200 and len(found.json()) == 1, found.text
        driver.get(url + "/account/data-log?lang=en")
        log = driver.page_source
        assert "Your record was read" in log and "Deciding a social benefit or pension (SB-77)" in log, log
        assert re.search(r"<dd>Licna demo[^<]* — [^<]*Registrar", log), log
        assert "A document about you was issued" in log and "officer@demo.licna.me" not in log, log

        # A mandate for Marko (item 6): the form finds him by identification number and surname (typed without
        # diacritics) and shows what the card is to sign, with a nonce that ends with the statement's SHA-256.
        marko = requests.post(url + "/api/registry/search", json={"name": "Marko Petrović", "purpose": "social-benefit: SB-78"},
                              headers=officer, timeout=30).json()[0]["identificationNumber"]

        def draft_mandate():
            driver.find_element(By.ID, "proxy").send_keys(marko)
            driver.find_element(By.ID, "surname").send_keys("petrovic")
            driver.find_element(By.CSS_SELECTOR, "input[name='service.residence-certificate']").click()
            submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/account/mandates/draft'] button[type=submit]"))

        driver.get(url + "/account/mandates?lang=en")
        draft_mandate()
        signing = driver.find_element(By.ID, "mandate-sign")
        statement = driver.find_element(By.CSS_SELECTOR, "#mandate-sign pre").get_attribute("textContent")
        import base64
        import hashlib
        assert base64.b64decode(signing.get_attribute("data-nonce"))[32:] == hashlib.sha256(statement.encode()).digest(), statement
        assert "Marko Petrović" in driver.page_source and f"proxy: {marko} Marko Petrović" in statement, statement

        # The signed-in pages pass axe-core's WCAG 2.0/2.1 A and AA rules in every language and script.
        from axe_core_python.selenium import Axe
        axe = Axe()
        failures = []

        for language, script in LOCALES:
            query = locale_query(language, script)
            for page in ("/documents/request/birth-certificate", f"/documents/{document}", "/documents", "/account/data-log", "/account",
                         f"/d/{document}", "/account/signin", "/account/mandates"):
                driver.get(url + page + "?" + query)
                failures += axe_failures(axe, driver, f"{page} [{query}]")
            driver.get(url + "/account/mandates?" + query)
            draft_mandate()
            failures += axe_failures(axe, driver, f"mandate signing page [{query}]")
        assert not failures, "\n".join(failures)

        # At a phone's width (360 px) no signed-in page scrolls sideways: the same session in a narrow window.
        narrow = chromium(width=360)
        try:
            narrow.get(url + "/?lang=sr")
            for cookie in driver.get_cookies():
                narrow.add_cookie({key: cookie[key] for key in ("name", "value", "path") if key in cookie})
            for page in ("/documents/request/birth-certificate", f"/documents/{document}", "/documents", "/account/data-log", "/account",
                         f"/d/{document}", "/account/mandates"):
                for query in ("lang=sr&script=Cyrl", "lang=sq&script=Latn"):
                    narrow.get(url + page + "?" + query)
                    assert "/account/signin" not in narrow.current_url, page
                    failures += sideways_scroll(narrow, f"{page} [{query}]")
            narrow.get(url + "/account/mandates?lang=sr")
            narrow.find_element(By.ID, "proxy").send_keys(marko)
            narrow.find_element(By.ID, "surname").send_keys("petrovic")
            narrow.find_element(By.CSS_SELECTOR, "input[name='service.residence-certificate']").click()
            submit(narrow, narrow.find_element(By.CSS_SELECTOR, "form[action='/account/mandates/draft'] button[type=submit]"))
            assert narrow.find_elements(By.ID, "mandate-sign"), narrow.page_source
            failures += sideways_scroll(narrow, "mandate signing page")
        finally:
            narrow.quit()
        assert not failures, "\n".join(failures)
    finally:
        driver.quit()
    answer = requests.get(download, cookies=cookies, timeout=30)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("application/pdf"), answer.text[:300]
    pdf = tmp_path / "izvod.pdf"
    pdf.write_bytes(answer.content)
    # Without the session, nobody else downloads it.
    assert requests.get(download, timeout=30, allow_redirects=False).status_code in (302, 303)

    text = subprocess.run([tool("pdftotext"), str(pdf), "-"], capture_output=True, text=True, timeout=60)
    assert text.returncode == 0, text.stderr
    assert "Милица" in text.stdout and "Вуковић" in text.stdout and "Извод" in text.stdout, text.stdout
    assert document in text.stdout

    root = tmp_path / "root.cer"
    root.write_bytes(urllib.request.urlopen(url + "/pki/ca/root.cer", timeout=10).read())
    validated = subprocess.run([tool("pyhanko"), "sign", "validate", "--trust", str(root), "--trust-replace", str(pdf)],
                               capture_output=True, text=True, timeout=180)
    output = validated.stdout + validated.stderr
    assert validated.returncode == 0, output
    assert "INTACT" in output.upper() and "TRUSTED" in output.upper(), output

    subprocess.run([tool("pdftoppm"), "-r", "150", "-gray", "-png", "-singlefile", str(pdf), str(tmp_path / "page")], check=True, timeout=60)
    read = subprocess.run([tool("zbarimg"), "-q", "--raw", "-Sdisable", "-Sqrcode.enable", str(tmp_path / "page.png")],
                          capture_output=True, text=True, timeout=60)
    assert read.returncode == 0, read.stderr
    address = read.stdout.strip()
    assert address == f"{url}/d/{document}", address

    driver = chromium()
    try:
        driver.get(address + "?lang=sr")
        verdict = driver.find_element(By.ID, "verdict").text
        assert "Веродостојан" in verdict, driver.page_source
        assert "Милица Вуковић" in driver.page_source or "Milica Vuković" in driver.page_source
        revoked = requests.post(f"{url}/api/documents/{document}/revoke", json={"reason": "the register was corrected"},
                                headers={"Authorization": "Bearer " + demo["token"]}, timeout=30)
        assert revoked.status_code == 200, revoked.text
        driver.get(address + "?lang=sr")
        assert "Поништен" in driver.find_element(By.ID, "verdict").text, driver.page_source
        # The uploaded file is compared byte for byte.
        driver.find_element(By.ID, "document").send_keys(str(pdf))
        submit(driver, driver.find_element(By.CSS_SELECTOR, "form[enctype='multipart/form-data'] button[type=submit]"))
        assert "бајт по бајт" in driver.find_element(By.ID, "comparison").text, driver.page_source
    finally:
        driver.quit()
