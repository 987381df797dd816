"""Issue 12 end to end, through a real reader stack: register a person, apply, approve, personalize a blank virtual
card, deliver; the envelope's text (poppler's pdftotext) holds PIN, PUK and suspension code; OpenSSL's OCSP client
sees both certificates revoked with reason certificateHold; `licna-card activate` over PC/SC (pcscd + vpcd) with the
envelope's PIN; OCSP good; OpenSC's pkcs11-tool signs with the new PIN; suspension with the envelope's code puts
both on hold again; the statistics follow at every step. Also: the PIN and PUK appear nowhere in the data folder,
the database or the server's log; refused activations change nothing.

Shares the single virtual reader with test_card.py: pytest runs the modules one after the other."""
import contextlib
import json
import os
import re
import signal
import subprocess
import time
import urllib.request

import pytest

from test_card import READER, card_present, pkcs11_module, require, run, vpcd_listening, missing, wait_for_card
from test_trust import TrustServer, openssl, split_chain  # noqa: F401

LICNA_CARD = os.environ.get("LICNA_CARD_BIN", os.path.join(os.path.dirname(__file__), "..", "..", ".build", "debug", "licna-card"))


def envelope_text(path):
    process = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True)
    assert process.returncode == 0, process.stderr
    return process.stdout


def secrets_of(text):
    pin = re.search(r"PIN \(6 digits\)\s+(\d{6})\b", text).group(1)
    puk = re.search(r"PUK \(8 digits\)\s+(\d{8})\b", text).group(1)
    code = re.search(r"Suspension code \(lost card\)\s+([0-9A-Z]{5}-[0-9A-Z]{5})", text).group(1)
    return pin, puk, code


def stats(trust):
    with urllib.request.urlopen(trust.url + "/api/stats/cards", timeout=10) as answer:
        return json.loads(answer.read())


def ocsp_of(trust, certificate_pem):
    return trust.ocsp(certificate_pem)


@pytest.fixture
def issuance(installation, tmp_path):
    trust = TrustServer(installation, tmp_path)
    split_chain(tmp_path)
    yield trust
    trust.stop()


def register(installation, given="Jelena", surname="Šćekić", birth="1985-05-17"):
    born = json.loads(installation.run("registry", "register-birth", "--given-name", given, "--surname", surname,
                                       "--birth-date", birth, "--birth-place", "Podgorica", "--sex", "F", "--region", "21",
                                       "--address", "Njegoševa 1", "--municipality", "Podgorica", check=0).stdout)
    return born["identificationNumber"]


def issue_card(installation, trust, tmp_path, name="card", **person):
    """apply → approve → personalize a blank virtual card → deliver; returns (card file, card number, envelope text)."""
    number = register(installation, **person)
    application = json.loads(installation.run("cards", "apply", "--person", number, "--language", "en", "--accept-contract", "--json",
                                              check=0).stdout)
    assert application["state"] == "submitted"
    installation.run("cards", "approve", application["id"], check=0)
    card = tmp_path / name
    # Made by the installation's (development) manufacturer, as a ministry's blank cards come from a known one: the chip
    # attests its keys, and the card can renew on line.
    installation.run("card", "create", "--out", str(card), check=0)
    envelope = tmp_path / (name + "-envelope.pdf")
    result = installation.run("cards", "personalize", "--application", application["id"], "--card", str(card),
                              "--envelope", str(envelope), "--json", check=0)
    view = json.loads(result.stdout)
    assert view["state"] == "personalized" and view["cardNumber"]
    assert oct(os.stat(envelope).st_mode & 0o777) == "0o600"
    installation.run("cards", "deliver", "--card-number", view["cardNumber"], check=0)
    return card, view, envelope_text(envelope)


