"""Issue 10, item 11: no input traps. Every command option and argument that parses a number, a serial, a date or
hex gets non-ASCII digits (fullwidth, Arabic-Indic, mathematical, superscripts), empty and huge values and a seeded
mix of them. The command must answer with a documented exit status (CONVENTIONS.md: 1 no, 2 usage, 3 failed) and a
message on standard error — never a signal (a trapped force unwrap ends in SIGILL/SIGTRAP, exit 132/133)."""
import random
import signal

import pytest

from test_trust import ROOT_PASSPHRASE

# Values that look like digits to Unicode but not to an ASCII parser, and edge cases of size and sign.
FIXED = [
    "０１", "ＡＢ", "１２３４５６７８９", "٠١٢٣", "۱۲۳", "१२३", "𝟙𝟚𝟛", "¹²³", "Ⅻ", "1\u200b2", "\u00a01", "",
    " ", "-", "-1", "-0", "+", "0x", "0x０１", ":", "::", "1e400", "nan", "inf", "-inf", "9" * 64, "f" * 41,
    "9" * 100_000, "2026-0２-01", "２０２６-01-01", "2026-13-45", "0000-00-00", "9999999999-01-01", "2026-02-30T",
]


def hostile_values(seed, count=12):
    """The fixed list and `count` random mixes of its pieces, ASCII digits and other scripts' digits."""
    generator = random.Random(seed)
    alphabet = "0123456789abcdefABCDEF:-+x" + "０１２３４５６７８９ＡＦ" + "٠١٢٣٤٥٦٧٨٩" + "߀߁" + "𝟎𝟏𝟐" + "¹²³" + "\u200b\u00a0 "
    mixes = ["".join(generator.choice(alphabet) for _ in range(generator.randint(1, 48))) for _ in range(count)]
    return FIXED + mixes


def assert_no_trap(process, what):
    code = process.returncode
    assert code >= 0, f"{what}: killed by signal {signal.Signals(-code).name}\n{process.stderr[-2000:]}"
    assert code not in (132, 133, 134, 139), f"{what}: trapped (exit {code})\n{process.stderr[-2000:]}"
    assert code in (0, 1, 2, 3), f"{what}: undocumented exit {code}\n{process.stderr[-2000:]}"
    if code != 0:
        # A "no" (exit 1) may be the stable result line on standard output; anything else must say what is wrong.
        assert process.stderr.strip() or (code == 1 and process.stdout.strip()), f"{what}: exit {code} without a message"


@pytest.fixture(scope="module")
def ca_installation(tmp_path_factory, licna_bin):
    from conftest import Installation
    installation = Installation(licna_bin, tmp_path_factory.mktemp("hostile"))
    installation.run("ca", "init", "--dev", env={"LICNA_ROOT_PASSPHRASE": ROOT_PASSPHRASE}, check=0)
    return installation


