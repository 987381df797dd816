"""The libFuzzer targets added for issue 11 (Sources/Licna*Fuzz), each for a bounded time from its committed seed
corpus (fuzz/corpus/<folder>, made by fuzz/make-corpus): the OCSP and TSA request parsers, the registry CSV import,
the backup file's framing and the whole signature validator under its limits. A crash, a hang, a leak of the
sanitizers or a broken property (each target's documentation lists them; the validator's include its resource
limits) is a finding and fails. scripts/fuzz runs the same targets longer."""
import os

import pytest

from conftest import run_libfuzzer

SECONDS = int(os.environ.get("LICNA_NEW_FUZZ_SECONDS", "25"))
CORPUS = os.path.join(os.path.dirname(__file__), "..", "..", "fuzz", "corpus")

# product: (the variable naming a built binary, the corpus folder)
TARGETS = {
    "LicnaOCSPFuzz": ("LICNA_OCSP_FUZZ_BIN", "ocsp-request"),
    "LicnaTSAFuzz": ("LICNA_TSA_FUZZ_BIN", "tsa-request"),
    "LicnaCSVFuzz": ("LICNA_CSV_FUZZ_BIN", "registry-csv"),
    "LicnaBackupFuzz": ("LICNA_BACKUP_FUZZ_BIN", "backup"),
    "LicnaValidatorFuzz": ("LICNA_VALIDATOR_FUZZ_BIN", "signature-validator"),
}


def seeds(folder):
    path = os.path.join(CORPUS, folder)
    result = {}
    for name in sorted(os.listdir(path)):
        with open(os.path.join(path, name), "rb") as f:
            result[name] = f.read()
    return result


@pytest.mark.parametrize("product", sorted(TARGETS))
def test_fuzzer_runs_for_a_bounded_time_without_a_finding(product, tmp_path):
    variable, folder = TARGETS[product]
    corpus = seeds(folder)
    assert len(corpus) >= 3, f"fuzz/corpus/{folder} holds {len(corpus)} seeds: run fuzz/make-corpus"
    output = run_libfuzzer(product, variable, corpus, tmp_path, SECONDS)
    # Every seed was read (libFuzzer: "INFO: seed corpus: files: N").
    assert f"seed corpus: files: {len(corpus)} " in output, output[-3000:]
