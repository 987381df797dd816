"""Issue 13, item 1 and the first acceptance item, with a real client library: Authlib (PyPI) completes the
authorization code flow with PKCE against `licna serve` for a password account (acr low), validates the ID token with
the keys from discovery, reads userinfo, refreshes; and every failure the specifications name fails as they say.
The browser is a requests session that fills in the sign-in and consent forms as a person would."""

import http.server
import json
import os
import re
import secrets
import socket
import subprocess
import threading
import time
import urllib.parse

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from authlib.common.security import generate_token

PASSWORD = "correct horse battery staple"
EMAIL = "jelena@example.me"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def provider(installation, tmp_path):
    """A running `licna serve` with one password account and three relying parties."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    redirect = f"http://127.0.0.1:{free_port()}/callback"
    installation.run("accounts", "add", "--email", EMAIL, "--password-stdin", stdin=PASSWORD + "\n", check=0)
    confidential = json.loads(installation.run("clients", "add", "--name", "Banka", "--redirect-uri", redirect, "--confidential",
                                               "--sector-identifier", "banka.example.com",
                                               check=0).stdout)
    public = json.loads(installation.run("clients", "add", "--name", "Portal", "--redirect-uri", redirect, "--public",
                                         "--sector-identifier", "portal.example.me",
                                         "--post-logout-redirect-uri", redirect + "/bye", check=0).stdout)
    key = JsonWebKey.generate_key("EC", "P-256", is_private=True)
    (tmp_path / "jwks.json").write_text(json.dumps({"keys": [key.as_dict(is_private=False)]}))
    private_key_jwt = json.loads(installation.run("clients", "add", "--name", "Poreska uprava", "--redirect-uri", redirect,
                                                  "--jwks-file", str(tmp_path / "jwks.json"), check=0).stdout)
    assert confidential["clientSecret"] and public.get("clientSecret") is None and private_key_jwt.get("clientSecret") is None
    log = open(tmp_path / "serve.log", "wb")
    process = subprocess.Popen([installation.binary, "serve", "--port", str(port), "--data", installation.data, "--public-url", url],
                               env=installation.env, stdout=log, stderr=log)
    try:
        for _ in range(150):
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                requests.get(url + "/health/live", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.2)
        yield {"url": url, "redirect": redirect, "confidential": confidential, "public": public, "jwt": private_key_jwt,
               "jwt_key": key, "log": tmp_path / "serve.log", "data": installation.data}
    finally:
        process.terminate()
        process.wait(timeout=30)


def sign_in(authorization_url, consent="allow", password=PASSWORD):
    """The person: opens the authorization URL, signs in, consents; returns the redirect's query."""
    browser = requests.Session()
    page = browser.get(authorization_url, allow_redirects=False)
    if page.status_code in (302, 303):
        return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(page.headers["Location"]).query))
    assert page.status_code == 200, page.text
    fields = dict(re.findall(r'name="(interaction|csrf)" value="([^"]+)"', page.text))
    base = authorization_url.split("/oidc/")[0]
    page = browser.post(base + "/oidc/signin", data=dict(fields, email=EMAIL, password=password), allow_redirects=False)
    if password != PASSWORD:
        return page
    assert page.status_code == 200, page.text
    fields = dict(re.findall(r'name="(interaction|csrf)" value="([^"]+)"', page.text))
    answer = browser.post(base + "/oidc/consent", data=dict(fields, decision=consent), allow_redirects=False)
    assert answer.status_code in (302, 303), answer.text
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(answer.headers["Location"]).query))


def discovery(provider):
    return requests.get(provider["url"] + "/.well-known/openid-configuration").json()


def validated(provider, id_token, audience, nonce=None):
    metadata = discovery(provider)
    keys = JsonWebKey.import_key_set(requests.get(metadata["jwks_uri"]).json())
    options = {"iss": {"essential": True, "value": metadata["issuer"]}, "aud": {"essential": True, "value": audience}}
    if nonce:
        options["nonce"] = {"essential": True, "value": nonce}
    claims = jwt.decode(id_token, keys, claims_options=options)
    claims.validate(leeway=5)
    return claims


