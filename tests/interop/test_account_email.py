"""Issue 13, item 2: registration with email and password, email verification and password reset. Messages are read
with Python's own RFC 5322/MIME parser (`email`), from the development folder (`serve --dev`) and from a real SMTP
server (aiosmtpd, PyPI) that `serve --smtp-host` relays to. The answers never tell whether an address has an
account; links work once; a reset ends the account's sessions."""

import email
import email.policy
import glob
import json
import os
import re
import subprocess
import time
import urllib.parse

import pytest
import requests

from test_signon import free_port

PASSWORD = "a long enough password"


def start(installation, tmp_path, *extra):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(tmp_path / f"serve-{port}.log", "wb")
    process = subprocess.Popen([installation.binary, "serve", "--port", str(port), "--data", installation.data, "--public-url", url, *extra],
                               env=installation.env, stdout=log, stderr=log)
    for _ in range(150):
        assert process.poll() is None, (tmp_path / f"serve-{port}.log").read_text()
        try:
            requests.get(url + "/health/live", timeout=1)
            break
        except requests.RequestException:
            time.sleep(0.2)
    return process, url, tmp_path / f"serve-{port}.log"


def post_form(browser, url, path, **fields):
    """Opens the page (its CSRF cookie and field), then posts the form; waits out the throttle."""
    for _ in range(10):
        page = browser.get(url + path, timeout=10)
        hidden = dict(re.findall(r'name="(csrf|token)" value="([^"]*)"', page.text))
        answer = browser.post(url + path.split("?")[0], data=dict(hidden, **fields), timeout=30)
        if answer.status_code != 429:
            return answer
        time.sleep(int(answer.headers.get("Retry-After", "1")))
    return answer


def messages(folder):
    found = []
    for path in sorted(glob.glob(os.path.join(folder, "*.eml"))):
        with open(path, "rb") as handle:
            found.append(email.message_from_binary_file(handle, policy=email.policy.default))
    return found


def link_of(message):
    return re.search(r"(http://\S+)", message.get_content()).group(1)


def sign_in_works(url, client, email_address, password):
    """The provider's password sign-in for this account (a fresh browser): True when it reaches the consent page."""
    browser = requests.Session()
    query = urllib.parse.urlencode({"client_id": client, "redirect_uri": "http://127.0.0.1:9/cb", "response_type": "code", "scope": "openid email",
                                    "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256"})
    page = browser.get(url + "/oidc/authorize?" + query, timeout=10)
    fields = dict(re.findall(r'name="(interaction|csrf)" value="([^"]+)"', page.text))
    for _ in range(10):
        answer = browser.post(url + "/oidc/signin", data=dict(fields, email=email_address, password=password), timeout=30)
        if answer.status_code != 429:
            return answer.status_code == 200 and 'name="decision"' in answer.text
        time.sleep(int(answer.headers.get("Retry-After", "1")))  # the address's throttle, grown by earlier failures
    return False


