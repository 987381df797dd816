"""The virtual card in a real reader stack: `licna card insert` plugs it into pcscd through vsmartcard's vpcd, and
OpenSC (opensc-tool, pkcs15-tool, pkcs11-tool with its PKCS #11 module) uses it as a PIV card; OpenSSL verifies its
signatures, python `mrz` checks its machine-readable zone. Also: killing the card process at random instants never
gives back a PIN try (tearing).

These tests share the single virtual reader (vpcd slot 0): they run one after the other, in this order (the later
ones block the card for good). scripts/test installs pcscd, vsmartcard-vpcd, OpenSC and mrz and starts `pcscd -f`;
with CI=true a missing tool fails the suite instead of skipping it."""
import glob
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import time

import pytest

CI = os.environ.get("CI", "").lower() == "true"
READER = "Virtual PCD 00 00"
HOLDER = "PETROVIĆ, Đorđe"
PIN, PUK, CAN = "123456", "12345678", "123456"
SELECT_PIV = "00 A4 04 00 09 A0 00 00 03 08 00 00 10 00"
ATR_PREFIX = "3b:88:80:01:4c:49:43:4e:41:30:30:31"  # T=1, historical bytes "LICNA001" (docs/card.md)


def missing(what):
    message = f"{what} (scripts/test installs and starts it)"
    if CI:
        pytest.fail(message)
    pytest.skip(message)


def require(*tools):
    for tool in tools:
        if not shutil.which(tool):
            missing(f"{tool} is missing: apt-get install opensc pcscd vsmartcard-vpcd")


def pkcs11_module():
    found = sorted(glob.glob("/usr/lib/*/opensc-pkcs11.so") + glob.glob("/usr/lib/opensc-pkcs11.so"))
    if not found:
        missing("OpenSC's PKCS #11 module opensc-pkcs11.so is missing: apt-get install opensc")
    return found[0]


