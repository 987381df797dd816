"""Issue 13, item 3 and its acceptance: eID-card sign-in end to end. Headless Chromium (Selenium with Debian's
chromium and chromium-driver) opens the provider's sign-in page for a relying party that asks for acr high;
`licna-card agent`, with a demo citizen's virtual card inserted through vpcd into pcscd, signs the page's nonce after
its own PIN prompt; the relying party (Authlib) redeems the code and receives acr high with amr "sc". Then, from
outside the browser: a replayed token, a token over an activation nonce, a token made for another origin and a
request from an origin the agent was not started for all fail."""

import base64
import hashlib
import hmac
import http.server
import json
import os
import re
import shutil
import struct
import subprocess
import threading
import time
import urllib.parse

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt

from test_card import READER, vpcd_listening, missing
from test_card_issuance import LICNA_CARD, card_in_reader, envelope_text, secrets_of_any
from test_signon import free_port

HIGH = "http://eidas.europa.eu/LoA/high"


class Callback(http.server.BaseHTTPRequestHandler):
    """The relying party's redirect URI: records the query it was called with."""
    received = []

    def do_GET(self):
        Callback.received.append(dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query)))
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(b"<!doctype html><meta charset='utf-8'><title>relying party</title><p id='received'>received</p>")

    def log_message(self, *args):
        pass


def chromedriver():
    for name in ("chromedriver", "chromium-driver"):
        path = shutil.which(name) or (f"/usr/bin/{name}" if os.path.exists(f"/usr/bin/{name}") else None)
        if path:
            return path
    pytest.fail("chromedriver is missing: apt-get install chromium-driver (scripts/test does)")


@pytest.fixture
def portal(installation, tmp_path):
    """`licna serve --demo --dev` (a development installation: a virtual card signs in at high), a public relying
    party whose redirect URI is a local callback server, and `licna-card agent` with Marko Petrović's activated demo
    card in vpcd's reader."""
    if not vpcd_listening():
        missing("pcscd with vsmartcard-vpcd is not listening on 127.0.0.1:35963: start `pcscd -f`")
    port, agent_port, callback_port = free_port(), free_port(), free_port()
    url = f"http://127.0.0.1:{port}"
    redirect = f"http://127.0.0.1:{callback_port}/callback"
    client = json.loads(installation.run("clients", "add", "--name", "Portal eUprava", "--redirect-uri", redirect, "--public",
                                         "--sector-identifier", "euprava.gov.me", check=0).stdout)
    callback = http.server.ThreadingHTTPServer(("127.0.0.1", callback_port), Callback)
    threading.Thread(target=callback.serve_forever, daemon=True).start()
    log = open(tmp_path / "serve.log", "wb")
    server = subprocess.Popen([installation.binary, "serve", "--demo", "--dev", "--port", str(port), "--public-url", url,
                               "--card-agent-port", str(agent_port), "--data", installation.data],
                              env=installation.env, stdout=log, stderr=log)
    agent = None
    try:
        for _ in range(300):
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                requests.get(url + "/health/live", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.2)
        folder = os.path.join(installation.data, "demo-cards")
        pin, _, _ = secrets_of_any(envelope_text(os.path.join(folder, "marko-petrovic.envelope.pdf")))
        with card_in_reader(installation, os.path.join(folder, "marko-petrovic")):
            agent_log = open(tmp_path / "agent.log", "w")
            agent = subprocess.Popen([LICNA_CARD, "agent", "--reader", READER, "--origin", url, "--origin", "http://127.0.0.1:9",
                                      "--port", str(agent_port), "--pin-stdin"],
                                     stdin=subprocess.PIPE, stdout=agent_log, stderr=agent_log, text=True, env=installation.env)
            for _ in range(100):
                assert agent.poll() is None, (tmp_path / "agent.log").read_text()
                try:
                    requests.get(f"http://127.0.0.1:{agent_port}/status", headers={"Origin": url}, timeout=1)
                    break
                except requests.RequestException:
                    time.sleep(0.1)
            yield {"url": url, "agent": f"http://127.0.0.1:{agent_port}", "process": agent, "pin": pin, "client": client["clientId"],
                   "redirect": redirect, "data": installation.data, "folder": folder, "log": tmp_path / "serve.log",
                   "agent_log": tmp_path / "agent.log"}
    finally:
        if agent:
            agent.terminate()
            agent.wait(timeout=10)
        callback.shutdown()
        server.terminate()
        server.wait(timeout=30)


def authorization(portal, acr=HIGH):
    session = OAuth2Session(portal["client"], redirect_uri=portal["redirect"], scope="openid profile",
                            code_challenge_method="S256", token_endpoint_auth_method="none")
    verifier = base64.urlsafe_b64encode(os.urandom(48)).rstrip(b"=").decode()
    url, state = session.create_authorization_url(portal["url"] + "/oidc/authorize", code_verifier=verifier, nonce="n-" + state_suffix(),
                                                  acr_values=acr, claims=json.dumps({"id_token": {"acr": {"essential": True, "value": acr}}}))
    return session, verifier, url, state