def session(provider, client, **extra):
    metadata = discovery(provider)
    return OAuth2Session(client["clientId"], client.get("clientSecret"), scope="openid profile email",
                         redirect_uri=provider["redirect"], code_challenge_method="S256",
                         token_endpoint=metadata["token_endpoint"], **extra), metadata


def test_authlib_completes_the_code_flow_with_pkce_and_refresh(provider):
    client, metadata = session(provider, provider["confidential"], token_endpoint_auth_method="client_secret_basic")
    verifier = generate_token(48)
    nonce = generate_token(20)
    url, state = client.create_authorization_url(metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce)
    answer = sign_in(url)
    assert answer["state"] == state and answer["iss"] == metadata["issuer"]
    token = client.fetch_token(metadata["token_endpoint"], code=answer["code"], code_verifier=verifier)
    claims = validated(provider, token["id_token"], provider["confidential"]["clientId"], nonce)
    assert claims["acr"] == "http://eidas.europa.eu/LoA/low" and claims["amr"] == ["pwd"]
    assert claims["email"] == EMAIL and claims["email_verified"] is True
    info = client.get(metadata["userinfo_endpoint"]).json()
    assert info["sub"] == claims["sub"] and info["email"] == EMAIL
    # Refresh: new tokens, the same person.
    refreshed = client.refresh_token(metadata["token_endpoint"], refresh_token=token["refresh_token"])
    assert refreshed["refresh_token"] != token["refresh_token"]
    assert validated(provider, refreshed["id_token"], provider["confidential"]["clientId"])["sub"] == claims["sub"]
    # The first refresh token again: refused (invalid_grant), and the whole family revoked.
    replay = requests.post(metadata["token_endpoint"], data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
                           auth=(provider["confidential"]["clientId"], provider["confidential"]["clientSecret"]))
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    again = requests.post(metadata["token_endpoint"], data={"grant_type": "refresh_token", "refresh_token": refreshed["refresh_token"]},
                          auth=(provider["confidential"]["clientId"], provider["confidential"]["clientSecret"]))
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    gone = requests.get(metadata["userinfo_endpoint"], headers={"Authorization": "Bearer " + refreshed["access_token"]})
    assert gone.status_code == 401 and "invalid_token" in gone.headers["WWW-Authenticate"]


def test_a_reused_code_a_wrong_redirect_and_a_pkce_mismatch_fail(provider):
    client, metadata = session(provider, provider["public"], token_endpoint_auth_method="none")
    endpoint = metadata["token_endpoint"]

    def code():
        verifier = generate_token(48)
        url, _ = client.create_authorization_url(metadata["authorization_endpoint"], code_verifier=verifier, nonce="n")
        return sign_in(url)["code"], verifier

    def redeem(code, verifier, redirect=None):
        return requests.post(endpoint, data={"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
                                             "client_id": provider["public"]["clientId"], "redirect_uri": redirect or provider["redirect"]})

    first, verifier = code()
    assert redeem(first, verifier).status_code == 200
    reused = redeem(first, verifier)
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
    second, verifier = code()
    wrong = redeem(second, verifier, redirect=provider["redirect"] + "/other")
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    third, _ = code()
    mismatch = redeem(third, generate_token(48))
    assert mismatch.status_code == 400 and mismatch.json()["error"] == "invalid_grant"
    # A public client without PKCE is refused at the authorization endpoint, back at its redirect URI.
    no_pkce = requests.get(metadata["authorization_endpoint"], allow_redirects=False, params={
        "response_type": "code", "client_id": provider["public"]["clientId"], "redirect_uri": provider["redirect"],
        "scope": "openid", "state": "s"})
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(no_pkce.headers["Location"]).query))
    assert query["error"] == "invalid_request" and query["state"] == "s"
    # An unregistered redirect URI is never redirected to.
    foreign = requests.get(metadata["authorization_endpoint"], allow_redirects=False, params={
        "response_type": "code", "client_id": provider["public"]["clientId"], "redirect_uri": "https://evil.example/cb",
        "scope": "openid", "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256"})
    assert foreign.status_code == 400 and "Location" not in foreign.headers