def vpcd_listening():
    """pcscd's vpcd driver listens on 35963 (hex 8C7B); connecting to probe it would insert an empty card."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                if any(":8C7B " in line and line.split()[3] == "0A" for line in f):
                    return True
        except OSError:
            pass
    return False


def run(*args, check=True, timeout=60, stdin=subprocess.DEVNULL):
    process = subprocess.run(args, capture_output=True, text=True, timeout=timeout, stdin=stdin)
    output = process.stdout + process.stderr
    if check:
        assert process.returncode == 0, f"{' '.join(args)}: exit {process.returncode}\n{output}"
    return process.returncode, output


def card_present():
    """Whether pcscd reports a card in the virtual reader (None: the reader is not there at all)."""
    _, output = run("opensc-tool", "--list-readers", check=False)
    for line in output.splitlines():
        if line.rstrip().endswith(READER):
            return line.split()[1] == "Yes"
    return None


def wait_for_card(present, process=None, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if card_present() == present:
            return
        if process is not None and process.poll() is not None:
            pytest.fail(f"licna card insert exited {process.returncode}: {process.stderr.read()}")
        time.sleep(0.1)
    pytest.fail(f"the reader {READER!r} did not show {'a' if present else 'no'} card within {seconds} s:\n"
                + run("opensc-tool", "--list-readers", check=False)[1])


def raw(*apdus):
    """Sends APDUs in one opensc-tool session; returns the status words as 'XXXX' strings, in order."""
    args = ["opensc-tool", "--reader", "0"]
    for apdu in apdus:
        args += ["-s", apdu]
    _, output = run(*args, check=False)
    words = [f"{int(a, 16):02X}{int(b, 16):02X}" for a, b in re.findall(r"SW1=0x([0-9A-Fa-f]+), SW2=0x([0-9A-Fa-f]+)", output)]
    assert len(words) == len(apdus), output
    return words


def piv_pin(digits):
    """A PIN or PUK as the PIV card takes it: ASCII digits, FF-padded to 8 bytes, as spaced hex."""
    return " ".join(f"{b:02X}" for b in digits.encode().ljust(8, b"\xff"))


def general_authenticate_9a():
    return "00 87 11 9A 26 7C 24 82 00 81 20 " + " ".join(["5A"] * 32) + " 00"


class InsertedCard:
    def __init__(self, licna, folder):
        self.licna = licna
        self.folder = folder
        self.path = str(folder / "card")
        self.module = pkcs11_module()
        self.env = dict(os.environ, LICNA_LANG="en")

    def licna_run(self, *args, check=0):
        process = subprocess.run([self.licna, *args], capture_output=True, text=True, env=self.env, timeout=120)
        if check is not None:
            assert process.returncode == check, f"licna {' '.join(args)}: exit {process.returncode}\n{process.stdout}\n{process.stderr}"
        return process

    def sign(self, pin, key_id="02", data=b"Licna interop: signed through pcscd and OpenSC\n"):
        """pkcs11-tool signs `data` with the card key `key_id`; returns (exit, output, data file, signature file)."""
        data_file = self.folder / "data"
        data_file.write_bytes(data)
        signature = self.folder / f"sig-{key_id}"
        if signature.exists():
            signature.unlink()
        code, output = run("pkcs11-tool", "--module", self.module, "--login", "--pin", pin, "--sign", "--id", key_id,
                           "-m", "ECDSA-SHA256", "--signature-format", "openssl", "-i", str(data_file), "-o", str(signature),
                           check=False)
        return code, output, data_file, signature

    def verify_with_openssl(self, key_id, data_file, signature):
        _, pem = run("pkcs15-tool", "--read-certificate", key_id)
        certificate = self.folder / f"cert-{key_id}.pem"
        certificate.write_text(pem[pem.index("-----BEGIN CERTIFICATE-----"):])
        _, public_key = run("openssl", "x509", "-in", str(certificate), "-noout", "-pubkey")
        key_file = self.folder / f"pub-{key_id}.pem"
        key_file.write_text(public_key)
        _, output = run("openssl", "dgst", "-sha256", "-verify", str(key_file), "-signature", str(signature), str(data_file))
        assert "Verified OK" in output


@pytest.fixture(scope="module")
def card(licna_bin, tmp_path_factory):
    require("opensc-tool", "pkcs15-tool", "pkcs11-tool", "openssl")
    if not vpcd_listening():
        missing("pcscd with vsmartcard-vpcd is not listening on 127.0.0.1:35963: start `pcscd -f`")
    inserted = InsertedCard(licna_bin, tmp_path_factory.mktemp("card"))
    inserted.licna_run("card", "create", "--out", inserted.path, "--test-identity", HOLDER)
    if card_present():  # a card of an earlier run that pcscd has not noticed leaving yet
        wait_for_card(False)
    process = subprocess.Popen([licna_bin, "card", "insert", "--card", inserted.path], env=inserted.env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_card(True, process)
        yield inserted
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        wait_for_card(False)


def test_the_reader_shows_the_card_and_its_atr(card):
    _, readers = run("opensc-tool", "--list-readers")
    assert re.search(r"^\s*0\s+Yes\s+.*Virtual PCD 00 00\s*$", readers, re.MULTILINE), readers
    _, atr = run("opensc-tool", "--reader", "0", "--atr")
    assert ATR_PREFIX in atr.lower(), atr
    # The TCK: XOR of every byte after TS.
    atr_bytes = bytes.fromhex(re.search(r"([0-9a-f]{2}(?::[0-9a-f]{2})+)", atr.lower()).group(1).replace(":", ""))
    check = 0
    for b in atr_bytes[1:]:
        check ^= b
    assert check == 0


def test_opensc_lists_both_certificates(card):
    _, output = run("pkcs15-tool", "--list-certificates")
    assert len(re.findall(r"X\.509 Certificate \[", output)) == 2, output
    ids = set(re.findall(r"ID\s*:\s*([0-9a-fA-F]+)", output))
    assert {"01", "02"} <= ids, output


def test_signatures_through_pkcs11_verify_with_openssl(card):
    for key_id in ("02", "01"):
        code, output, data, signature = card.sign(PIN, key_id)
        assert code == 0, output
        card.verify_with_openssl(key_id, data, signature)


def test_mrz_read_through_pcscd_is_a_valid_td1(card):
    from mrz.checker.td1 import TD1CodeChecker
    result = card.licna_run("card", "show", "--reader", READER, "--can", CAN, "--json")
    report = json.loads(result.stdout)
    lines = report["mrz"]
    assert len(lines) == 3 and all(len(line) == 30 for line in lines), lines
    assert bool(TD1CodeChecker("\n".join(lines))), lines
    assert lines[2].startswith("PETROVIC<<DORDE<"), lines


def test_licna_card_signs_a_pdf_through_pcscd(card):
    """The citizen's tool signs through PC/SC (our PCSCChannel via pcscd and vpcd), the PIN read from standard
    input; pyHanko finds the signature intact and `licna-card verify` names the signer."""
    from test_licna_card import licna_card
    from test_pades import minimal_pdf
    source, signed = card.folder / "ugovor.pdf", card.folder / "ugovor-reader.pdf"
    source.write_bytes(minimal_pdf())
    licna_card("sign", str(source), "--reader", READER, "-o", str(signed), stdin=PIN + "\n", check=0)
    code, output = run("pyhanko", "sign", "validate", "--trust", card.path + ".chain.pem", "--trust-replace", str(signed), check=False)
    assert "INTACT" in output, output
    report = json.loads(licna_card("verify", str(signed), "--trust", card.path + ".chain.pem", "--offline", "--json").stdout)
    signature = report["signatures"][0]
    assert "PETROVIĆ" in signature["signerName"], signature
    # The throwaway test CA publishes no revocation data: offline, that is INDETERMINATE, never a failure.
    assert signature["indication"] == "INDETERMINATE" and signature["subIndication"] == "TRY_LATER", signature


def test_the_mrz_of_a_card_image_is_a_valid_td1(licna_bin, tmp_path):
    from mrz.checker.td1 import TD1CodeChecker
    path = str(tmp_path / "card")
    env = dict(os.environ, LICNA_LANG="en")
    subprocess.run([licna_bin, "card", "create", "--out", path, "--test-identity", HOLDER], env=env, check=True, capture_output=True)
    result = subprocess.run([licna_bin, "card", "show", "--card", path, "--can", CAN, "--json"], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    lines = json.loads(result.stdout)["mrz"]
    checker = TD1CodeChecker("\n".join(lines))
    assert bool(checker), (lines, checker.report)
    assert lines[2].startswith("PETROVIC<<DORDE<"), lines
    # The document number and dates in the MRZ are the card's (line 1 from "ID", line 2 the birth date 1990-01-01).
    assert lines[0].startswith("ID") and lines[1].startswith("900101"), lines


def test_five_wrong_pins_block_it_and_the_puk_unblocks_it(card):
    for attempt in range(1, 6):
        code, output, _, _ = card.sign("000000")
        assert code != 0, f"attempt {attempt} signed with a wrong PIN:\n{output}"
        assert "CKR_PIN_INCORRECT" in output, f"attempt {attempt}:\n{output}"
    assert raw(SELECT_PIV, "00 20 00 80")[1] == "6983"
    # OpenSC 0.23 maps 63 C0 to "PIN incorrect": it reports the lock on the attempt after the last one.
    code, output, _, _ = card.sign("000000")
    assert code != 0 and "CKR_PIN_LOCKED" in output, output
    # Even the right PIN is refused now.
    code, output, _, _ = card.sign(PIN)
    assert code != 0 and "CKR_PIN_LOCKED" in output, output
    _, output = run("pkcs15-tool", "--unblock-pin", "--puk", PUK, "--new-pin", PIN)
    assert raw(SELECT_PIV, "00 20 00 80")[1] == "63C5"
    code, output, data, signature = card.sign(PIN)
    assert code == 0, output
    card.verify_with_openssl("02", data, signature)


def test_blocked_pin_and_puk_block_the_card_for_good(card):
    wrong_pin = "00 20 00 80 08 " + piv_pin("000000")
    answers = raw(SELECT_PIV, *[wrong_pin] * 5)
    assert answers[1:] == ["63C4", "63C3", "63C2", "63C1", "63C0"], answers
    wrong_reset = "00 2C 00 80 10 " + piv_pin("00000000") + " " + piv_pin(PIN)
    answers = raw(SELECT_PIV, *[wrong_reset] * 5)
    assert answers[1:] == ["63C4", "63C3", "63C2", "63C1", "63C0"], answers
    # PIN and PUK blocked: the right PUK no longer helps, no signature is possible, by any route.
    answers = raw(SELECT_PIV, "00 20 00 81", "00 2C 00 80 10 " + piv_pin(PUK) + " " + piv_pin(PIN), "00 20 00 80",
                  "00 20 00 80 08 " + piv_pin(PIN), general_authenticate_9a())
    assert answers[1:] == ["6983", "6983", "6983", "6983", "6983"], answers
    code, output, _, _ = card.sign(PIN)
    assert code != 0 and "CKR_PIN_LOCKED" in output, output
    code, output = run("pkcs15-tool", "--unblock-pin", "--puk", PUK, "--new-pin", PIN, check=False)
    assert code != 0, output
    code, output, _, _ = card.sign(PIN, key_id="01")
    assert code != 0, output


def pin_tries_left(licna, path, env):
    """PIN tries left from a fresh process (a new session: the PIN is never verified in it)."""
    result = subprocess.run([licna, "card", "apdu", "--card", path, SELECT_PIV.replace(" ", ""), "00200080", "00200081"],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, f"the card image no longer opens after a kill: {result.stderr}"
    answers = result.stdout.split()
    assert re.search(r"(9000|61[0-9A-F]{2})$", answers[0]), answers
    assert answers[2] == "63C5", f"the PUK counter moved: {answers}"
    if answers[1] == "6983":
        return 0
    assert re.fullmatch(r"63C[0-9A-F]", answers[1]), answers
    return int(answers[1][3], 16)


def test_killing_the_card_process_never_gives_back_a_try(licna_bin, tmp_path):
    """Tearing: a process sends wrong-PIN VERIFYs to the card image and is SIGKILLed at a random instant; a fresh
    process then reads the tries left. The count never rises, except through a correct VERIFY (which restores it)."""
    path = str(tmp_path / "card")
    env = dict(os.environ, LICNA_LANG="en")
    subprocess.run([licna_bin, "card", "create", "--out", path, "--test-identity", "TEARING, Test", "--pin-tries", "15"],
                   env=env, check=True, capture_output=True, timeout=120)
    select = SELECT_PIV.replace(" ", "")
    wrong = "0020008008" + piv_pin("000000").replace(" ", "")
    right = "0020008008" + piv_pin(PIN).replace(" ", "")
    per_process = 8
    # Where the writes happen in a process's life: it starts and opens the image (no write) and answers the SELECT;
    # then each wrong VERIFY is a durable write (fsync, rename, folder fsync) before its answer. A third of the kills
    # land in the first 30 ms of the process; the rest at a random instant after the SELECT's answer, within the
    # time the VERIFYs take.
    def start():
        return subprocess.Popen([licna_bin, "card", "apdu", "--card", path, select, *[wrong] * per_process],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    process = start()
    assert re.search(r"(9000|61[0-9A-F]{2})$", process.stdout.readline().strip())
    opened = time.monotonic()
    assert len(process.stdout.read().split()) == per_process
    writes = time.monotonic() - opened
    process.wait()
    subprocess.run([licna_bin, "card", "apdu", "--card", path, select, right], env=env, check=True, capture_output=True, timeout=60)
    left = pin_tries_left(licna_bin, path, env)
    assert left == 15
    rng = random.Random(os.environ.get("LICNA_TEARING_SEED") or time.time_ns())
    iterations, kills_mid_run, deadline = 220, 0, time.monotonic() + 150
    spent = {}  # tries taken by a killed process → how often
    for iteration in range(iterations):
        if time.monotonic() > deadline:
            break
        process = start()
        early = iteration % 3 == 0
        if early:
            delay = rng.uniform(0, 0.030)
        else:
            assert re.search(r"(9000|61[0-9A-F]{2})$", process.stdout.readline().strip())
            delay = rng.uniform(0, max(0.002, writes * 1.1))
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        out, _ = process.communicate()
        answered = len(out.split()) - (1 if early else 0)  # VERIFYs the killed process saw answered
        if process.returncode == -signal.SIGKILL:
            kills_mid_run += 1
        now = pin_tries_left(licna_bin, path, env)
        assert now <= left, f"iteration {iteration}: tries rose from {left} to {now} (delay {delay * 1000:.1f} ms)"
        # Each answered VERIFY cost exactly one try; one more may have been taken for a VERIFY cut short.
        assert left - now >= min(max(answered, 0), left), f"iteration {iteration}: {answered} answered, tries {left} → {now}"
        assert left - now <= min(per_process, left), f"iteration {iteration}: tries {left} → {now}"
        spent[left - now] = spent.get(left - now, 0) + 1
        left = now
        if left < per_process or iteration % 50 == 49:
            # The legitimate way back: the right PIN restores the counter.
            result = subprocess.run([licna_bin, "card", "apdu", "--card", path, select, right], env=env, capture_output=True,
                                    text=True, timeout=60)
            expected = "9000" if left > 0 else "6983"
            assert result.stdout.split()[1] == expected, result.stdout
            if left > 0:
                left = pin_tries_left(licna_bin, path, env)
                assert left == 15
            else:
                # Blocked: the PUK resets it (new PIN, PIN counter full again).
                reset = "002C008010" + piv_pin(PUK).replace(" ", "") + piv_pin(PIN).replace(" ", "")
                result = subprocess.run([licna_bin, "card", "apdu", "--card", path, select, reset], env=env,
                                        capture_output=True, text=True, timeout=60)
                assert result.stdout.split()[1] == "9000", result.stdout
                left = pin_tries_left(licna_bin, path, env)
    print(f"tearing: {iteration + 1} kills ({kills_mid_run} before the process finished), {per_process} VERIFYs take "
          f"{writes * 1000:.1f} ms after the SELECT; tries taken per killed process: {dict(sorted(spent.items()))}")
    assert iteration + 1 >= 200, f"only {iteration + 1} iterations in the time budget"
    assert kills_mid_run >= 100, f"only {kills_mid_run} processes were killed before they finished"
