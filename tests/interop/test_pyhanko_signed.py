"""`licna verify` on a PDF that pyHanko signed under a CA made here with OpenSSL, whose CRL a loopback HTTP server
serves: TOTAL-PASSED with that CA as trust anchor, NO_CERTIFICATE_CHAIN_FOUND without it, HASH_FAILURE after one
changed byte of the signed range. And a PDF Licna signed whose page content pyHanko's incremental writer then
changed: refused by both."""
import datetime
import functools
import http.server
import json
import shutil
import subprocess
import threading

import pytest

from test_pades import minimal_pdf, pyhanko_validate
from test_signing import make_card
from test_trust import free_port, openssl, trust  # noqa: F401  (trust: a CA hierarchy served on loopback)


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


def test_content_changed_after_a_licna_signature_is_refused_by_licna_and_pyhanko(trust, tmp_path):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    card = make_card(trust, tmp_path)
    source, signed, changed = tmp_path / "ugovor.pdf", tmp_path / "signed.pdf", tmp_path / "changed.pdf"
    source.write_bytes(minimal_pdf())
    trust.installation.run("card", "sign", str(source), "--card", card, "--level", "b-t", "--server", trust.url, "-o", str(signed),
                           stdin="123456\n", data=False, check=0)
    # An incremental update by another tool: the first page draws other text from a new content stream.
    with open(signed, "rb") as handle:
        writer = IncrementalPdfFileWriter(handle)
        page = writer.root["/Pages"]["/Kids"][0]
        content = generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 720 Td (Ugovor je ponisten) Tj ET")
        page["/Contents"] = writer.add_object(content)
        writer.update_container(page)
        with open(changed, "wb") as out:
            writer.write(out)
    assert changed.read_bytes().startswith(signed.read_bytes())

    result = trust.installation.run("verify", str(changed), "--server", trust.url, "--json", data=False, check=1)
    report = json.loads(result.stdout)["signatures"][0]
    assert report["indication"] == "TOTAL-FAILED" and report["subIndication"] == "FORMAT_FAILURE", report
    assert any(finding["code"] == "changed-after-signing" and "the page 1 content was changed" in finding["arguments"]["change"]
               for finding in report["findings"]), report
    assert report["coverage"].endswith("not an allowed change"), report
    text = trust.installation.run("verify", str(changed), "--server", trust.url, data=False, check=1).stdout
    assert "TOTAL-PASSED" not in text and "head -c" in text, text

    # pyHanko agrees: the signature is intact but the modification is not permitted.
    status, output = pyhanko_validate(trust, signed)
    assert status == 0 and "UNTOUCHED" in output, output
    status, output = pyhanko_validate(trust, changed)
    assert status != 0, output
    assert "ILLEGAL_MODIFICATIONS" in output and "UNTOUCHED" not in output, output


def test_a_pyhanko_signature_after_a_licna_signature_keeps_both_valid(trust, tmp_path, crl_server):
    """pyHanko's update (a signature field, its widget and appearance, the form, /Info) is an allowed change."""
    ca = make_ca(tmp_path, crl_server, "third")
    card = make_card(trust, tmp_path)
    source, signed, twice = tmp_path / "ugovor.pdf", tmp_path / "signed.pdf", tmp_path / "twice.pdf"
    source.write_bytes(minimal_pdf())
    trust.installation.run("card", "sign", str(source), "--card", card, "--level", "b-t", "--server", trust.url, "-o", str(signed),
                           stdin="123456\n", data=False, check=0)
    process = subprocess.run(["pyhanko", "sign", "addsig", "--field", "Sig2", "--use-pades", "pemder", "--no-pass",
                              "--key", str(ca / "signer.key"), "--cert", str(ca / "signer.pem"), str(signed), str(twice)],
                             capture_output=True, text=True, timeout=120)
    assert process.returncode == 0, process.stdout + process.stderr
    result = trust.installation.run("verify", str(twice), "--server", trust.url, "--trust", str(ca / "ca.pem"), "--json",
                                    data=False, check=0)
    reports = json.loads(result.stdout)["signatures"]
    assert [r["indication"] for r in reports] == ["TOTAL-PASSED", "TOTAL-PASSED"], reports
    assert "a signature" in reports[0]["coverage"] and reports[0]["coverage"].endswith("(allowed)"), reports[0]