def card_status(trust, card):
    """`licna-card status --server` (the server's OCSP, checked under the pinned root) as JSON."""
    process = subprocess.run([LICNA_CARD, "status", "--card", str(card), "--server", trust.url, "--root-sha256", trust.root_sha256, "--json"],
                             capture_output=True, text=True, timeout=60)
    assert process.returncode == 0, process.stderr
    return json.loads(process.stdout)


def card_certificates(installation, card, tmp_path):
    report = json.loads(installation.run("card", "status", "--card", str(card), "--json", data=False, check=0).stdout)
    paths = []
    for slot in ("9A", "9C"):
        pem = report["certificates"][slot]["pem"]
        path = tmp_path / f"{card.name}-{slot}.pem"
        path.write_text(pem)
        paths.append(str(path))
    return paths


@contextlib.contextmanager
def card_in_reader(installation, card):
    """The card file inserted into vpcd's reader (`licna card insert`) for the block's duration, removed after."""
    if card_present():
        wait_for_card(False)
    insert = subprocess.Popen([installation.binary, "card", "insert", "--card", str(card)], env=installation.env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_card(True, insert)
        yield
    finally:
        insert.send_signal(signal.SIGTERM)
        try:
            insert.wait(timeout=10)
        except subprocess.TimeoutExpired:
            insert.kill()
        wait_for_card(False)


def activate_in_reader(installation, trust, envelope_pin, new_pin):
    """`licna-card activate` over PC/SC with the envelope's PIN, setting `new_pin`."""
    activate = subprocess.run([LICNA_CARD, "activate", "--reader", READER, "--server", trust.url],
                              input=f"{envelope_pin}\n{new_pin}\n{new_pin}\n", capture_output=True, text=True,
                              env=dict(installation.env), timeout=120)
    assert activate.returncode == 0, activate.stdout + activate.stderr
    return activate


def stored(secret, content):
    """Whether `secret` occurs in `content` other than by chance inside an identification number (9 digits) or a
    JMBG (13 digits): the installation's pool holds thousands of identification numbers, so a random 6-digit PIN is
    a substring of one of them now and then (CI once found PIN 643105 inside the pool's 248643105)."""
    for match in re.finditer(re.escape(secret.encode()), content):
        start, end = match.start(), match.end()
        while start > 0 and content[start - 1:start].isdigit():
            start -= 1
        while end < len(content) and content[end:end + 1].isdigit():
            end += 1
        if not (end - start > len(secret) and end - start in (9, 13)):
            return True
    return False


def test_the_whole_life_of_a_card_through_pcscd(installation, issuance, tmp_path):
    require("opensc-tool", "pkcs11-tool", "openssl", "pdftotext")
    if not vpcd_listening():
        missing("pcscd with vsmartcard-vpcd is not listening on 127.0.0.1:35963: start `pcscd -f`")
    trust = issuance
    before = stats(trust)
    card, view, text = issue_card(installation, trust, tmp_path)
    pin, puk, code = secrets_of(text)
    assert view["cardNumber"] in text
    after_delivery = stats(trust)
    assert after_delivery["issued"] == before["issued"] + 1 and after_delivery["awaitingActivation"] == before["awaitingActivation"] + 1

    certificates = card_certificates(installation, card, tmp_path)
    for certificate in certificates:
        answer = ocsp_of(trust, certificate)
        assert ": revoked" in answer and "Reason: certificateHold" in answer, answer
    held = card_status(trust, card)
    assert held["activated"] is False and {c["ocsp"] for c in held["certificates"].values()} == {"certificateHold"}, held
    assert held["cardExpires"] == view["cardExpires"] and held["pinTriesLeft"] == 5 and held["pukTriesLeft"] == 5

    # The secrets are nowhere the installation keeps anything.
    for root, _, files in os.walk(installation.data):
        for name in files:
            content = open(os.path.join(root, name), "rb").read()
            for secret in (pin, puk, code, code.replace("-", "")):
                assert not stored(secret, content), f"{secret} found in {name}"
    log = trust.log_path.read_bytes()
    assert pin.encode() not in log and puk.encode() not in log

    with card_in_reader(installation, card):
        activate = activate_in_reader(installation, trust, pin, "246810")
        assert "activated" in activate.stderr
        for certificate in certificates:
            assert ": good" in ocsp_of(trust, certificate)
        assert stats(trust)["activated"] == after_delivery["activated"] + 1

        # OpenSC signs with the citizen's own PIN; the envelope's no longer works.
        data = tmp_path / "data"
        data.write_bytes(b"signed after activation\n")
        code_, output = run("pkcs11-tool", "--module", pkcs11_module(), "--login", "--pin", "246810", "--sign", "--id", "02",
                            "-m", "ECDSA-SHA256", "-i", str(data), "-o", str(tmp_path / "sig"), check=False)
        assert code_ == 0, output
        refused, _ = run("pkcs11-tool", "--module", pkcs11_module(), "--login", "--pin", pin, "--sign", "--id", "02",
                         "-m", "ECDSA-SHA256", "-i", str(data), "-o", str(tmp_path / "sig2"), check=False)
        assert refused != 0

    # Lost: suspended with the envelope's code (a wrong code first, refused).
    wrong = subprocess.run([LICNA_CARD, "suspend", "--card-number", view["cardNumber"], "--server", trust.url], input="AAAAA-AAAAA\n",
                           capture_output=True, text=True, env=installation.env, timeout=60)
    assert wrong.returncode == 1, wrong.stderr
    time.sleep(1)  # a wrong code makes this client wait half a second before its next try
    suspended = subprocess.run([LICNA_CARD, "suspend", "--card-number", view["cardNumber"], "--server", trust.url],
                               input=code.lower() + "\n", capture_output=True, text=True, env=installation.env, timeout=60)
    assert suspended.returncode == 0, suspended.stdout + suspended.stderr
    for certificate in certificates:
        answer = ocsp_of(trust, certificate)
        assert "Reason: certificateHold" in answer, answer
    final = stats(trust)
    assert final["suspended"] == before["suspended"] + 1 and final["activated"] == before["activated"] + 1

    # Found again: the holder lifts the suspension with the card and the PIN.
    resumed = subprocess.run([LICNA_CARD, "resume", "--card", str(card), "--server", trust.url], input="246810\n",
                             capture_output=True, text=True, env=installation.env, timeout=60)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    for certificate in certificates:
        assert ": good" in ocsp_of(trust, certificate)
    assert card_status(trust, card)["activated"] is True


def test_serve_demo_shows_cards_in_every_state(installation, tmp_path):
    """Issue 12, item 9: `licna serve --demo` makes a development hierarchy and demo citizens' cards awaiting activation,
    activated, blocked and suspended; the statistics count them, OpenSSL's OCSP client sees an activated card's
    certificate good and a suspended one's on hold, and the first card activates with its envelope's PIN."""
    from test_trust import free_port
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "serve.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen([installation.binary, "serve", "--demo", "--port", str(port), "--public-url", url, "--data", installation.data],
                                   env=installation.env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/health/live", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        said = log_path.read_text()
        root = re.search(r"--root-sha256 ([0-9a-f]{64})", said).group(1)
        with urllib.request.urlopen(url + "/api/stats/cards", timeout=10) as answer:
            counts = json.loads(answer.read())
        assert counts["issued"] == 6 and counts["activated"] == 3 and counts["suspended"] == 1 and counts["blocked"] == 1, counts
        assert counts["awaitingActivation"] == 3, counts
        folder = os.path.join(installation.data, "demo-cards")
        for name in ("pki/ca/root.cer", "pki/ca/citizen.cer"):
            with urllib.request.urlopen(f"{url}/{name}", timeout=10) as answer:
                (tmp_path / os.path.basename(name)).write_bytes(answer.read())
        openssl("x509", "-inform", "DER", "-in", str(tmp_path / "citizen.cer"), "-out", str(tmp_path / "citizen.pem"))
        openssl("x509", "-inform", "DER", "-in", str(tmp_path / "root.cer"), "-out", str(tmp_path / "root.pem"))

        def status_of(card):
            report = json.loads(installation.run("card", "status", "--card", os.path.join(folder, card), "--json", data=False, check=0).stdout)
            pem = tmp_path / (card + ".pem")
            pem.write_text(report["certificates"]["9A"]["pem"])
            result = openssl("ocsp", "-issuer", str(tmp_path / "citizen.pem"), "-cert", str(pem), "-url", url + "/pki/ocsp",
                             "-CAfile", str(tmp_path / "root.pem"), "-verify_other", str(tmp_path / "citizen.pem"), check=False)
            return result.stdout.decode() + result.stderr.decode()
        assert ": good" in status_of("marko-petrovic")
        assert "certificateHold" in status_of("arben-gjoka")
        assert "certificateHold" in status_of("milica-vukovic")
        pin, _, _ = secrets_of_any(envelope_text(os.path.join(folder, "milica-vukovic.envelope.pdf")))
        activate = subprocess.run([LICNA_CARD, "activate", "--card", os.path.join(folder, "milica-vukovic"), "--server", url, "--root-sha256", root],
                                  input=f"{pin}\n135790\n135790\n", capture_output=True, text=True, env=installation.env, timeout=120)
        assert activate.returncode == 0, activate.stdout + activate.stderr
        assert ": good" in status_of("milica-vukovic")
        # The 76-year-old's activated card renews on line, as the start-up message says; OCSP then says its old
        # authentication certificate is superseded and its new one good.
        elder = os.path.join(folder, "vesna-radulovic")
        assert "renew-certificates --card " + elder in said, said
        assert ": good" in status_of("vesna-radulovic")
        old_pem = (tmp_path / "vesna-radulovic.pem").read_text()
        (tmp_path / "vesna-old.pem").write_text(old_pem)
        pin, _, _ = secrets_of_any(envelope_text(elder + ".envelope.pdf"))
        renew = subprocess.run([LICNA_CARD, "renew-certificates", "--card", elder, "--server", url, "--root-sha256", root, "--json"],
                               input=f"{pin}\n", capture_output=True, text=True, env=installation.env, timeout=120)
        assert renew.returncode == 0, renew.stdout + renew.stderr
        assert ": good" in status_of("vesna-radulovic")
        assert (tmp_path / "vesna-radulovic.pem").read_text() != old_pem
        superseded = openssl("ocsp", "-issuer", str(tmp_path / "citizen.pem"), "-cert", str(tmp_path / "vesna-old.pem"), "-url", url + "/pki/ocsp",
                             "-CAfile", str(tmp_path / "root.pem"), "-verify_other", str(tmp_path / "citizen.pem"), check=False)
        assert "Reason: superseded" in superseded.stdout.decode(), superseded.stdout.decode()
    finally:
        process.terminate()
        process.wait(timeout=30)


def secrets_of_any(text):
    """PIN, PUK and suspension code from an envelope in any language: the table's values in order."""
    pin = re.search(r"PIN \([^)]*\)\s+(\d{6})\b", text).group(1)
    puk = re.search(r"PUK \([^)]*\)\s+(\d{8})\b", text).group(1)
    code = re.search(r"\b([0-9A-Z]{5}-[0-9A-Z]{5})\b", text).group(1)
    return pin, puk, code


def test_officer_commands_work_through_the_servers_api(installation, issuance, tmp_path):
    """Issue 12, item 7: apply, approve, show, list, deliver, suspend, replace and stats with --server (the officer
    API, the officer's personal token from LICNA_OFFICER_TOKEN) act on the same installation as --data; without the token they refuse."""
    trust = issuance
    server = ["--server", trust.url]
    env = {"LICNA_OFFICER_TOKEN": trust.officer_token}
    number = register(installation, given="Stefan", surname="Đurišić", birth="1979-02-03")
    refused = installation.run("cards", "apply", "--person", number, "--accept-contract", *server, data=False)
    assert refused.returncode == 2 and "LICNA_OFFICER_TOKEN" in refused.stderr
    application = json.loads(installation.run("cards", "apply", "--person", number, "--accept-contract", "--json", *server, env=env,
                                              data=False, check=0).stdout)
    # The contract the citizen signed is the one whose hash the application recorded (cnr, the default language).
    contract = tmp_path / "contract.pdf"
    printed = installation.run("cards", "contract", "--language", "cnr", "--out", str(contract), data=False, check=0)
    assert application["contractSHA256"] in printed.stderr
    assert "Ugovor o elektronskoj ličnoj karti" in envelope_text(contract)
    cyrillic = tmp_path / "contract-sr.pdf"
    installation.run("cards", "contract", "--language", "sr", "--out", str(cyrillic), data=False, check=0)
    assert "Уговор о електронској личној карти" in envelope_text(cyrillic)
    twice = installation.run("cards", "apply", "--person", number, "--accept-contract", *server, env=env, data=False)
    assert twice.returncode == 1 and application["id"] in twice.stderr
    installation.run("cards", "approve", application["id"], *server, env=env, data=False, check=0)
    shown = json.loads(installation.run("cards", "show", application["id"], "--json", *server, env=env, data=False, check=0).stdout)
    assert shown["state"] == "approved"
    listed = json.loads(installation.run("cards", "list", "--state", "approved", "--json", *server, env=env, data=False, check=0).stdout)
    assert [view["id"] for view in listed] == [application["id"]]
    card = tmp_path / "server-card"
    # Made by the installation's (development) manufacturer, as a ministry's blank cards come from a known one: the chip
    # attests its keys, and the card can renew on line.
    installation.run("card", "create", "--out", str(card), check=0)
    view = json.loads(installation.run("cards", "personalize", "--application", application["id"], "--card", str(card), "--envelope",
                                       str(tmp_path / "server-envelope.pdf"), "--json", *server, env=env, data=False, check=0).stdout)
    pin, _, _ = secrets_of_any(envelope_text(tmp_path / "server-envelope.pdf"))
    assert view["state"] == "personalized" and re.fullmatch(r"\d{6}", pin)
    for certificate in card_certificates(installation, card, tmp_path):
        assert "Reason: certificateHold" in trust.ocsp(certificate)
    number = view["cardNumber"]
    installation.run("cards", "deliver", "--card-number", number, *server, env=env, data=False, check=0)
    installation.run("cards", "suspend", "--card-number", number, *server, env=env, data=False, check=0)
    new = json.loads(installation.run("cards", "replace", "--card-number", number, "--reason", "stolen", "--json", *server, env=env,
                                      data=False, check=0).stdout)
    assert new["state"] == "submitted" and new["replaces"] == application["id"]
    counts = json.loads(installation.run("cards", "stats", "--json", *server, env=env, data=False, check=0).stdout)
    assert counts["replacedByReason"] == {"stolen": 1}
    local = json.loads(installation.run("cards", "stats", "--json", check=0).stdout)
    assert local == counts
    for certificate in card_certificates(installation, card, tmp_path):
        answer = trust.ocsp(certificate)
        assert "Reason: keyCompromise" in answer, answer
    bad = installation.run("cards", "show", "../../etc", *server, env=env, data=False)
    assert bad.returncode == 2


def test_a_76_year_olds_card_renews_its_keys_through_pcscd(installation, issuance, tmp_path):
    """A 76-year-old's card is valid 50 years with 5-year certificates; `licna-card renew-certificates` over PC/SC makes
    new keys on the card (attested by its chip), and the server issues new certificates and revokes the old ones
    (OpenSSL's OCSP: superseded). OpenSC signs with the new key, and OpenSSL verifies it under the new certificate."""
    require("pkcs11-tool", "openssl", "pdftotext")
    if not vpcd_listening():
        missing("pcscd with vsmartcard-vpcd is not listening on 127.0.0.1:35963: start `pcscd -f`")
    trust = issuance
    today = time.gmtime()
    birth = f"{today.tm_year - 76:04d}-01-15" if (today.tm_mon, today.tm_mday) > (1, 15) else f"{today.tm_year - 77:04d}-01-15"
    card, view, text = issue_card(installation, trust, tmp_path, name="elder", given="Milica", surname="Vukčević", birth=birth)
    pin, _, _ = secrets_of(text)
    assert int(view["cardExpires"][:4]) - today.tm_year == 50, view
    old = card_certificates(installation, card, tmp_path)
    for certificate in old:
        not_after = openssl("x509", "-in", certificate, "-noout", "-enddate").stdout.decode()
        assert int(re.search(r"(\d{4}) GMT", not_after).group(1)) - today.tm_year == 5, not_after

    # Renewal over plain http without a pinned root is refused before anything reaches the card.
    unpinned = {k: v for k, v in installation.env.items() if k != "LICNA_ROOT_SHA256"}
    refused = subprocess.run([LICNA_CARD, "renew-certificates", "--card", str(card), "--server", trust.url], input=pin + "\n",
                             capture_output=True, text=True, env=unpinned, timeout=60)
    assert refused.returncode == 2 and "--root-sha256" in refused.stderr, refused.stderr

    with card_in_reader(installation, card):
        activate_in_reader(installation, trust, pin, "135790")
        # A wrong PIN stops the renewal before the server is asked anything, with the tries left.
        wrong = subprocess.run([LICNA_CARD, "renew-certificates", "--reader", READER, "--server", trust.url,
                                "--root-sha256", trust.root_sha256], input="000000\n", capture_output=True, text=True,
                               env=installation.env, timeout=120)
        assert wrong.returncode != 0 and "4" in wrong.stderr, wrong.stderr
        renew = subprocess.run([LICNA_CARD, "renew-certificates", "--reader", READER, "--server", trust.url,
                                "--root-sha256", trust.root_sha256, "--json"], input="135790\n", capture_output=True, text=True,
                               env=installation.env, timeout=120)
        assert renew.returncode == 0, renew.stdout + renew.stderr
        renewed = json.loads(renew.stdout)
        assert renewed["state"] == "activated" and renewed["authenticationSerial"] != view["authenticationSerial"]
        assert renewed["signatureSerial"] != view["signatureSerial"]
        data = tmp_path / "renewed-data"
        data.write_bytes(b"signed with the renewed key\n")
        code_, output = run("pkcs11-tool", "--module", pkcs11_module(), "--login", "--pin", "135790", "--sign", "--id", "02",
                            "-m", "ECDSA-SHA256", "--signature-format", "openssl", "-i", str(data), "-o", str(tmp_path / "renewed.sig"),
                            check=False)
        assert code_ == 0, output

    for certificate in old:
        answer = ocsp_of(trust, certificate)
        assert ": revoked" in answer and "Reason: superseded" in answer, answer
    (tmp_path / "renewed").mkdir()
    new = card_certificates(installation, card, tmp_path / "renewed")
    for certificate in new:
        assert ": good" in ocsp_of(trust, certificate)
        serial = openssl("x509", "-in", certificate, "-noout", "-serial").stdout.decode().split("=")[1].strip().lower().lstrip("0")
        assert serial in (renewed["authenticationSerial"].lstrip("0"), renewed["signatureSerial"].lstrip("0"))
    public = tmp_path / "renewed-9C.pub"
    public.write_bytes(openssl("x509", "-in", new[1], "-noout", "-pubkey").stdout)
    verified = openssl("dgst", "-sha256", "-verify", str(public), "-signature", str(tmp_path / "renewed.sig"), str(data), check=False)
    assert verified.returncode == 0, verified.stdout + verified.stderr
