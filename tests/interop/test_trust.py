"""Trust services against independent implementations: OpenSSL (verify, CRL check, OCSP client, TS verify),
python `cryptography` (every extension parses) and asn1crypto (QC statements), over a running `licna serve`."""
import base64
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import threading
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import Installation

ROOT_PASSPHRASE = "interop root passphrase"


def openssl(*args, stdin=None, check=True):
    if not shutil.which("openssl"):
        pytest.fail("openssl is missing: apt-get install openssl (scripts/test does)")
    process = subprocess.run(["openssl", *args], input=stdin, capture_output=True)
    if check:
        assert process.returncode == 0, f"openssl {' '.join(args)}\n{process.stdout.decode()}\n{process.stderr.decode()}"
    return process


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def verhoeff_number():
    """A valid 9-digit identification number (Verhoeff check digit, stdnum)."""
    from stdnum import verhoeff
    body = "".join(random.choice("123456789") for _ in range(8))
    return body + verhoeff.calc_check_digit(body)


# Admin tokens are at least 32 characters outside --dev (issue 10): what `openssl rand -hex 32` prints. Since issue 13
# the admin token only names the first administrator; officers' APIs take an officer's personal token.
ADMIN_TOKEN = "8d2f61c07be94a35e1f0c6d2a9b8734e5c1f0a9d2b7e6c4381f5a0e9d2c7b6a4"
OFFICER_EMAIL = "officer@interop.licna.me"
OFFICER_ROLES = ("registrar", "card-officer", "ca-operator", "auditor")


def officer_token(installation, email=OFFICER_EMAIL, roles=OFFICER_ROLES):
    """An officer account holding `roles` and a personal token for it, made as an operator would (`licna accounts add`,
    `accounts roles`, `accounts token`) on the installation's data folder."""
    installation.run("accounts", "add", "--email", email, check=None)  # already there on a second server: refused, fine
    installation.run("accounts", "roles", "--email", email, *[a for r in roles for a in ("--role", r)], check=0)
    return json.loads(installation.run("accounts", "token", "--email", email, "--name", "interop tests", check=0).stdout)["token"]


