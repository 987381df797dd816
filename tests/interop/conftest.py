"""Shared fixtures of the interop suites: the built `licna` command and throwaway installations."""
import os
import secrets
import subprocess

import pytest

LICNA = os.environ.get("LICNA_BIN") or os.path.join(os.path.dirname(__file__), "..", "..", ".build", "debug", "licna")


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
