"""Issue 10, items 6 and 8 from the command line: `licna serve` refuses a weak admin token outside --dev and says how
to make one; metrics are served on their own loopback listener, never on the public one; officer sessions end at
logout on the server (the replayed cookie opens nothing), seen through a real HTTP client."""
import http.cookiejar
import os
import re
import secrets
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(licna_bin, tmp_path, token, *extra):
    port = free_port()
    env = dict(os.environ, LICNA_MASTER_KEY=secrets.token_hex(32), LICNA_ADMIN_TOKEN=token, HOME=str(tmp_path), LICNA_LANG="en")
    log = open(tmp_path / f"serve-{port}.log", "wb")
    process = subprocess.Popen([licna_bin, "serve", "--port", str(port), "--data", str(tmp_path / "data"), *extra],
                               env=env, stdout=subprocess.DEVNULL, stderr=log)
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        if process.poll() is not None:
            return process, url
        try:
            urllib.request.urlopen(url + "/health/live", timeout=1)
            return process, url
        except OSError:
            time.sleep(0.2)
    process.kill()
    pytest.fail("licna serve did not start: " + (tmp_path / f"serve-{port}.log").read_text())


def test_weak_tokens_are_refused_outside_dev(licna_bin, tmp_path):
    for token in ("change-me", "x" * 40):
        process, _ = start(licna_bin, tmp_path, token)
        assert process.wait(timeout=60) == 2
        log = "".join(p.read_text() for p in tmp_path.glob("serve-*.log"))
        assert "openssl rand -hex 32" in log
    process, url = start(licna_bin, tmp_path, "change-me", "--dev")
    try:
        assert process.poll() is None
        assert urllib.request.urlopen(url + "/health/live", timeout=5).status == 200
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_metrics_have_their_own_listener_and_logout_ends_the_session(licna_bin, tmp_path):
    token = secrets.token_hex(32)
    metrics_port = free_port()
    process, url = start(licna_bin, tmp_path, token, "--demo", "--metrics-port", str(metrics_port))
    try:
        with pytest.raises(urllib.error.HTTPError) as public:
            urllib.request.urlopen(url + "/metrics", timeout=5)
        assert public.value.code == 404
        text = urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).read().decode()
        assert "licna_registry_persons 12" in text or "licna_registry_persons " in text

        # Sign in, see the officer page, log out, replay the old cookie: the server ended the session.
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        # The demo's officer (its personal token is in the start-up message); the admin token no longer opens pages.
        officer = re.search(r"\blo_[A-Za-z0-9_-]{43}", "".join(p.read_text() for p in tmp_path.glob("serve-*.log"))).group(0)
        opener.open(url + "/officer/login", data=urllib.parse.urlencode({"token": officer}).encode(), timeout=10)
        cookie = next(c for c in jar if c.name == "licna_officer")
        assert len(cookie.value) == 43 and officer not in cookie.value
        page = opener.open(url + "/officer/registry", timeout=10)
        assert page.geturl().endswith("/officer/registry")
        opener.open(url + "/officer/logout", data=b"", timeout=10)
        replay = urllib.request.Request(url + "/officer/registry", headers={"Cookie": f"licna_officer={cookie.value}"})
        assert urllib.request.urlopen(replay, timeout=10).geturl().endswith("/officer/login")
    finally:
        process.terminate()
        process.wait(timeout=30)