class TrustServer:
    """A data folder with a CA hierarchy, served by `licna serve` on a loopback port."""

    def __init__(self, installation, tmp_path, dedicated_ocsp=False, init_args=(), dev=True):
        """`dev`: a development hierarchy (`ca init --dev`, every CA name says TEST), the only kind that may certify
        cards made with `card create --test-identity`, whose PINs everyone knows (issue 10, item 10)."""
        self.installation = installation
        self.dir = tmp_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ocsp_port = free_port() if dedicated_ocsp else None
        self.ocsp_url = f"http://127.0.0.1:{self.ocsp_port}/" if dedicated_ocsp else self.url + "/pki/ocsp"
        self.env = {"LICNA_ROOT_PASSPHRASE": ROOT_PASSPHRASE, "LICNA_ADMIN_TOKEN": ADMIN_TOKEN}
        extra = (["--ocsp-url", self.ocsp_url] if dedicated_ocsp else []) + list(init_args) + (["--dev"] if dev else [])
        result = installation.run("ca", "init", "--public-url", self.url, *extra, env=self.env, check=0)
        assert "root-sha256 " in result.stdout
        # The fingerprint `ca init` printed pins the root for `verify`/`sign --server` over http (issue 10, item 5).
        self.root_sha256 = re.search(r"^root-sha256 ([0-9a-f]{64})$", result.stdout, re.MULTILINE).group(1)
        installation.env["LICNA_ROOT_SHA256"] = self.root_sha256
        for what in ("root", "chain", "csca"):
            pem = installation.run("ca", "export", "--what", what, check=0).stdout
            (tmp_path / f"{what}.pem").write_text(pem)
        self.officer_token = officer_token(installation)
        self.process = None
        self.run_as = []  # a prefix for `licna serve`, e.g. setpriv to run it unprivileged
        self.serve_args = []  # more options for `licna serve`
        self.start()

    def start(self):
        extra = ["--ocsp-port", str(self.ocsp_port)] if self.ocsp_port else []
        # The server's log goes to a file, never to an undrained pipe (a full pipe would stall the server); the
        # tests print it when a request fails (`log()`).
        self.log_path = self.dir / f"serve-{self.port}.log"
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [*self.run_as, self.installation.binary, "serve", "--port", str(self.port), "--public-url", self.url, "--data", self.installation.data, *extra, *self.serve_args],
                env=dict(self.installation.env, **self.env), stdout=subprocess.DEVNULL, stderr=log)
        for _ in range(150):
            try:
                urllib.request.urlopen(self.url + "/health/live", timeout=1)
                return
            except OSError:
                time.sleep(0.2)
        self.process.kill()
        pytest.fail("licna serve did not start: " + self.log())

    def stop(self, sig=signal.SIGTERM):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)

    def path(self, name):
        return str(self.dir / name)

    def log(self, tail=4000):
        """The end of the server's log, for assertion messages."""
        return self.log_path.read_text(errors="replace")[-tail:]

    def csr(self, name, subject, curve="prime256v1"):
        key, csr = self.path(name + ".key"), self.path(name + ".csr")
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", f"ec_paramgen_curve:{curve}", "-nodes", "-keyout", key,
                "-out", csr, "-subj", subject, "-utf8")
        return csr

    def issue(self, name, profile="authentication", subject=None):
        subject = subject or f"/C=ME/GN=Milica/SN=Đukanović/CN=Milica Đukanović/serialNumber=PNOME-{verhoeff_number()}"
        csr = self.csr(name, subject)
        out = self.path(name + ".pem")
        result = self.installation.run("ca", "issue", "--profile", profile, "--csr", csr, "-o", out, check=0)
        assert "Issued certificate" in result.stderr
        serial = openssl("x509", "-in", out, "-noout", "-serial").stdout.decode().strip().split("=")[1].lower()  # whole bytes, as licna prints it
        return out, serial

    def ocsp(self, cert, *extra, issuer="chain.pem"):
        issuer_pem = self.path(issuer if issuer != "chain.pem" else "citizen.pem")
        digest = [e for e in extra if e in ("-sha1", "-sha256")]
        rest = [e for e in extra if e not in digest]
        result = openssl("ocsp", "-issuer", issuer_pem, *digest, "-cert", cert, "-url", self.ocsp_url,
                         "-CAfile", self.path("root.pem"), "-verify_other", self.path("chain.pem"), *rest, check=False)
        return result.stdout.decode() + result.stderr.decode()


def split_chain(tmp_path):
    chain = (tmp_path / "chain.pem").read_text()
    blocks = ["-----BEGIN CERTIFICATE-----" + b for b in chain.split("-----BEGIN CERTIFICATE-----")[1:]]
    (tmp_path / "citizen.pem").write_text(blocks[0])
    (tmp_path / "institution.pem").write_text(blocks[1])


@pytest.fixture
def trust(installation, tmp_path):
    server = TrustServer(installation, tmp_path)
    split_chain(tmp_path)
    yield server
    server.stop()