def state_suffix():
    return base64.urlsafe_b64encode(os.urandom(9)).decode()


def give_pin(portal):
    portal["process"].stdin.write(portal["pin"] + "\n")
    portal["process"].stdin.flush()


def test_chromium_signs_in_with_the_card_through_the_agent_and_the_relying_party_receives_acr_high(portal, tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    session, verifier, url, state = authorization(portal)
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--lang=en"):
        options.add_argument(argument)
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service(chromedriver()), options=options)
    try:
        driver.get(url)
        assert "licna-card agent" in driver.page_source
        give_pin(portal)
        driver.find_element(By.ID, "card-signin-button").click()
        WebDriverWait(driver, 60).until(lambda d: "/oidc/card/signin" in d.current_url or d.find_elements(By.NAME, "decision"))
        assert driver.find_elements(By.NAME, "decision"), driver.page_source
        driver.find_element(By.CSS_SELECTOR, "button[name=decision][value=allow]").click()
        WebDriverWait(driver, 30).until(lambda d: d.current_url.startswith(portal["redirect"]))
    finally:
        driver.quit()
    query = next(received for received in Callback.received if "state" in received)  # the browser also asks for /favicon.ico
    assert query["state"] == state and "code" in query, query
    token = session.fetch_token(portal["url"] + "/oidc/token", code=query["code"], code_verifier=verifier)
    discovery = requests.get(portal["url"] + "/.well-known/openid-configuration", timeout=10).json()
    keys = JsonWebKey.import_key_set(requests.get(discovery["jwks_uri"], timeout=10).json())
    claims = jwt.decode(token["id_token"], keys)
    claims.validate()
    assert claims["iss"] == portal["url"] and claims["aud"] == portal["client"]
    assert claims["acr"] == HIGH, claims
    assert "sc" in claims["amr"] and "pwd" not in claims["amr"], claims
    userinfo = session.get(portal["url"] + "/oidc/userinfo").json()
    assert userinfo["sub"] == claims["sub"] and userinfo["given_name"] == "Marko", userinfo
    assert "Your card signed for " + portal["url"] in portal["agent_log"].read_text()


