"""Shared fixtures of the interop suites: the built `licna` command and throwaway installations."""
import os
import re
import secrets
import subprocess

import pytest

# scripts/test exports CI=true: it installs every tool, so a test that skips there has not run, and fails instead.
CI = os.environ.get("CI", "").lower() == "true"
LICNA = os.environ.get("LICNA_BIN") or os.path.join(os.path.dirname(__file__), "..", "..", ".build", "debug", "licna")


def _fail_skips_in_ci(report):
    if CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped with CI=true, where nothing may skip (scripts/test installs every tool): {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """With CI=true a skip (pytest.skip, a skip mark, a missing tool) is reported as a failure."""
    outcome = yield
    _fail_skips_in_ci(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    """The same for a whole module skipped while it is collected."""
    outcome = yield
    _fail_skips_in_ci(outcome.get_result())


@pytest.fixture(scope="session")
def licna_bin():
    if not os.path.exists(LICNA):
        pytest.fail(f"{LICNA} is not built: run `swift build` first (scripts/test does)")
    return LICNA


class Installation:
    """A data folder with its own master key; runs `licna` commands against it."""

    def __init__(self, binary, root):
        self.binary = binary
        self.data = str(root / "licna-data")
        self.home = str(root / "home")
        os.makedirs(self.home, exist_ok=True)
        self.env = dict(os.environ, LICNA_MASTER_KEY=secrets.token_hex(32), HOME=self.home, XDG_CONFIG_HOME=self.home,
                        LICNA_LANG="en")

    def run(self, *args, stdin=None, env=None, check=None, data=True):
        arguments = [self.binary, *args]
        if data and "--data" not in args:
            arguments += ["--data", self.data]
        process = subprocess.run(arguments, input=stdin, capture_output=True, text=True,
                                 env=dict(self.env, **(env or {})), timeout=600)
        if check is not None:
            assert process.returncode == check, f"{args}: exit {process.returncode}\n{process.stdout}\n{process.stderr}"
        return process


@pytest.fixture
def installation(licna_bin, tmp_path):
    return Installation(licna_bin, tmp_path)


# How the fuzz targets are built: libFuzzer's coverage-guided engine with AddressSanitizer, in their own build folder
# (the sanitizers change every module's flags). Not `--sanitize fuzzer --sanitize address`: SwiftPM then passes two
# -sanitize= flags and swiftc keeps only the last, so the Swift code lost either its coverage or ASan; one combined
# -sanitize=fuzzer,address after SwiftPM's own keeps both. scripts/test and scripts/fuzz build the same way, with
# SWIFT_DETERMINISTIC_HASHING=1 so that SwiftPM's commands are the same from run to run (no rebuild per product).
FUZZ_BUILD = ["swift", "build", "--sanitize", "fuzzer", "-Xswiftc", "-sanitize=fuzzer,address", "-Xcc", "-fsanitize=address",
              "--scratch-path", ".build-fuzz"]
# Leak detection is off: what the Swift runtime keeps alive until exit (metadata caches, task allocations) has not
# been sorted from real leaks yet. Memory errors (overflows, use after free) still abort and are findings.
FUZZ_ENVIRONMENT = {"ASAN_OPTIONS": "detect_leaks=0"}


def run_libfuzzer(product, environment_variable, seeds, tmp_path, seconds):
    """Runs a libFuzzer target built with `swift build --sanitize fuzzer -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=address --product PRODUCT
    --scratch-path .build-fuzz` from `seeds` (name -> bytes) for a bounded time, and asserts libFuzzer's closing
    `Done N runs` line and no finding: a binary that exits at once proves nothing."""
    root = os.path.join(os.path.dirname(__file__), "..", "..")
    binary = os.environ.get(environment_variable) or os.path.join(root, ".build-fuzz", "debug", product)
    if not os.path.exists(binary):
        if os.environ.get(environment_variable):
            pytest.fail(f"{binary} is not built: {' '.join(FUZZ_BUILD)} --product {product}")
        build = subprocess.run([*FUZZ_BUILD, "--product", product], cwd=root, capture_output=True, text=True, timeout=3600,
                               env=dict(os.environ, SWIFT_DETERMINISTIC_HASHING="1"))
        assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, data in seeds.items():
        (corpus / name).write_bytes(data)
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    process = subprocess.run([binary, f"-max_total_time={seconds}", "-rss_limit_mb=2048", "-timeout=20", "-print_final_stats=1",
                              f"-artifact_prefix={artifacts}/", str(corpus)],
                             cwd=tmp_path, capture_output=True, text=True, timeout=seconds + 300,
                             env=dict(os.environ, **FUZZ_ENVIRONMENT))
    output = process.stdout + process.stderr
    findings = sorted(p.name for p in artifacts.iterdir())
    assert process.returncode == 0, f"fuzzer exit {process.returncode}, findings {findings}:\n{output[-6000:]}"
    assert re.search(r"^Done \d+ runs", output, re.MULTILINE), output[-3000:]
    assert not findings, findings
    return output