@pytest.mark.parametrize("seed", [10])
def test_operator_options_that_parse_numbers_serials_and_dates(ca_installation, tmp_path, seed):
    installation = ca_installation
    csr = tmp_path / "any.csr"
    csr.write_text("not a CSR")
    commands = [
        lambda v: ["ca", "status", "--serial", v],
        lambda v: ["ca", "status", "--serial", v, "--json"],
        lambda v: ["ca", "revoke", "--serial", v, "--reason", "superseded"],
        lambda v: ["ca", "revoke", "--serial", "01", "--reason", "keyCompromise", "--invalidity-date", v],
        lambda v: ["ca", "hold", "--serial", v],
        lambda v: ["ca", "rollover", "--root-passphrase-file", v],
        lambda v: ["ca", "release", "--serial", v],
        lambda v: ["ca", "issue", "--profile", "signature", "--csr", str(csr), "--not-after", v],
        lambda v: ["registry", "find", "--id", v, "--purpose", "citizen-request"],
        lambda v: ["registry", "find", "--name", "Ana", "--born-before", v, "--purpose", "citizen-request"],
        lambda v: ["registry", "find", "--name", "Ana", "--limit", v, "--purpose", "citizen-request"],
        lambda v: ["registry", "record-death", "--id", v, "--date", "2026-01-01"],
        lambda v: ["registry", "record-death", "--id", "123456789", "--date", v],
        lambda v: ["registry", "register-birth", "--given-name", "Ana", "--surname", "Test", "--birth-date", v, "--birth-place", "Podgorica",
                   "--sex", "F", "--region", "21", "--address", "Ulica 1", "--municipality", "Podgorica"],
        lambda v: ["registry", "register-birth", "--given-name", "Ana", "--surname", "Test", "--birth-date", "1990-01-01",
                   "--birth-place", "Podgorica", "--sex", "F", "--region", v, "--address", "Ulica 1", "--municipality", "Podgorica"],
        lambda v: ["audit", "show", "--person", v],
        lambda v: ["cards", "policy", "--set", v],
        lambda v: ["card", "create", "--out", str(tmp_path / "hostile-card"), "--test-identity", "A, B", "--birth-date", v],
        # Card issuance (issue 12).
        lambda v: ["cards", "apply", "--person", v, "--accept-contract"],
        lambda v: ["cards", "apply", "--person", "123456789", "--accept-contract", "--language", v],
        lambda v: ["cards", "apply", "--person", "123456789", "--accept-contract", "--identity-document", v],
        lambda v: ["cards", "approve", v],
        lambda v: ["cards", "show", v],
        lambda v: ["cards", "deliver", "--card-number", v],
        lambda v: ["cards", "suspend", "--card-number", v],
        lambda v: ["cards", "replace", "--card-number", v, "--reason", "lost"],
        lambda v: ["cards", "replace", "--card-number", "LC0000001", "--reason", v],
        lambda v: ["cards", "list", "--limit", v],
        lambda v: ["cards", "list", "--state", v],
        lambda v: ["cards", "stats", "--awaiting-days", v],
        lambda v: ["cards", "personalize", "--application", v, "--card", str(tmp_path / "none"), "--envelope", str(tmp_path / "e.pdf")],
    ]
    for value in hostile_values(seed, count=6):
        for command in commands:
            arguments = command(value)
            process = installation.run(*arguments)
            assert_no_trap(process, f"licna {' '.join(a[:40] for a in arguments)}")


@pytest.mark.parametrize("seed", [20])
def test_commands_without_storage(licna_bin, tmp_path, seed):
    import subprocess
    card_bin = licna_bin.replace("/licna", "/licna-card") if licna_bin.endswith("/licna") else licna_bin + "-card"
    image = tmp_path / "card.img"
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%%EOF\n")
    commands = [
        [licna_bin, "numbers", "validate", "{}"],
        [licna_bin, "numbers", "validate", "--scheme", "identification", "{}"],
        [licna_bin, "numbers", "decode", "{}"],
        [licna_bin, "numbers", "generate", "--count", "{}"],
        [licna_bin, "card", "create", "--out", str(image), "--pin-tries", "{}"],
        [licna_bin, "card", "create", "--out", str(image), "--puk-tries", "{}"],
        [card_bin, "apdu", "--card", str(image), "{}"],
        [card_bin, "sign", str(pdf), "--card", str(image), "--stamp-page", "{}", "-o", str(tmp_path / "o.pdf")],
        [card_bin, "sign", str(pdf), "--card", str(image), "--stamp-rect", "{}", "-o", str(tmp_path / "o.pdf")],
        [card_bin, "status", "--card", str(image), "--can", "{}"],
        [card_bin, "verify", str(pdf), "--extract-signed", "{}", "-o", str(tmp_path / "x.pdf")],
        [card_bin, "verify", str(pdf), "--root-sha256", "{}", "--server", "http://127.0.0.1:9"],
        [card_bin, "suspend", "--card-number", "{}", "--server", "http://127.0.0.1:9", "--root-sha256", "{}"],
        [card_bin, "activate", "--card", str(image), "--server", "{}"],
        [card_bin, "renew-certificates", "--card", str(image), "--server", "{}"],
        [card_bin, "renew-certificates", "--card", str(image), "--server", "http://127.0.0.1:9", "--root-sha256", "{}"],
        [card_bin, "status", "--card", str(image), "--server", "http://127.0.0.1:9", "--root-sha256", "{}"],
        # The agent would serve forever once started: each line has one other argument it refuses.
        [card_bin, "agent", "--card", str(image), "--port", "0", "--origin", "{}", "--pin-stdin"],
        [card_bin, "agent", "--card", str(image), "--origin", "not an origin", "--port", "{}", "--pin-stdin"],
    ]
    for value in hostile_values(seed, count=8):
        for command in commands:
            arguments = [value if part == "{}" else part for part in command]
            process = subprocess.run(arguments, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
                                     env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LICNA_LANG": "en"})
            assert_no_trap(process, " ".join(a[:40] for a in arguments[1:]))
