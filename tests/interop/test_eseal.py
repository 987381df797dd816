"""The institution's e-seal on documents the state issues (`licna documents seal`, `POST /api/documents/seal`):
pyHanko finds the seal intact and trusted, `licna verify` says TOTAL-PASSED, and the seal's certificate is an
end-entity e-seal certificate from the institution CA, not a CA key."""
import json
import subprocess
import urllib.error
import urllib.request

import pytest

from test_pades import minimal_pdf, pyhanko_validate
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
    # Through the officer API, with the admin token.
    request = urllib.request.Request(sealing.url + "/api/documents/seal", data=minimal_pdf(), method="POST",
                                     headers={"Content-Type": "application/pdf", "Authorization": "Bearer trust-test"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            body = response.read()
    except urllib.error.HTTPError as error:
        pytest.fail(f"POST /api/documents/seal: {error.code} {error.read()[:500]!r}\n{sealing.log()}")
    assert response.status == 200 and body.startswith(b"%PDF")
    (tmp_path / "api.pdf").write_bytes(body)
    status, output = pyhanko_validate(sealing, tmp_path / "api.pdf")
    assert status == 0 and "TRUSTED" in output, output
