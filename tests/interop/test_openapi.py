"""The OpenAPI document against the running server: schemathesis (an independent OpenAPI test generator) reads
`GET /api/openapi.json` and sends generated and mutated requests to every operation with the officer token. No
answer may be a server error, every answer must match the document (status code, media type, headers, schema), the
officer APIs must refuse a request without the token, and a request the schema forbids must be refused."""
import json
import os
import subprocess
import sys
import urllib.request

import pytest

from test_trust import TrustServer

CI = os.environ.get("CI", "").lower() == "true"
HOOKS = os.path.join(os.path.dirname(__file__), "openapi_hooks.py")
# Bounded: a few examples per operation and a time budget for the whole run, well under two minutes.
MAX_EXAMPLES = 8
MAX_SECONDS = 90
# Every check but two: positive_data_acceptance expects every body the schema admits to be accepted, while the
# server also checks what JSON Schema cannot say (JMBG and identification-number check digits, a CSR's signature, a
# PDF's structure); unsupported_method expects 405 for a method the document does not name, while the router
# answers 404 for any method without a route.
EXCLUDED_CHECKS = "positive_data_acceptance,unsupported_method"


def schemathesis_command():
    """The schemathesis command line of this Python (the one pytest runs in, where scripts/test installs it)."""
    try:
        import schemathesis  # noqa: F401
    except ImportError:
        message = "schemathesis is missing: python3 -m pip install schemathesis (scripts/test does)"
        if CI:
            pytest.fail(message)
        pytest.skip(message)
    return [sys.executable, "-m", "schemathesis.cli"]


@pytest.fixture
def server(installation, tmp_path):
    server = TrustServer(installation, tmp_path)
    yield server
    server.stop()


def test_the_document_is_served_and_is_openapi_3_1(server):
    with urllib.request.urlopen(server.url + "/api/openapi.json", timeout=10) as response:
        assert response.headers["Content-Type"].startswith("application/json")
        assert response.headers["Cache-Control"].startswith("public")
        document = json.load(response)
    assert document["openapi"] == "3.1.0"
    assert "/api/registry/search" in document["paths"] and "/api/signatures/validate" in document["paths"]


def configuration(serial):
    """Realistic path values, so that the certificate, CRL and CA operations reach past 404: a certificate issued
    for the run (revoked, held and released by the run in whatever order it chooses), a CRL and a CA certificate
    that exist."""
    return "\n".join([
        "[[operations]]",
        'include-path-regex = "^/api/pki/certificates/"',
        f'parameters = {{ "path.serial" = "{serial}" }}',
        "[[operations]]",
        'include-path = "/pki/crl/{file}"',
        'parameters = { "path.file" = "citizen-0.crl" }',
        "[[operations]]",
        'include-path = "/pki/ca/{file}"',
        'parameters = { "path.file" = "root.cer" }',
        "",
    ])


def test_schemathesis_finds_no_server_error_and_no_answer_outside_the_document(server, tmp_path):
    command = schemathesis_command()
    _, serial = server.issue("openapi")
    config = tmp_path / "schemathesis.toml"
    config.write_text(configuration(serial))
    report = tmp_path / "junit.xml"
    arguments = [*command, "--config-file", str(config), "run", server.url + "/api/openapi.json", "--url", server.url,
                 "--header", f"Authorization: Bearer {server.officer_token}",
                 "--checks", "all", "--exclude-checks", EXCLUDED_CHECKS, "--max-examples", str(MAX_EXAMPLES), "--max-time", str(MAX_SECONDS),
                 "--seed", "11", "--workers", "1", "--request-timeout", "30", "--no-shrink",
                 "--report", "junit", "--report-junit-path", str(report)]
    process = subprocess.run(arguments, capture_output=True, text=True, timeout=MAX_SECONDS + 120,
                             env=dict(os.environ, SCHEMATHESIS_HOOKS=HOOKS, NO_COLOR="1"), cwd=tmp_path)
    output = process.stdout + process.stderr
    assert process.returncode == 0, f"schemathesis exit {process.returncode}:\n{output[-12000:]}\n--- server log:\n{server.log()}"
    # A run that tested nothing proves nothing: every operation of the document was exercised.
    assert report.exists(), output[-3000:]
    cases = report.read_text().count("<testcase ")
    assert cases >= 18, f"{cases} operations tested:\n{output[-3000:]}"