def test_chain_and_extensions_parse_in_openssl_and_cryptography(trust):
    cert, _ = trust.issue("auth")
    openssl("verify", "-CAfile", trust.path("root.pem"), "-untrusted", trust.path("chain.pem"), cert)
    text = openssl("x509", "-in", cert, "-noout", "-text").stdout.decode()
    assert "PNOME-" in text and "OCSP - URI:" + trust.url + "/pki/ocsp" in text
    assert "CA Issuers - URI:" + trust.url + "/pki/ca/citizen.cer" in text
    assert trust.url + "/pki/crl/citizen-0.crl" in text
    assert "TLS Web Client Authentication" in text
    from cryptography import x509
    from cryptography.x509.oid import ExtensionOID
    for name in ("auth.pem", "root.pem", "csca.pem", "citizen.pem", "institution.pem"):
        parsed = x509.load_pem_x509_certificate(open(trust.path(name), "rb").read())
        for extension in parsed.extensions:
            assert extension.value is not None
    parsed = x509.load_pem_x509_certificate(open(cert, "rb").read())
    assert parsed.serial_number > 0 and parsed.serial_number.bit_length() <= 128
    assert parsed.extensions.get_extension_for_oid(ExtensionOID.CRL_DISTRIBUTION_POINTS).value[0].full_name[0].value.endswith("citizen-0.crl")
    root = x509.load_pem_x509_certificate(open(trust.path("root.pem"), "rb").read())
    assert root.public_key().curve.name == "secp384r1"
    assert (root.not_valid_after_utc - root.not_valid_before_utc).days >= 7300 - 5
    # The JMBG never enters a certificate.
    jmbg = "0101990210006"
    trust.csr("leak", f"/C=ME/GN=A/SN=B/CN=A B/serialNumber=PNOME-{jmbg}")
    refused = trust.installation.run("ca", "issue", "--profile", "authentication", "--csr", trust.path("leak.csr"))
    assert refused.returncode == 1 and "refused" in refused.stderr


def test_qc_statements_read_by_asn1crypto(trust):
    """asn1crypto's DER parser with the RFC 3739 / ETSI EN 319 412-5 schema written out here, not ours."""
    from asn1crypto import core
    from asn1crypto import x509 as ax

    class QcType(core.SequenceOf):
        _child_spec = core.ObjectIdentifier

    class PdsLocation(core.Sequence):
        _fields = [("url", core.IA5String), ("language", core.PrintableString)]

    class PdsLocations(core.SequenceOf):
        _child_spec = PdsLocation

    class QCStatement(core.Sequence):
        _fields = [("statement_id", core.ObjectIdentifier), ("statement_info", core.Any, {"optional": True})]

    class QCStatements(core.SequenceOf):
        _child_spec = QCStatement

    cert, _ = trust.issue("sign", profile="signature")
    parsed = ax.Certificate.load(openssl("x509", "-in", cert, "-outform", "DER").stdout)
    extension = [e for e in parsed["tbs_certificate"]["extensions"] if e["extn_id"].dotted == "1.3.6.1.5.5.7.1.3"]
    assert extension, "no QCStatements extension"
    assert not extension[0]["critical"].native
    statements = QCStatements.load(extension[0]["extn_value"].native)
    by_id = {s["statement_id"].dotted: s for s in statements}
    assert "0.4.0.1862.1.1" in by_id  # QcCompliance
    assert "0.4.0.1862.1.4" not in by_id  # never QcSSCD for a key not in a certified QSCD
    qc_type = QcType.load(by_id["0.4.0.1862.1.6"]["statement_info"].dump())
    assert [t.dotted for t in qc_type] == ["0.4.0.1862.1.6.1"]  # esign
    pds = PdsLocations.load(by_id["0.4.0.1862.1.5"]["statement_info"].dump())
    assert pds[0]["url"].native == trust.url + "/pki/pds" and pds[0]["language"].native == "en"
    assert urllib.request.urlopen(pds[0]["url"].native).status == 200
    policies = [e for e in parsed["tbs_certificate"]["extensions"] if e["extn_id"].native == "certificate_policies"][0]
    assert [p["policy_identifier"].dotted for p in policies["extn_value"].parsed] == ["0.4.0.194112.1.0", "1.3.6.1.4.1.64512.1.1.1"]
    text = openssl("x509", "-in", cert, "-noout", "-text").stdout.decode()
    assert "Non Repudiation" in text
    # The e-seal: QcType eseal, organizationIdentifier in the subject, issued by the institution CA.
    seal, _ = trust.issue("seal", profile="e-seal", subject="/C=ME/O=Uprava prihoda/CN=Uprava prihoda e-pečat/organizationIdentifier=NTRME-02012345")
    openssl("verify", "-CAfile", trust.path("root.pem"), "-untrusted", trust.path("chain.pem"), seal)
    parsed = ax.Certificate.load(openssl("x509", "-in", seal, "-outform", "DER").stdout)
    extension = [e for e in parsed["tbs_certificate"]["extensions"] if e["extn_id"].dotted == "1.3.6.1.5.5.7.1.3"][0]
    by_id = {s["statement_id"].dotted: s for s in QCStatements.load(extension["extn_value"].native)}
    assert [t.dotted for t in QcType.load(by_id["0.4.0.1862.1.6"]["statement_info"].dump())] == ["0.4.0.1862.1.6.2"]
    assert "Institution CA" in parsed.issuer.human_friendly