def test_register_verify_and_reset_through_the_development_mail_folder(installation, tmp_path):
    client = json.loads(installation.run("clients", "add", "--name", "Portal", "--redirect-uri", "http://127.0.0.1:9/cb", "--public", check=0).stdout)
    process, url, log = start(installation, tmp_path, "--dev")
    folder = os.path.join(installation.data, "mail")
    try:
        browser = requests.Session()
        browser.headers["Accept-Language"] = "en"
        # A form posted without the page's cookie is refused.
        assert requests.post(url + "/account/register", data={"csrf": "x", "email": "a@b.me", "password": PASSWORD, "password-again": PASSWORD},
                             timeout=10).status_code == 400
        differ = post_form(browser, url, "/account/register", email="ana@example.me", password=PASSWORD, **{"password-again": PASSWORD + "!"})
        assert differ.status_code == 400
        sent = post_form(browser, url, "/account/register", email="Ana@Example.me", password=PASSWORD, **{"password-again": PASSWORD})
        assert sent.status_code == 200, sent.text
        [verification] = messages(folder)
        assert verification["To"].addresses[0].addr_spec == "ana@example.me" and verification["Subject"] == "Verify your email address for Licna"
        link = link_of(verification)
        assert link.startswith(url + "/account/verify?token=") and link in log.read_text()  # development: the link is logged
        assert not sign_in_works(url, client["clientId"], "ana@example.me", PASSWORD)  # not verified yet
        path = link[len(url):]
        assert post_form(browser, url, path).status_code == 200
        assert post_form(browser, url, path).status_code == 400  # a link works once
        assert sign_in_works(url, client["clientId"], "ana@example.me", PASSWORD)

        # The same address again: the same page, no second account, a note that points to the reset.
        again = post_form(browser, url, "/account/register", email="ana@example.me", password="another long password", **{"password-again": "another long password"})
        assert again.status_code == 200
        assert re.sub(r'value="[^"]*"', "", again.text) == re.sub(r'value="[^"]*"', "", sent.text)
        note = messages(folder)[-1]
        assert note["Subject"] == "You already have a Licna account" and link_of(note) == url + "/account/reset"

        # A reset for an unknown address looks the same and sends nothing.
        count = len(messages(folder))
        unknown = post_form(browser, url, "/account/reset", email="nobody@example.me")
        known = post_form(browser, url, "/account/reset", email="ana@example.me")
        assert unknown.status_code == known.status_code == 200 and unknown.text == known.text
        assert len(messages(folder)) == count + 1
        reset = messages(folder)[-1]
        assert reset["Subject"] == "Reset your Licna password"
        path = link_of(reset)[len(url):]
        assert post_form(browser, url, path, password="short", **{"password-again": "short"}).status_code == 400
        done = post_form(browser, url, path, password="a brand new password", **{"password-again": "a brand new password"})
        assert done.status_code == 200, done.text
        assert post_form(browser, url, path, password="yet another password", **{"password-again": "yet another password"}).status_code == 400
        assert not sign_in_works(url, client["clientId"], "ana@example.me", PASSWORD)
        assert sign_in_works(url, client["clientId"], "ana@example.me", "a brand new password")
        assert "a brand new password" not in log.read_text() and PASSWORD not in log.read_text()
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_messages_go_through_a_real_smtp_server(installation, tmp_path):
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.envelopes = []

        async def handle_DATA(self, server, session, envelope):
            self.envelopes.append(envelope)
            return "250 OK"

    inbox = Inbox()
    smtp_port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    process, url, _ = start(installation, tmp_path, "--smtp-host", "127.0.0.1", "--smtp-port", str(smtp_port), "--mail-from", "eid@gov.example.me")
    try:
        browser = requests.Session()
        browser.headers["Accept-Language"] = "sr"
        sent = post_form(browser, url, "/account/register", email="jovana@example.me", password=PASSWORD, **{"password-again": PASSWORD})
        assert sent.status_code == 200, sent.text
        for _ in range(50):
            if inbox.envelopes:
                break
            time.sleep(0.1)
        [envelope] = inbox.envelopes
        assert envelope.mail_from == "eid@gov.example.me" and envelope.rcpt_tos == ["jovana@example.me"]
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert message["Subject"] == "Потврдите своју адресу е-поште за Licna"  # RFC 2047, in the page's language
        assert link_of(message).startswith(url + "/account/verify?token=")
    finally:
        process.terminate()
        process.wait(timeout=30)
        controller.stop()


def test_without_mail_delivery_the_pages_say_so(installation, tmp_path):
    process, url, _ = start(installation, tmp_path)
    try:
        for path in ("/account/register", "/account/reset"):
            page = requests.get(url + path, timeout=10, headers={"Accept-Language": "en"})
            assert page.status_code == 503 and "cannot send email" in page.text
    finally:
        process.terminate()
        process.wait(timeout=30)