def test_an_essential_high_level_is_not_met_by_a_password(provider):
    client, metadata = session(provider, provider["public"], token_endpoint_auth_method="none")
    claims = json.dumps({"id_token": {"acr": {"essential": True, "values": ["http://eidas.europa.eu/LoA/high"]}}})
    url, state = client.create_authorization_url(metadata["authorization_endpoint"], code_verifier=generate_token(48), claims=claims)
    answer = sign_in(url)
    assert answer["error"] == "unmet_authentication_requirements" and "code" not in answer and answer["state"] == state
    # Denied consent returns access_denied.
    url, _ = client.create_authorization_url(metadata["authorization_endpoint"], code_verifier=generate_token(48))
    assert sign_in(url, consent="deny")["error"] == "access_denied"


def test_a_private_key_jwt_client_authenticates(provider):
    metadata = discovery(provider)
    pem = provider["jwt_key"].as_pem(is_private=True)
    try:  # Authlib 1.6 and later sign client assertions with joserfc's keys
        from joserfc.jwk import ECKey
        secret = ECKey.import_key(pem)
    except ImportError:
        secret = pem.decode()
    client = OAuth2Session(provider["jwt"]["clientId"], secret, scope="openid profile", redirect_uri=provider["redirect"],
                           code_challenge_method="S256", token_endpoint_auth_method=PrivateKeyJWT(metadata["token_endpoint"], alg="ES256"))
    verifier = generate_token(48)
    url, _ = client.create_authorization_url(metadata["authorization_endpoint"], code_verifier=verifier, nonce="n-1")
    token = client.fetch_token(metadata["token_endpoint"], code=sign_in(url)["code"], code_verifier=verifier)
    assert validated(provider, token["id_token"], provider["jwt"]["clientId"], "n-1")["acr"] == "http://eidas.europa.eu/LoA/low"


def jwt_session(provider, client_id, key):
    metadata = discovery(provider)
    pem = key.as_pem(is_private=True)
    try:  # Authlib 1.6 and later sign client assertions with joserfc's keys
        from joserfc.jwk import ECKey
        secret = ECKey.import_key(pem)
    except ImportError:
        secret = pem.decode()
    return metadata, OAuth2Session(client_id, secret, scope="openid profile", redirect_uri=provider["redirect"], code_challenge_method="S256",
                                   token_endpoint_auth_method=PrivateKeyJWT(metadata["token_endpoint"], alg="ES256"))


