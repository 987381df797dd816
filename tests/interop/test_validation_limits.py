"""`licna verify` and the citizen's `licna-card verify` under hostile files (README "Validation policy",
docs/threat_model.md): a DSS naming one 64 MiB (decoded) stream 2,000 times, one naming 400 distinct such streams,
and one with 20,000 junk OCSP responses. Each ends, quickly and with bounded memory, in INDETERMINATE with a note
naming the limit; the JSON report's counters show what the validator did. The files come from
`licna bench documents --write-hostile` (the same builder the Swift tests use)."""
import json
import os
import subprocess
import time

import pytest

from test_licna_card import LICNA_CARD

def limit_finding(limit, value):
    """The code and arguments of the finding that names a limit (the sentence comes from the translation files)."""
    return {"code": "validation-limit-reached", "arguments": {"limit": limit, "value": value}}


def codes(report):
    """A report's findings without their sentences, to compare with `limit_finding`."""
    return [{"code": finding["code"], "arguments": finding["arguments"]} for finding in report["findings"]]


NOTES = {
    "repeated": ("dssEntries", limit_finding("dssEntries", "1000")),
    "distinct": ("decodedBytes", limit_finding("decodedBytes", "128 MiB")),
    "junk": ("dssEntries", limit_finding("dssEntries", "1000")),
}


@pytest.fixture(scope="module")
def hostile(licna_bin, tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    process = subprocess.run([licna_bin, "bench", "documents", "--write-hostile", str(folder)], capture_output=True, text=True, timeout=600)
    assert process.returncode == 0, process.stdout + process.stderr
    return folder


def verify(binary, folder, name, *extra):
    """Runs `verify --offline --json` on hostile-NAME.pdf; returns the first report, the seconds taken and the exit status."""
    start = time.perf_counter()
    process = subprocess.run([binary, "verify", str(folder / f"hostile-{name}.pdf"), "--trust", str(folder / "root.pem"), "--offline",
                              "--json", *extra], capture_output=True, text=True, timeout=300, env=dict(os.environ, LICNA_LANG="en"))
    elapsed = time.perf_counter() - start
    assert process.stdout, process.stderr
    return json.loads(process.stdout)["signatures"][0], elapsed, process.returncode


@pytest.mark.parametrize("name", ["repeated", "distinct", "junk"])
@pytest.mark.parametrize("tool", ["licna", "licna-card"])
def test_hostile_files_end_in_a_report_naming_the_limit(licna_bin, hostile, name, tool):
    binary = licna_bin if tool == "licna" else LICNA_CARD
    if tool == "licna-card" and not os.path.exists(binary):
        pytest.fail(f"{binary} is not built: run `swift build` first (scripts/test does)")
    report, elapsed, status = verify(binary, hostile, name)
    limit, note = NOTES[name]
    assert status == 1, report
    assert report["indication"] == "INDETERMINATE" and note in codes(report), report
    # People read the sentence in their language (LICNA_LANG=en here).
    sentence = next(finding["message"] for finding in report["findings"] if finding["code"] == "validation-limit-reached")
    assert sentence.startswith("The validation limit on ") and sentence.endswith("was reached; the validation stopped there."), sentence
    counters = report["validationCounters"]
    assert counters["limitReached"] == limit, counters
    assert counters["decodedBytes"] <= 128 * 2**20 and counters["signatureVerifications"] == 0, counters
    if name == "distinct":
        assert counters["decodedBytes"] == 128 * 2**20, counters  # two of the 400 streams, each decoded once
    assert elapsed < 60, elapsed  # a debug build; the release figures are in BENCHMARKS.md


def test_the_limits_are_options(licna_bin, hostile):
    report, _, status = verify(licna_bin, hostile, "distinct", "--validation-max-decoded-mib", "16")
    assert status == 1 and limit_finding("decodedBytes", "16 MiB") in codes(report), report
    assert report["validationCounters"]["decodedBytes"] <= 16 * 2**20
    # Allowed more entries, the repeated stream is decoded once (not 2,000 times) and dropped as junk; the signature
    # is then judged on its own (no revocation data offline: TRY_LATER).
    report, _, status = verify(licna_bin, hostile, "repeated", "--validation-max-dss-entries", "5000")
    assert report["validationCounters"]["decodedBytes"] == 64 * 2**20 and report["validationCounters"].get("limitReached") is None, report
    assert report["subIndication"] == "TRY_LATER", report
    # Junk answers that name the signer each cost one check, up to the limit.
    report, _, status = verify(licna_bin, hostile, "junk", "--validation-max-dss-entries", "25000", "--validation-max-verifications", "300")
    assert limit_finding("signatureVerifications", "300") in codes(report), report
    assert report["validationCounters"]["signatureVerifications"] == 301, report


def test_peak_memory_stays_bounded(licna_bin, hostile):
    """The whole process, measured by /usr/bin/time: the 400 distinct streams never sit in memory together."""
    if not os.path.exists("/usr/bin/time"):
        pytest.fail("/usr/bin/time is missing (Debian: apt-get install time)")
    process = subprocess.run(["/usr/bin/time", "-f", "%M", licna_bin, "verify", str(hostile / "hostile-distinct.pdf"), "--trust",
                              str(hostile / "root.pem"), "--offline", "--json"], capture_output=True, text=True, timeout=300)
    assert process.returncode == 1, process.stderr
    peak_mib = int(process.stderr.strip().splitlines()[-1]) / 1024
    assert peak_mib < 250, peak_mib  # a debug build; BENCHMARKS.md has the release figures