def test_revocation_shows_in_crl_check_and_ocsp(trust):
    cert, serial = trust.issue("victim")
    good, _ = trust.issue("bystander")
    assert ": good" in trust.ocsp(cert)
    assert ": good" in trust.ocsp(cert, "-sha256")
    out = trust.ocsp(cert, "-no_nonce")
    assert ": good" in out and "Response verify OK" in out
    trust.installation.run("ca", "revoke", "--serial", serial.upper(), "--reason", "superseded", check=0)
    time.sleep(1.0)
    out = trust.ocsp(cert)
    assert ": revoked" in out and "Reason: superseded" in out and "Response verify OK" in out
    assert ": revoked" in trust.ocsp(cert, "-sha256", "-no_nonce")
    assert ": good" in trust.ocsp(good)
    # CRL: produced by `ca crl`, fetched from the address in the certificate.
    trust.installation.run("ca", "crl", env={"LICNA_ROOT_PASSPHRASE": ""}, check=0)
    crl_der = urllib.request.urlopen(trust.url + "/pki/crl/citizen-0.crl").read()
    crl_pem = openssl("crl", "-inform", "DER", "-outform", "PEM", stdin=crl_der).stdout.decode()
    root_crl = openssl("crl", "-inform", "DER", "-outform", "PEM", stdin=urllib.request.urlopen(trust.url + "/pki/crl/root.crl").read()).stdout.decode()
    (trust.dir / "crls.pem").write_text(crl_pem + root_crl)
    bundle = trust.path("bundle.pem")
    with open(bundle, "w") as f:
        f.write(open(trust.path("root.pem")).read() + open(trust.path("chain.pem")).read())
    result = openssl("verify", "-crl_check", "-CAfile", bundle, "-CRLfile", trust.path("crls.pem"), cert, check=False)
    assert result.returncode != 0 and "certificate revoked" in (result.stdout + result.stderr).decode()
    openssl("verify", "-crl_check_all", "-CAfile", bundle, "-CRLfile", trust.path("crls.pem"), good)
    text = openssl("crl", "-in", trust.path("crls.pem"), "-noout", "-text").stdout.decode()
    assert "X509v3 CRL Number" in text and "Issuing Distribution Point" in text and "Superseded" in text


def test_hold_is_certificate_hold_and_release_is_good_within_a_second(trust):
    cert, serial = trust.issue("held")
    trust.installation.run("ca", "hold", "--serial", serial, check=0)
    deadline = time.time() + 1.0
    out = ""
    while time.time() < deadline + 0.5:
        out = trust.ocsp(cert, "-no_nonce")
        if ": revoked" in out:
            break
    assert ": revoked" in out and "Reason: certificateHold" in out
    trust.installation.run("ca", "crl", check=0)
    crl = openssl("crl", "-inform", "DER", "-noout", "-text", stdin=urllib.request.urlopen(trust.url + "/pki/crl/citizen-0.crl").read()).stdout.decode()
    assert "Certificate Hold" in crl
    released_at = time.time()
    trust.installation.run("ca", "release", "--serial", serial, check=0)
    while True:
        out = trust.ocsp(cert, "-no_nonce")
        if ": good" in out:
            break
        assert time.time() - released_at < 3, out
    trust.installation.run("ca", "crl", check=0)
    crl = openssl("crl", "-inform", "DER", "-noout", "-text", stdin=urllib.request.urlopen(trust.url + "/pki/crl/citizen-0.crl").read()).stdout.decode()
    assert serial.upper().lstrip("0") not in crl.replace(" ", "").upper()
    status = json.loads(trust.installation.run("ca", "status", "--serial", serial, "--json", check=0).stdout)
    assert status["status"] == "good" and status["serial"] == serial