def test_a_private_key_jwt_client_with_a_jwks_uri_rotates_its_keys(provider, installation):
    """`licna clients add --jwks-uri`: the provider reads the client's keys from where it publishes them, so the client
    rotates them without re-registering; a key it does not publish is refused; a non-https address is refused at
    registration."""
    published = {}

    class Keys(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps(published["jwks"]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    first, second, stranger = (JsonWebKey.generate_key("EC", "P-256", is_private=True) for _ in range(3))
    published["jwks"] = {"keys": [first.as_dict(is_private=False)]}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Keys)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    uri = f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
    try:
        refused = installation.run("clients", "add", "--name", "X", "--redirect-uri", provider["redirect"], "--jwks-uri", "http://example.com/jwks.json")
        assert refused.returncode != 0 and "https" in refused.stderr, refused.stderr
        client = json.loads(installation.run("clients", "add", "--name", "Fond zdravstva", "--redirect-uri", provider["redirect"],
                                             "--jwks-uri", uri, check=0).stdout)["clientId"]

        def sign_in_with(key):
            metadata, session = jwt_session(provider, client, key)
            verifier = generate_token(48)
            url, _ = session.create_authorization_url(metadata["authorization_endpoint"], code_verifier=verifier, nonce="n-2")
            return session.fetch_token(metadata["token_endpoint"], code=sign_in(url)["code"], code_verifier=verifier)

        assert validated(provider, sign_in_with(first)["id_token"], client, "n-2")["acr"] == "http://eidas.europa.eu/LoA/low"
        # A key the client does not publish is refused.
        with pytest.raises(Exception) as error:
            sign_in_with(stranger)
        assert "invalid_client" in str(error.value), error.value
        # The client rotates: it publishes the new key and drops the old. The provider fetches again when an
        # assertion names a key it lacks (at most every 10 seconds per address).
        published["jwks"] = {"keys": [second.as_dict(is_private=False)]}
        time.sleep(11)
        assert validated(provider, sign_in_with(second)["id_token"], client, "n-2")
    finally:
        server.shutdown()


def test_pairwise_subjects_differ_and_no_secret_reaches_the_log(provider):
    subjects = []
    for name, method in (("confidential", "client_secret_basic"), ("public", "none")):
        client, metadata = session(provider, provider[name], token_endpoint_auth_method=method)
        verifier = generate_token(48)
        url, _ = client.create_authorization_url(metadata["authorization_endpoint"], code_verifier=verifier)
        token = client.fetch_token(metadata["token_endpoint"], code=sign_in(url)["code"], code_verifier=verifier)
        subjects.append(validated(provider, token["id_token"], provider[name]["clientId"])["sub"])
    assert subjects[0] != subjects[1]
    log = provider["log"].read_text()
    assert PASSWORD not in log and provider["confidential"]["clientSecret"] not in log


def test_wrong_passwords_are_throttled_and_a_logout_returns_only_where_registered(provider):
    client, metadata = session(provider, provider["public"], token_endpoint_auth_method="none")
    url, _ = client.create_authorization_url(metadata["authorization_endpoint"], code_verifier=generate_token(48))
    assert sign_in(url, password="wrong password").status_code == 401
    url, _ = client.create_authorization_url(metadata["authorization_endpoint"], code_verifier=generate_token(48))
    assert sign_in(url, password="another wrong one").status_code in (401, 429)
    verifier = generate_token(48)
    time.sleep(1.2)
    url, _ = client.create_authorization_url(metadata["authorization_endpoint"], code_verifier=verifier)
    token = client.fetch_token(metadata["token_endpoint"], code=sign_in(url)["code"], code_verifier=verifier)
    out = requests.get(metadata["end_session_endpoint"], allow_redirects=False, params={
        "id_token_hint": token["id_token"], "post_logout_redirect_uri": provider["redirect"] + "/bye", "state": "bye"})
    assert out.status_code in (302, 303) and out.headers["Location"] == provider["redirect"] + "/bye?state=bye"
    evil = requests.get(metadata["end_session_endpoint"], allow_redirects=False, params={
        "id_token_hint": token["id_token"], "post_logout_redirect_uri": "https://evil.example/"})
    assert evil.status_code == 400 and "Location" not in evil.headers


def test_the_demo_portal_signs_in_through_the_provider(installation, tmp_path):
    """`licna serve --demo` names the demo sign-on in its start-up message; following it, a person signs in and the
    demo portal shows the checked ID token: the demo citizen's names and identification number, never the JMBG."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(tmp_path / "demo.log", "wb")
    process = subprocess.Popen([installation.binary, "serve", "--demo", "--port", str(port), "--data", installation.data, "--public-url", url],
                               env=installation.env, stdout=log, stderr=log)
    try:
        for _ in range(300):
            assert process.poll() is None, (tmp_path / "demo.log").read_text()
            if "/demo/signon" in (tmp_path / "demo.log").read_text():
                break
            time.sleep(0.2)
        # The start-up messages come before the listener opens: wait for it.
        for _ in range(150):
            try:
                requests.get(url + "/health/live", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.2)
        message = (tmp_path / "demo.log").read_text()
        email = re.search(r"sign in as (\S+) with the password (\S+) ", message)
        assert email, message
        browser = requests.Session()
        page = browser.get(url + "/demo/signon")
        assert page.status_code == 200 and 'name="csrf"' in page.text
        fields = dict(re.findall(r'name="(interaction|csrf)" value="([^"]+)"', page.text))
        page = browser.post(url + "/oidc/signin", data=dict(fields, email=email.group(1), password=email.group(2)))
        # The demo account has an authenticator whose secret the start-up message names: the code is asked, and
        # password and code (an account linked to the registry) sign in at substantial.
        assert page.status_code == 200 and 'name="code"' in page.text, page.text
        secret = re.search(r"secret ([A-Z2-7]+)", message)
        assert secret, message
        fields = dict(re.findall(r'name="(interaction|csrf)" value="([^"]+)"', page.text))
        page = browser.post(url + "/oidc/second-factor", data=dict(fields, code=totp("otpauth://totp/x?secret=" + secret.group(1))))
        assert page.status_code == 200 and "Licna demo portal" in page.text
        fields = dict(re.findall(r'name="(interaction|csrf)" value="([^"]+)"', page.text))
        result = browser.post(url + "/oidc/consent", data=dict(fields, decision="allow"))
        assert result.status_code == 200 and result.url.startswith(url + "/demo/signon/callback")
        assert "Milica" in result.text and "Vuković" in result.text and "http://eidas.europa.eu/LoA/substantial" in result.text
        assert re.search(r"identification_number</th><td>\d{9}<", result.text)
        assert "jmbg" not in result.text.lower() and "1204988" not in result.text
    finally:
        process.terminate()
        process.wait(timeout=30)
    # Nor in the server's log, whose every line the sign-in wrote (Milica's JMBG begins with her birth date).
    assert "1204988" not in (tmp_path / "demo.log").read_text()


def totp(uri, at=None):
    """RFC 6238 from the otpauth URI, with Python's hmac: an independent implementation."""
    import base64
    import hashlib
    import hmac
    import struct
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(uri).query))
    secret = base64.b32decode(query["secret"] + "=" * (-len(query["secret"]) % 8))
    step = int((at or time.time()) // 30)
    mac = hmac.new(secret, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000)


def test_totp_raises_a_linked_account_to_substantial_and_without_it_the_level_stays_low(provider, installation):
    client, metadata = session(provider, provider["public"], token_endpoint_auth_method="none")

    def level(code=None):
        verifier = generate_token(48)
        url, _ = client.create_authorization_url(metadata["authorization_endpoint"], code_verifier=verifier)
        browser = requests.Session()
        page = browser.get(url)
        fields = dict(re.findall(r'name="(interaction|csrf)" value="([^"]+)"', page.text))
        page = browser.post(provider["url"] + "/oidc/signin", data=dict(fields, email=EMAIL, password=PASSWORD))
        if page.status_code != 200:
            return page.status_code  # throttled after a wrong code from this address
        fields = dict(re.findall(r'name="(interaction|csrf)" value="([^"]+)"', page.text))
        if 'name="code"' in page.text:
            if code is None:
                return "code asked"
            page = browser.post(provider["url"] + "/oidc/second-factor", data=dict(fields, code=code))
            if page.status_code != 200:
                return page.status_code
            fields = dict(re.findall(r'name="(interaction|csrf)" value="([^"]+)"', page.text))
        answer = browser.post(provider["url"] + "/oidc/consent", data=dict(fields, decision="allow"), allow_redirects=False)
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(answer.headers["Location"]).query))
        token = client.fetch_token(metadata["token_endpoint"], code=query["code"], code_verifier=verifier)
        return validated(provider, token["id_token"], provider["public"]["clientId"])["acr"]

    assert level() == "http://eidas.europa.eu/LoA/low"
    uri = json.loads(installation.run("accounts", "authenticator", "--email", EMAIL, check=0).stdout)["uri"]
    assert uri.startswith("otpauth://totp/") and "secret=" in uri
    assert level() == "code asked"  # with an authenticator, the code is always asked
    # Not linked to a registry person: the second factor alone does not make it substantial.
    assert level(totp(uri)) == "http://eidas.europa.eu/LoA/low"
    # An officer links the account to a person (identity verified): password + TOTP is substantial.
    person = json.loads(installation.run("registry", "register-birth", "--given-name", "Jelena", "--surname", "Šćekić", "--birth-date",
                                         "2026-01-02", "--sex", "F", "--region", "21", "--birth-place", "Podgorica", "--address",
                                         "Njegoševa 1", "--municipality", "Podgorica", check=0).stdout)
    installation.run("accounts", "link", "--email", EMAIL, "--identification-number", person["identificationNumber"], check=0)
    time.sleep(31 - time.time() % 30)  # the next step: the code just used is not accepted twice
    code = totp(uri)
    assert level(code) == "http://eidas.europa.eu/LoA/substantial"
    assert level(code) == 401  # the same code again: refused
    assert level("000000" if code != "000000" else "111111") in (401, 429)


