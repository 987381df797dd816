"""`licna verify` on a PDF that pyHanko signed under a CA made here with OpenSSL, whose CRL a loopback HTTP server
serves: TOTAL-PASSED with that CA as trust anchor, NO_CERTIFICATE_CHAIN_FOUND without it, HASH_FAILURE after one
changed byte of the signed range."""
import functools
import http.server
import json
import shutil
import subprocess
import threading

import pytest

from test_pades import minimal_pdf
from test_trust import free_port, openssl


@pytest.fixture
def crl_server(tmp_path):
    port = free_port()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield port
    server.shutdown()


def make_ca(tmp_path, port, name):
    """A root CA (OpenSSL `ca` with its database) and a signer whose certificate names the CRL on loopback."""
    base = tmp_path / name
    base.mkdir()
    (base / "index.txt").write_text("")
    (base / "crlnumber").write_text("01\n")
    config = base / "ca.cnf"
    config.write_text(f"""
[ca]
default_ca = local
[local]
database = {base}/index.txt
crlnumber = {base}/crlnumber
default_md = sha256
default_crl_days = 7
[signer]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
crlDistributionPoints = URI:http://127.0.0.1:{port}/{name}.crl
[root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
""")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", str(base / "ca.key"), "-out", str(base / "ca.pem"), "-days", "30",
            "-subj", f"/C=ME/O=Test/CN={name} CA", "-config", str(config), "-extensions", "root")
    openssl("req", "-new", *ec, "-keyout", str(base / "signer.key"), "-out", str(base / "signer.csr"),
            "-subj", f"/C=ME/CN={name} Signer")
    openssl("x509", "-req", "-in", str(base / "signer.csr"), "-CA", str(base / "ca.pem"), "-CAkey", str(base / "ca.key"),
            "-CAcreateserial", "-out", str(base / "signer.pem"), "-days", "20", "-extfile", str(config), "-extensions", "signer")
    openssl("ca", "-gencrl", "-config", str(config), "-keyfile", str(base / "ca.key"), "-cert", str(base / "ca.pem"),
            "-out", str(base / "crl.pem"))
    openssl("crl", "-in", str(base / "crl.pem"), "-outform", "DER", "-out", str(tmp_path / f"{name}.crl"))
    return base


def test_licna_validates_what_pyhanko_signed(installation, tmp_path, crl_server):
    if not shutil.which("pyhanko"):
        pytest.fail("pyhanko is missing (scripts/test installs pyhanko and pyhanko-cli)")
    ca = make_ca(tmp_path, crl_server, "third")
    stranger = make_ca(tmp_path, crl_server, "stranger")
    source, signed = tmp_path / "in.pdf", tmp_path / "signed.pdf"
    source.write_bytes(minimal_pdf())
    process = subprocess.run(["pyhanko", "sign", "addsig", "--field", "Sig1", "--use-pades", "pemder", "--no-pass",
                              "--key", str(ca / "signer.key"), "--cert", str(ca / "signer.pem"), str(source), str(signed)],
                             capture_output=True, text=True, timeout=120)
    assert process.returncode == 0, process.stdout + process.stderr

    def verify(*trust, check):
        arguments = ["verify", str(signed), "--json"]
        for anchor in trust:
            arguments += ["--trust", str(anchor)]
        return json.loads(installation.run(*arguments, data=False, check=check).stdout)["signatures"][0]

    passed = verify(ca / "ca.pem", check=0)
    assert passed["indication"] == "TOTAL-PASSED", passed
    assert passed["certificateStatus"] == "good" and passed["format"].startswith("PAdES")
    untrusted = verify(stranger / "ca.pem", check=1)
    assert untrusted["indication"] == "INDETERMINATE" and untrusted["subIndication"] == "NO_CERTIFICATE_CHAIN_FOUND"
    data = bytearray(signed.read_bytes())
    data[data.index(b"(Ugovor)") + 1] ^= 0x20
    signed.write_bytes(bytes(data))
    broken = verify(ca / "ca.pem", check=1)
    assert broken["indication"] == "TOTAL-FAILED" and broken["subIndication"] == "HASH_FAILURE"