def test_unknown_serials_and_ocsp_get(trust):
    result = openssl("ocsp", "-issuer", trust.path("citizen.pem"), "-serial", "0x1234567", "-url", trust.url + "/pki/ocsp",
                     "-CAfile", trust.path("root.pem"), "-verify_other", trust.path("chain.pem"), check=False)
    assert ": unknown" in (result.stdout + result.stderr).decode()
    cert, _ = trust.issue("get")
    request = trust.path("req.der")
    openssl("ocsp", "-issuer", trust.path("citizen.pem"), "-cert", cert, "-no_nonce", "-reqout", request)
    encoded = urllib.parse.quote(base64.b64encode(open(request, "rb").read()).decode(), safe="")
    response = urllib.request.urlopen(trust.url + "/pki/ocsp/" + encoded)
    assert response.headers["Content-Type"] == "application/ocsp-response"
    max_age = int(response.headers["Cache-Control"].split("max-age=")[1].split(",")[0])
    assert 0 < max_age <= 60
    open(trust.path("resp.der"), "wb").write(response.read())
    out = openssl("ocsp", "-respin", trust.path("resp.der"), "-issuer", trust.path("citizen.pem"), "-cert", cert,
                  "-CAfile", trust.path("root.pem"), "-verify_other", trust.path("chain.pem")).stdout.decode()
    assert ": good" in out


def test_timestamps_verify_with_openssl_ts(trust):
    document = trust.path("document.txt")
    open(document, "w").write("Ugovor o izdavanju lične karte — Договор\n")
    for digest, nonce in (("-sha256", []), ("-sha384", ["-no_nonce"]), ("-sha512", [])):
        query = trust.path("query.tsq")
        openssl("ts", "-query", "-data", document, digest, "-cert", *nonce, "-out", query)
        request = urllib.request.Request(trust.url + "/pki/tsa", data=open(query, "rb").read(),
                                         headers={"Content-Type": "application/timestamp-query"})
        reply = urllib.request.urlopen(request)
        assert reply.headers["Content-Type"] == "application/timestamp-reply"
        open(trust.path("reply.tsr"), "wb").write(reply.read())
        out = openssl("ts", "-verify", "-data", document, "-in", trust.path("reply.tsr"), "-CAfile", trust.path("root.pem"),
                      "-untrusted", trust.path("institution.pem")).stdout.decode()
        assert "Verification: OK" in out
    text = openssl("ts", "-reply", "-in", trust.path("reply.tsr"), "-text").stdout.decode()
    assert "Policy OID: 1.3.6.1.4.1.64512.1.2.1" in text and "Accuracy: 0x01 seconds" in text
    # SHA-1 is refused with badAlg.
    openssl("ts", "-query", "-data", document, "-sha1", "-out", trust.path("sha1.tsq"))
    request = urllib.request.Request(trust.url + "/pki/tsa", data=open(trust.path("sha1.tsq"), "rb").read(),
                                     headers={"Content-Type": "application/timestamp-query"})
    open(trust.path("sha1.tsr"), "wb").write(urllib.request.urlopen(request).read())
    text = openssl("ts", "-reply", "-in", trust.path("sha1.tsr"), "-text").stdout.decode()
    assert "Status: Rejected." in text and "unrecognized or unsupported algorithm" in text