def test_an_operator_makes_a_substantial_account_in_one_command(installation):
    """`licna accounts add --level substantial --identification-number N`: linked to the person and given an
    authenticator (its URI printed once); refused without a number, with an unknown person (nothing made), or at level
    high (only the card reaches it)."""
    refused = installation.run("accounts", "add", "--email", "milan@example.me", "--level", "substantial")
    assert refused.returncode == 2 and "--identification-number" in refused.stderr, refused.stderr
    assert installation.run("accounts", "add", "--email", "milan@example.me", "--level", "high").returncode == 2
    unknown = installation.run("accounts", "add", "--email", "milan@example.me", "--level", "substantial", "--identification-number", "123456782")
    assert unknown.returncode != 0
    person = json.loads(installation.run("registry", "register-birth", "--given-name", "Milan", "--surname", "Vujović", "--birth-date",
                                         "2026-01-03", "--sex", "M", "--region", "21", "--birth-place", "Podgorica", "--address",
                                         "Njegoševa 2", "--municipality", "Podgorica", check=0).stdout)
    made = json.loads(installation.run("accounts", "add", "--email", "milan@example.me", "--password-stdin", "--level", "substantial",
                                       "--identification-number", person["identificationNumber"], stdin="a long password here\n", check=0).stdout)
    assert made["authenticatorUri"].startswith("otpauth://totp/") and "secret=" in made["authenticatorUri"]
    low = json.loads(installation.run("accounts", "add", "--email", "other@example.me", check=0).stdout)
    assert low.get("authenticatorUri") is None
    # The link is the one an officer makes (accounts link): linking again is accepted. The unknown person above made
    # no account: the same address was free for this one.
    installation.run("accounts", "link", "--email", "milan@example.me", "--identification-number", person["identificationNumber"], check=0)


