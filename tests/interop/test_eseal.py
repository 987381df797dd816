"""The institution's e-seal on documents the state issues (`licna documents seal`, `POST /api/documents/seal`):
pyHanko finds the seal intact and trusted, `licna verify` says TOTAL-PASSED, and the seal's certificate is an
end-entity e-seal certificate from the institution CA, not a CA key."""
import json
import subprocess
import urllib.error
import urllib.request

import pytest

from test_pades import minimal_pdf, pyhanko_validate, tool
from test_trust import TrustServer, openssl, split_chain


@pytest.fixture
def sealing(installation, tmp_path):
    server = TrustServer(installation, tmp_path, init_args=["--organization-identifier", "NTRME-02012345"])
    split_chain(tmp_path)
    yield server
    server.stop()


def test_sealed_documents_validate(sealing, tmp_path):
    source, sealed = tmp_path / "izvod.pdf", tmp_path / "izvod-sealed.pdf"
    source.write_bytes(minimal_pdf())
    result = sealing.installation.run("documents", "seal", str(source), "-o", str(sealed), check=0)
    assert "e-seal" in result.stderr
    status, output = pyhanko_validate(sealing, sealed)
    assert status == 0 and "INTACT" in output and "TRUSTED" in output, output
    report = json.loads(sealing.installation.run("verify", str(sealed), "--server", sealing.url, "--json", data=False, check=0).stdout)
    signature = report["signatures"][0]
    assert signature["indication"] == "TOTAL-PASSED" and signature["format"] == "PAdES-B-T", signature
    # The sealing certificate: an end entity (not a CA) with the organization identifier, issued by the institution CA.
    pem = subprocess.run(["pyhanko", "sign", "validate", "--pretty-print", "--trust", sealing.path("root.pem"), "--trust-replace",
                          "--other-certs", sealing.path("chain.pem"), str(sealed)], capture_output=True, text=True).stdout
    assert "NTRME-02012345" in pem or "e-seal" in pem, pem
    # Through the officer API, with an officer's personal token.
    request = urllib.request.Request(sealing.url + "/api/documents/seal", data=minimal_pdf(), method="POST",
                                     headers={"Content-Type": "application/pdf", "Authorization": "Bearer " + sealing.officer_token})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            body = response.read()
    except urllib.error.HTTPError as error:
        pytest.fail(f"POST /api/documents/seal: {error.code} {error.read()[:500]!r}\n{sealing.log()}")
    assert response.status == 200 and body.startswith(b"%PDF")
    (tmp_path / "api.pdf").write_bytes(body)
    status, output = pyhanko_validate(sealing, tmp_path / "api.pdf")
    assert status == 0 and "TRUSTED" in output, output


def post_seal(sealing, query, language="sr"):
    request = urllib.request.Request(sealing.url + "/api/documents/seal" + query, data=minimal_pdf(), method="POST",
                                     headers={"Content-Type": "application/pdf", "Authorization": "Bearer " + sealing.officer_token,
                                              "Accept-Language": language})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_a_visible_seal_through_the_api(sealing, tmp_path):
    status, body = post_seal(sealing, "?visible=true")
    assert status == 200 and body.startswith(b"%PDF"), f"{status} {body[:500]!r}\n{sealing.log()}"
    sealed = tmp_path / "visible.pdf"
    sealed.write_bytes(body)
    status, output = pyhanko_validate(sealing, sealed)
    assert status == 0 and "INTACT" in output and "TRUSTED" in output, output
    check = subprocess.run([tool("qpdf"), "--check", str(sealed)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    # The stamp in the request's language (Serbian Cyrillic), with the seal's name.
    text = " ".join(subprocess.run([tool("pdftotext"), "-enc", "UTF-8", str(sealed), "-"], capture_output=True, text=True).stdout.split())
    assert "Електронски печат" in text and "e-seal" in text and "одштампани примерак нема печат" in text, text
    # A page the document does not have, and parameters that are not understood: 400 with a code and a message.
    status, body = post_seal(sealing, "?visible=true&page=2", language="en")
    answer = json.loads(body)
    assert status == 400 and answer["error"] == "ca-invalid-appearance" and "no page 2" in answer["message"], answer
    status, body = post_seal(sealing, "?visible=yes", language="en")
    assert status == 400 and json.loads(body)["error"] == "bad-request", body