def post(url, body, content_type):
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
    try:
        response = urllib.request.urlopen(request, timeout=10)
        return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_bad_input_gets_protocol_errors(trust):
    random.seed(7)
    bodies = [b"", b"\x30", b"\x30\x82\xff\xff", os.urandom(300), b"\x30\x03\x02\x01\x01"]
    for body in bodies:
        status, reply = post(trust.url + "/pki/ocsp", body, "application/ocsp-request")
        assert status == 200 and reply == bytes([0x30, 0x03, 0x0A, 0x01, 0x01]), (body, reply)
        status, reply = post(trust.url + "/pki/tsa", body, "application/timestamp-query")
        assert status == 200
        text = openssl("ts", "-reply", "-in", "/dev/stdin", "-text", stdin=reply).stdout.decode()
        assert "Status: Rejected." in text
    status, reply = post(trust.url + "/pki/ocsp", b"\x30" * 70_000, "application/ocsp-request")
    assert status == 413 and reply == bytes([0x30, 0x03, 0x0A, 0x01, 0x01])
    status, _ = post(trust.url + "/pki/tsa", b"\x30" * 70_000, "application/timestamp-query")
    assert status == 413
    status, reply = post(trust.url + "/pki/ocsp", b"\x30\x00", "text/plain")
    assert status == 415
    status, reply = post(trust.url + "/pki/tsa", b"\x30\x00", "application/ocsp-request")
    assert status == 415
    urllib.request.urlopen(trust.url + "/health/live")


def test_killing_the_server_during_issuance_loses_nothing(trust):
    subject = "/C=ME/GN=Ana/SN=Marković/CN=Ana Marković/serialNumber=PNOME-{}"
    csrs = []
    for index in range(12):
        csrs.append(open(trust.csr(f"burst{index}", subject.format(verhoeff_number()))).read())
    received = []
    stop = threading.Event()

    def worker(offset):
        index = offset
        while not stop.is_set():
            body = json.dumps({"profile": "authentication", "csr": csrs[index % len(csrs)]}).encode()
            request = urllib.request.Request(trust.url + "/api/pki/certificates", data=body,
                                             headers={"Content-Type": "application/json", "Authorization": "Bearer " + trust.officer_token})
            try:
                reply = json.loads(urllib.request.urlopen(request, timeout=5).read())
                received.append(reply)
            except Exception:
                if stop.is_set():
                    return
                time.sleep(0.05)
            index += 4

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(2.5)
    trust.stop(signal.SIGKILL)
    stop.set()
    for thread in threads:
        thread.join(timeout=10)
    assert len(received) > 5, "the burst issued too few certificates to prove anything"
    serials = [r["serial"] for r in received]
    assert len(serials) == len(set(serials))
    # After the crash: every certificate a client received is in the database, with its serial, exactly once.
    import sqlite3
    trust.start()
    database = sqlite3.connect(os.path.join(trust.installation.data, "licna.sqlite"))
    rows = dict(database.execute("SELECT serial, certificate FROM pki_certificates WHERE profile = 'authentication'").fetchall())
    total = database.execute("SELECT COUNT(*), COUNT(DISTINCT serial) FROM pki_certificates").fetchone()
    assert total[0] == total[1]
    for reply in received:
        der = openssl("x509", "-outform", "DER", stdin=reply["certificate"].encode()).stdout
        assert rows.get(reply["serial"]) == der
    status = json.loads(trust.installation.run("ca", "status", "--serial", serials[-1], "--json", check=0).stdout)
    assert status["status"] == "good"