def test_a_signed_in_browser_signs_in_again_silently_until_prompt_max_age_level_withdrawal_or_logout_say_otherwise(provider, installation):
    """Single sign-on (Core §3.1.2.1): after one sign-in the browser's session signs it in to the same relying party
    without a page (prompt=none gets a code), asks another relying party only for consent, and stops at prompt=login,
    an expired max_age, a higher essential acr, a withdrawn consent (`licna accounts consents --withdraw`) and logout."""
    browser = requests.Session()
    public, metadata = session(provider, provider["public"], token_endpoint_auth_method="none")
    banka, _ = session(provider, provider["confidential"], token_endpoint_auth_method="client_secret_basic")

    def authorize(client, **extra):
        url, _ = client.create_authorization_url(metadata["authorization_endpoint"], code_verifier=generate_token(48), nonce=generate_token(8), **extra)
        return browser.get(url, allow_redirects=False)

    def redirected(page):
        assert page.status_code in (302, 303), page.text
        return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(page.headers["Location"]).query))

    assert redirected(authorize(public, prompt="none"))["error"] == "login_required"
    page = authorize(public)
    fields = dict(re.findall(r'name="(interaction|csrf)" value="([^"]+)"', page.text))
    page = browser.post(provider["url"] + "/oidc/signin", data=dict(fields, email=EMAIL, password=PASSWORD), allow_redirects=False)
    fields = dict(re.findall(r'name="(interaction|csrf)" value="([^"]+)"', page.text))
    assert "code" in redirected(browser.post(provider["url"] + "/oidc/consent", data=dict(fields, decision="allow"), allow_redirects=False))
    cookie = next(c for c in browser.cookies if c.name == "licna_session")
    assert cookie.has_nonstandard_attr("HttpOnly") and cookie.path == "/"

    # The same relying party: a code at once, with and without prompt=none; the sign-in's time and level carry over.
    assert "code" in redirected(authorize(public, prompt="none"))
    assert "code" in redirected(authorize(public))
    # Another relying party: the person is signed in, but has not consented to it yet.
    assert redirected(authorize(banka, prompt="none"))["error"] == "consent_required"
    consent_page = authorize(banka)
    assert consent_page.status_code == 200 and 'name="decision"' in consent_page.text and 'name="password"' not in consent_page.text
    # What the client may ask for a fresh sign-in, or a level the session does not have.
    assert authorize(public, prompt="login").status_code == 200
    time.sleep(1.2)
    assert redirected(authorize(public, prompt="none", max_age="0"))["error"] == "login_required"
    high = json.dumps({"id_token": {"acr": {"essential": True, "value": "http://eidas.europa.eu/LoA/high"}}})
    assert redirected(authorize(public, prompt="none", claims=high))["error"] == "login_required"
    assert authorize(public, prompt="consent").status_code == 200
    # The person withdraws the consent: the relying party must ask again.
    listed = json.loads(installation.run("accounts", "consents", "--email", EMAIL, check=0).stdout)
    assert [c["clientId"] for c in listed] == [provider["public"]["clientId"]]
    installation.run("accounts", "consents", "--email", EMAIL, "--withdraw", provider["public"]["clientId"], check=0)
    assert redirected(authorize(public, prompt="none"))["error"] == "consent_required"
    assert installation.run("accounts", "consents", "--email", EMAIL, "--withdraw", provider["public"]["clientId"]).returncode == 1
    # Logout ends the session.
    assert browser.get(provider["url"] + "/oidc/logout", allow_redirects=False).status_code == 200
    assert redirected(authorize(public, prompt="none"))["error"] == "login_required"