def test_a_pyhanko_b_lt_file_with_licna_validation_data_stays_valid_offline_after_its_ocsp_answers_expire(trust, tmp_path):
    """pyHanko signs at B-LT with Licna's TSA and embeds Licna's OCSP answers; an hour later (`--at`), past those
    answers' nextUpdate, the file alone still validates: answers issued at or after the time the timestamp proves
    count for the signer and the TSA, and the CAs' answers too (README "Validation policy")."""
    from asn1crypto import ocsp
    from pyhanko.pdf_utils.reader import PdfFileReader

    cert, _ = trust.issue("pyhanko-signer", profile="signature")
    source, signed = tmp_path / "ugovor.pdf", tmp_path / "signed-b-lt.pdf"
    source.write_bytes(minimal_pdf())
    process = subprocess.run(["pyhanko", "sign", "addsig", "--field", "Sig1", "--use-pades", "--timestamp-url", trust.url + "/pki/tsa",
                              "--with-validation-info", "--trust", trust.path("root.pem"), "--trust-replace",
                              "--other-certs", trust.path("chain.pem"), "pemder", "--no-pass", "--key", trust.path("pyhanko-signer.key"),
                              "--cert", cert, str(source), str(signed)], capture_output=True, text=True, timeout=120)
    assert process.returncode == 0, process.stdout + process.stderr + trust.log()

    later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
    with open(signed, "rb") as handle:
        dss = PdfFileReader(handle).root["/DSS"]
        answers = [ocsp.OCSPResponse.load(stream.get_object().data) for stream in dss["/OCSPs"]]
    assert answers, "pyHanko embedded no OCSP answer"
    for answer in answers:
        for single in answer.basic_ocsp_response["tbs_response_data"]["responses"]:
            assert single["next_update"].native < later, single["next_update"].native

    def verify(*extra, check):
        arguments = ["verify", str(signed), "--trust", trust.path("root.pem"), "--offline", "--json", *extra]
        return json.loads(trust.installation.run(*arguments, data=False, check=check).stdout)["signatures"][0]

    now = verify(check=0)
    assert now["indication"] == "TOTAL-PASSED" and now["format"] == "PAdES-B-LT", now
    report = verify("--at", later.strftime("%Y-%m-%dT%H:%M:%SZ"), check=0)
    assert report["indication"] == "TOTAL-PASSED" and report["format"] == "PAdES-B-LT" and report["provenSigningTime"], report


def test_an_expired_crl_offline_is_try_later(installation, tmp_path, crl_server):
    """A B-B file whose DSS carries the signer's CRL (pyHanko, `--with-validation-info`): current now it counts; past
    its nextUpdate (`--at`, 8 days on; the CRL lives 7), `--offline` cannot replace it: INDETERMINATE/TRY_LATER."""
    ca = make_ca(tmp_path, crl_server, "third")
    source, signed = tmp_path / "in.pdf", tmp_path / "signed.pdf"
    source.write_bytes(minimal_pdf())
    process = subprocess.run(["pyhanko", "sign", "addsig", "--field", "Sig1", "--use-pades", "--with-validation-info",
                              "--trust", str(ca / "ca.pem"), "--trust-replace", "pemder", "--no-pass",
                              "--key", str(ca / "signer.key"), "--cert", str(ca / "signer.pem"), str(source), str(signed)],
                             capture_output=True, text=True, timeout=120)
    assert process.returncode == 0, process.stdout + process.stderr

    def verify(*extra, check):
        arguments = ["verify", str(signed), "--trust", str(ca / "ca.pem"), "--offline", "--json", *extra]
        return json.loads(installation.run(*arguments, data=False, check=check).stdout)["signatures"][0]

    current = verify(check=0)
    assert current["indication"] == "TOTAL-PASSED" and current["certificateStatus"] == "good", current
    later = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=8)).strftime("%Y-%m-%dT%H:%M:%SZ")
    expired = verify("--at", later, check=1)
    assert expired["indication"] == "INDETERMINATE" and expired["subIndication"] == "TRY_LATER", expired
    assert any(finding["code"] == "no-revocation-data" and finding["arguments"].get("gap") == "expired"
               and finding["arguments"].get("offline") == "true" for finding in expired["findings"]), expired