def test_dedicated_swiftnio_ocsp_listener(installation, tmp_path):
    """`ca init --ocsp-url` puts the listener's address in AIA; `serve --ocsp-port` answers there."""
    server = TrustServer(installation, tmp_path, dedicated_ocsp=True)
    try:
        split_chain(tmp_path)
        cert, serial = server.issue("nio")
        text = openssl("x509", "-in", cert, "-noout", "-text").stdout.decode()
        assert "OCSP - URI:" + server.ocsp_url in text
        assert ": good" in server.ocsp(cert) and "Response verify OK" in server.ocsp(cert, "-sha256", "-no_nonce")
        installation.run("ca", "hold", "--serial", serial, check=0)
        # With a nonce the answer is signed from the status at that moment (read from the SQLite file on the event
        # loop): the hold another process just made shows at once, with no poll awaited.
        assert "Reason: certificateHold" in server.ocsp(cert)
        deadline = time.time() + 2
        while ": good" in server.ocsp(cert, "-no_nonce"):
            assert time.time() < deadline, "the hold did not reach the listener"
        assert "Reason: certificateHold" in server.ocsp(cert, "-no_nonce")
        request = server.path("nio-req.der")
        openssl("ocsp", "-issuer", server.path("citizen.pem"), "-cert", cert, "-no_nonce", "-reqout", request)
        encoded = urllib.parse.quote(base64.b64encode(open(request, "rb").read()).decode(), safe="")
        response = urllib.request.urlopen(server.ocsp_url + encoded)
        assert response.headers["Content-Type"] == "application/ocsp-response"
        open(server.path("nio-resp.der"), "wb").write(response.read())
        out = openssl("ocsp", "-respin", server.path("nio-resp.der"), "-issuer", server.path("citizen.pem"), "-cert", cert,
                      "-CAfile", server.path("root.pem"), "-verify_other", server.path("chain.pem")).stdout.decode()
        assert ": revoked" in out
        for body in (b"", os.urandom(100), b"\x30\x03\x02\x01\x01"):
            status, reply = post(server.ocsp_url, body, "application/ocsp-request")
            assert status == 200 and reply == bytes([0x30, 0x03, 0x0A, 0x01, 0x01])
        status, reply = post(server.ocsp_url, b"\x30" * 70_000, "application/ocsp-request")
        assert status == 413 and reply == bytes([0x30, 0x03, 0x0A, 0x01, 0x01])
        status, _ = post(server.ocsp_url, b"\x30\x00", "text/plain")
        assert status == 415
    finally:
        server.stop()


def test_the_server_needs_no_privilege(licna_bin):
    """Production servers do not run as root; CI does. Here `licna serve` runs as `nobody` (through setpriv when the
    tests run as root) on an installation it owns, and both its HTTP port and the dedicated OCSP listener answer: the
    listener once dropped every connection of an unprivileged server, because it set a socket option (SO_DEBUG, by
    mistake) that only root may set."""
    run_as = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.fail("setpriv is missing: apt-get install util-linux (essential on Debian, so always there)")
        run_as = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    work = Path(tempfile.mkdtemp(prefix="licna-unprivileged-"))
    try:
        work.chmod(0o755)  # pytest's own temporary folders are closed to other users
        installation = Installation(licna_bin, work)
        server = TrustServer(installation, work, dedicated_ocsp=True)
        split_chain(work)
        cert, _ = server.issue("unprivileged")
        server.stop()
        if run_as:
            subprocess.run(["chown", "-R", "nobody:nogroup", str(work)], check=True)
        server.run_as = run_as
        metrics_port = free_port()
        server.serve_args = ["--metrics-port", str(metrics_port)]
        server.start()
        try:
            assert urllib.request.urlopen(server.url + "/health/live", timeout=5).status == 200
            answer = server.ocsp(cert)  # a nonce: freshly signed by the listener, from the SQLite file nobody owns
            assert ": good" in answer and "Response verify OK" in answer, answer + server.log()
            # The status was read from the file on the listener's event loop, not by the fallback through the driver.
            metrics = urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).read().decode()
            assert 'licna_ocsp_status_reads_total{path="file"} 1\n' in metrics, metrics
            assert 'licna_ocsp_status_reads_total{path="driver"} 0\n' in metrics, metrics
        finally:
            server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