def test_the_account_page_shows_the_level_the_next_step_and_withdraws_consent(provider):
    """Issue 13, items 2 and 4: the account page (its own sign-in, no relying party) shows this sign-in's level and
    the next step to raise it, lists the relying parties the person consented to, and withdraws a consent."""
    browser = requests.Session()
    browser.headers["Accept-Language"] = "en"
    url = provider["url"]
    first = browser.get(url + "/account", allow_redirects=False)
    assert first.status_code in (302, 303) and first.headers["Location"].endswith("/account/signin")
    page = browser.get(url + "/account/signin")
    fields = dict(re.findall(r'name="(interaction|csrf)" value="([^"]+)"', page.text))
    signed_in = browser.post(url + "/oidc/signin", data=dict(fields, email=EMAIL, password=PASSWORD), allow_redirects=False)
    assert signed_in.status_code in (302, 303) and signed_in.headers["Location"] == "/account", signed_in.text
    account = browser.get(url + "/account")
    assert account.status_code == 200 and EMAIL in account.text and "no-store" in account.headers["Cache-Control"]
    assert re.search(r'id="level">[^<]*low', account.text, re.I) and "link your eID card" in account.text
    assert "None yet." in account.text
    # A relying party, with the same browser: only the consent page (the session signs in).
    public, metadata = session(provider, provider["public"], token_endpoint_auth_method="none")
    authorize_url, _ = public.create_authorization_url(metadata["authorization_endpoint"], code_verifier=generate_token(48))
    consent = browser.get(authorize_url, allow_redirects=False)
    assert consent.status_code == 200 and 'name="decision"' in consent.text
    fields = dict(re.findall(r'name="(interaction|csrf)" value="([^"]+)"', consent.text))
    assert browser.post(url + "/oidc/consent", data=dict(fields, decision="allow"), allow_redirects=False).status_code in (302, 303)
    account = browser.get(url + "/account")
    assert "Portal" in account.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', account.text).group(1)
    # Withdrawn from the page: the relying party must ask again.
    assert browser.post(url + "/account/consents/withdraw", data={"csrf": "forged", "client": provider["public"]["clientId"]}).status_code == 400
    browser.post(url + "/account/consents/withdraw", data={"csrf": csrf, "client": provider["public"]["clientId"]})
    silent_url, _ = public.create_authorization_url(metadata["authorization_endpoint"], code_verifier=generate_token(48), prompt="none")
    answer = browser.get(silent_url, allow_redirects=False)
    assert "consent_required" in answer.headers["Location"]
    # Signing out ends the session (the withdrawal's redirect showed the page again, with a new form token).
    csrf = re.search(r'name="csrf" value="([^"]+)"', browser.get(url + "/account").text).group(1)
    assert browser.post(url + "/account/signout", data={"csrf": csrf}).status_code == 200
    assert browser.get(url + "/account", allow_redirects=False).status_code in (302, 303)