def rfc6238_code(secret_base32, at=None):
    """A TOTP code (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits) from Python's standard library alone."""
    key = base64.b32decode(secret_base32 + "=" * (-len(secret_base32) % 8))
    digest = hmac.new(key, struct.pack(">Q", int((at or time.time()) // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000)


def test_after_a_card_sign_in_the_account_page_adds_an_authenticator_from_a_qr_code(portal, tmp_path):
    """Issue 13, item 2: Chromium signs in to the account page with the card (level high), asks for an authenticator,
    and ZBar reads the QR code from a screenshot of the page: an otpauth:// URI whose secret is the key the page shows.
    A code computed with Python's hmac from that secret puts the authenticator in force."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--lang=en", "--window-size=1200,2400"):
        options.add_argument(argument)
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service(chromedriver()), options=options)
    try:
        driver.get(portal["url"] + "/account/signin?lang=en")
        give_pin(portal)
        driver.find_element(By.ID, "card-signin-button").click()
        WebDriverWait(driver, 60).until(lambda d: d.current_url.rstrip("/").endswith("/account") and d.find_elements(By.ID, "authenticator"))
        driver.find_element(By.CSS_SELECTOR, "#authenticator button[type=submit]").click()
        WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.ID, "authenticator-qr"))
        shown = driver.find_element(By.ID, "authenticator-secret").text.replace(" ", "")
        screenshot = tmp_path / "authenticator.png"
        driver.save_screenshot(str(screenshot))
        zbar = shutil.which("zbarimg")
        assert zbar, "zbarimg is missing: apt-get install zbar-tools (scripts/test does)"
        read = subprocess.run([zbar, "-q", "--raw", "-Sdisable", "-Sqrcode.enable", str(screenshot)], capture_output=True, text=True, timeout=60)
        assert read.returncode == 0, read.stderr
        uri = urllib.parse.urlparse(read.stdout.strip())
        assert uri.scheme == "otpauth" and uri.netloc == "totp", read.stdout
        parameters = urllib.parse.parse_qs(uri.query)
        assert parameters["secret"] == [shown] and parameters["issuer"] == ["Licna"] and parameters["digits"] == ["6"], parameters
        driver.find_element(By.ID, "code").send_keys(rfc6238_code(shown))
        driver.find_element(By.CSS_SELECTOR, "form[action='/account/authenticator/confirm'] button[type=submit]").click()
        WebDriverWait(driver, 30).until(lambda d: "Your authenticator is added" in d.page_source)
        driver.get(portal["url"] + "/account?lang=en")
        assert "Replace your authenticator" in driver.page_source
    finally:
        driver.quit()


def test_a_mandate_signed_with_the_card_through_the_agent_lets_the_proxy_request_a_document(portal, tmp_path):
    """Issue 14, item 6 end to end: Marko signs in with his card, gives Milica a mandate for a certificate of
    residence on /account/mandates, and his card signs it through `licna-card agent` (after its own PIN prompt).
    Milica, signed in with her password and authenticator, then finds Marko among those she may request the
    certificate for, and gets it; Marko's data tracker names her; he withdraws the mandate and she no longer can."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    from test_signon import totp

    log = portal["log"].read_text()
    officer = {"Authorization": "Bearer " + re.search(r"\blo_[A-Za-z0-9_-]{43}", log).group(0)}
    milica = requests.post(portal["url"] + "/api/registry/search", json={"name": "Milica Vuković", "purpose": "social-benefit: M-1"},
                           headers=officer, timeout=30).json()[0]

    from test_portal_pages import chromium as browser
    marko = browser()
    try:
        marko.get(portal["url"] + "/account/signin?lang=en")
        give_pin(portal)
        marko.find_element(By.ID, "card-signin-button").click()
        WebDriverWait(marko, 60).until(lambda d: d.current_url.rstrip("/").endswith("/account"))
        marko.get(portal["url"] + "/account/mandates?lang=en")
        marko.find_element(By.ID, "proxy").send_keys(milica["identificationNumber"])
        marko.find_element(By.ID, "surname").send_keys("ВУКОВИЋ")
        marko.find_element(By.CSS_SELECTOR, "input[name='service.residence-certificate']").click()
        marko.find_element(By.CSS_SELECTOR, "form[action='/account/mandates/draft'] button[type=submit]").click()
        WebDriverWait(marko, 30).until(lambda d: d.find_elements(By.ID, "mandate-sign-button"))
        give_pin(portal)
        marko.find_element(By.ID, "mandate-sign-button").click()
        WebDriverWait(marko, 60).until(lambda d: "done=granted" in d.current_url or d.find_elements(By.ID, "mandate-error"))
        assert "The mandate is signed and in force." in marko.page_source, marko.page_source
        assert "Milica Vuković" in marko.find_element(By.ID, "mandates-given").text

        secret = re.search(r"authenticator \(secret ([A-Z2-7]+)", log).group(1)
        proxy = browser()
        try:
            proxy.get(portal["url"] + "/account/signin?lang=en")
            proxy.find_element(By.ID, "email").send_keys("milica@demo.licna.me")
            proxy.find_element(By.ID, "password").send_keys("demo-password-2026")
            proxy.find_element(By.CSS_SELECTOR, "form[action='/oidc/signin'] button[type=submit]").click()
            WebDriverWait(proxy, 30).until(lambda d: d.find_elements(By.ID, "code"))
            proxy.find_element(By.ID, "code").send_keys(totp("otpauth://totp/x?secret=" + secret))
            proxy.find_element(By.CSS_SELECTOR, "form[action='/oidc/second-factor'] button[type=submit]").click()
            WebDriverWait(proxy, 30).until(lambda d: d.current_url.rstrip("/").endswith("/account"))
            proxy.get(portal["url"] + "/documents/request/residence-certificate?lang=en")
            choice = [e for e in proxy.find_elements(By.CSS_SELECTOR, "label") if "Marko Petrović (by their mandate)" in e.text]
            assert choice, proxy.page_source
            choice[0].find_element(By.CSS_SELECTOR, "input[name=person]").click()
            proxy.find_element(By.CSS_SELECTOR, "form[action='/documents/request/residence-certificate'] button[type=submit]").click()
            WebDriverWait(proxy, 120).until(lambda d: re.search(r"/documents/[A-Za-z0-9_-]{22}$", d.current_url))

            marko.get(portal["url"] + "/account/data-log?lang=en")
            assert "Milica Vuković, under a mandate" in marko.page_source, marko.page_source
            # Withdrawn: the choice is gone.
            marko.get(portal["url"] + "/account/mandates?lang=en")
            marko.find_element(By.CSS_SELECTOR, "#mandates-given button[type=submit]").click()
            WebDriverWait(marko, 30).until(lambda d: "done=revoked" in d.current_url)
            proxy.get(portal["url"] + "/documents/request/residence-certificate?lang=en")
            assert "Marko Petrović" not in proxy.page_source
        finally:
            proxy.quit()
    finally:
        marko.quit()
    assert "Your card signed for " + portal["url"] in portal["agent_log"].read_text()


def interaction(portal, acr=HIGH):
    """A sign-in page opened by a requests session, as a browser would; returns the session and the page's fields."""
    browser = requests.Session()
    _, _, url, _ = authorization(portal, acr)
    page = browser.get(url, timeout=10)
    assert page.status_code == 200, page.text
    return browser, dict(re.findall(r'name="(interaction|csrf)" value="([^"]+)"', page.text))


def post_token(session, url, fields, token):
    """Posts a card token as the page would; waits out the sign-in throttle, which failed attempts grow."""
    for _ in range(10):
        answer = session.post(url + "/oidc/card/signin", data=dict(fields, token=token), timeout=30)
        if answer.status_code != 429:
            return answer
        time.sleep(int(answer.headers.get("Retry-After", "1")))
    return answer


def challenge(session, url, fields):
    """The page's sign-in nonce; waits out the throttle as `post_token` does."""
    for _ in range(10):
        answer = session.post(url + "/oidc/card/challenge", data=fields, timeout=10)
        if answer.status_code != 429:
            assert answer.status_code == 200, answer.text
            return answer.json()["nonce"]
        time.sleep(int(answer.headers.get("Retry-After", "1")))
    pytest.fail("the challenge stayed throttled")


def agent_sign(portal, nonce, origin):
    give_pin(portal)
    answer = requests.post(portal["agent"] + "/authenticate", json={"challengeNonce": nonce}, headers={"Origin": origin}, timeout=60)
    assert answer.status_code == 200, answer.text
    return answer.text


def test_replayed_tokens_activation_nonces_other_origins_and_unconfigured_origins_fail(portal, installation):
    url = portal["url"]
    # The honest way works: challenge, agent, token.
    browser, fields = interaction(portal)
    nonce = challenge(browser, url, fields)
    token = agent_sign(portal, nonce, url)
    signed_in = browser.post(url + "/oidc/card/signin", data=dict(fields, token=token), timeout=30)
    assert signed_in.status_code == 200 and 'name="decision"' in signed_in.text, signed_in.text

    # A replayed token: another sign-in (its own fresh nonce) refuses it.
    other, other_fields = interaction(portal)
    challenge(other, url, other_fields)
    replay = post_token(other, url, other_fields, token)
    assert replay.status_code == 401 and 'name="decision"' not in replay.text, replay.text

    # A token over an activation nonce (another purpose): Milica's card awaits activation; its nonce is not a sign-in's.
    status = json.loads(installation.run("card", "status", "--card", os.path.join(portal["folder"], "milica-vukovic"), "--json",
                                         data=False, check=0).stdout)
    # The serials as the card's own report writes them (hex of the DER integer: a leading zero nibble is kept).
    serials = {slot: status["certificates"][slot]["serial"] for slot in ("9A", "9C")}
    activation = requests.post(url + "/api/cards/activation-nonces", timeout=10,
                               json={"authenticationSerial": serials["9A"], "signatureSerial": serials["9C"]})
    assert activation.status_code == 200, activation.text
    third, third_fields = interaction(portal)
    challenge(third, url, third_fields)
    wrong_purpose = post_token(third, url, third_fields, agent_sign(portal, activation.json()["nonce"], url))
    assert wrong_purpose.status_code == 401 and 'name="decision"' not in wrong_purpose.text

    # A token made for another origin (the agent serves http://127.0.0.1:9 too): the server checks its own origin.
    fourth, fourth_fields = interaction(portal)
    nonce = challenge(fourth, url, fourth_fields)
    foreign = post_token(fourth, url, fourth_fields, agent_sign(portal, nonce, "http://127.0.0.1:9"))
    assert foreign.status_code == 401 and "does not verify" in foreign.text, foreign.text

    # An origin the agent was not started for, and a rebinding Host: refused before any PIN, with no CORS answer.
    for headers in ({"Origin": "https://attacker.example"}, {"Origin": url, "Host": "attacker.example:" + portal["agent"].rsplit(":", 1)[1]}):
        refused = requests.post(portal["agent"] + "/authenticate", json={"challengeNonce": nonce}, headers=headers, timeout=10)
        assert refused.status_code == 403 and "Access-Control-Allow-Origin" not in refused.headers, refused.headers
    preflight = requests.options(portal["agent"] + "/authenticate", timeout=10,
                                 headers={"Origin": "https://attacker.example", "Access-Control-Request-Method": "POST",
                                          "Access-Control-Request-Private-Network": "true"})
    assert preflight.status_code == 403 and "Access-Control-Allow-Private-Network" not in preflight.headers

    # The PIN reached neither the server's log nor the agent's output.
    log = portal["log"].read_text() + portal["agent_log"].read_text()
    assert not re.search(r"(?<![0-9A-Za-z])" + portal["pin"] + r"(?![0-9A-Za-z])", log), "the PIN is in a log"
