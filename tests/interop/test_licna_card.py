"""`licna-card`, the citizen's tool (CONVENTIONS.md): built without Vapor or Fluent, it reads a card, signs with it
and verifies signatures exactly as `licna card …` does, with its messages in the user's language."""
import json
import os
import subprocess
import urllib.error
import urllib.request

import pytest

from test_pades import minimal_pdf, pyhanko_validate
from test_signing import make_card
from test_trust import trust  # noqa: F401  (trust: a CA hierarchy served on loopback)

LICNA_CARD = os.environ.get("LICNA_CARD_BIN") or os.path.join(os.path.dirname(__file__), "..", "..", ".build", "debug", "licna-card")


def licna_card(*args, stdin=None, lang="en", check=None):
    if not os.path.exists(LICNA_CARD):
        pytest.fail(f"{LICNA_CARD} is not built: run `swift build --product licna-card` (scripts/test does)")
    process = subprocess.run([LICNA_CARD, *args], input=stdin, capture_output=True, text=True, timeout=300,
                             env=dict(os.environ, LICNA_LANG=lang))
    if check is not None:
        assert process.returncode == check, f"{args}: exit {process.returncode}\n{process.stdout}\n{process.stderr}"
    return process


def test_licna_card_links_neither_vapor_nor_fluent(licna_bin):
    licna_card("--help", check=0)
    with open(LICNA_CARD, "rb") as binary:
        data = binary.read()
    # Swift mangles a symbol of module Vapor as `$s5Vapor…` and of Fluent as `$s6Fluent…`; the operator's tool has them.
    assert b"$s5Vapor" not in data and b"$s6Fluent" not in data and b"$s8FluentKit" not in data
    with open(licna_bin, "rb") as binary:
        assert b"$s5Vapor" in binary.read()


def test_licna_card_signs_and_verifies_like_the_operator_tool(trust, tmp_path):
    card = make_card(trust, tmp_path)
    status = json.loads(licna_card("status", "--card", card, "--json", check=0).stdout)
    assert "ĐUROVIĆ" in json.dumps(status, ensure_ascii=False)
    source, signed = tmp_path / "ugovor.pdf", tmp_path / "ugovor-signed.pdf"
    source.write_bytes(minimal_pdf())
    licna_card("sign", str(source), "--card", card, "--level", "b-t", "--server", trust.url, "--root-sha256", trust.root_sha256, "-o", str(signed),
               stdin="123456\n", check=0)
    code, output = pyhanko_validate(trust, signed)
    assert code == 0 and "INTACT" in output and "TRUSTED" in output, output
    report = json.loads(licna_card("verify", str(signed), "--server", trust.url, "--root-sha256", trust.root_sha256, "--json", check=0).stdout)
    assert [s["indication"] for s in report["signatures"]] == ["TOTAL-PASSED"]
    # CAdES detached, and a wrong PIN refused with a message in Montenegrin and exit status 1.
    document, p7s = tmp_path / "izjava.txt", tmp_path / "izjava.txt.p7s"
    # Over 3 MiB, so that verification hashes it in several streamed reads.
    document.write_bytes(b"Izjava: saglasan sam.\n" + os.urandom(3 * 1024 * 1024 + 17))
    licna_card("sign", str(document), "--card", card, "--format", "cades", "--level", "b-t", "--server", trust.url, "--root-sha256", trust.root_sha256,
               "-o", str(p7s), stdin="123456\n", check=0)
    licna_card("verify", str(p7s), "--detached", str(document), "--server", trust.url, "--root-sha256", trust.root_sha256, check=0)
    refused = licna_card("sign", str(document), "--card", card, "--format", "cades", "-o", str(tmp_path / "x.p7s"),
                         stdin="000000\n", lang="cnr", check=1)
    assert "Pogrešan PIN" in refused.stderr and "4" in refused.stderr, refused.stderr
    english = licna_card("sign", str(document), "--card", card, "--format", "cades", "-o", str(tmp_path / "x.p7s"),
                         stdin="000000\n", check=1)
    assert english.stderr != refused.stderr
    # Usage errors exit 2.
    assert licna_card("verify", str(p7s)).returncode == 2


def test_huge_files_get_a_clear_error_without_being_read(trust, tmp_path):
    # A sparse 600 MB "PDF": refused from its size before a byte is read, with what to do instead.
    huge = tmp_path / "huge.pdf"
    with open(huge, "wb") as f:
        f.write(b"%PDF-1.7\n")
        f.truncate(600 * 1024 * 1024)
    result = licna_card("verify", str(huge), "--server", trust.url, "--root-sha256", trust.root_sha256, check=3)
    assert "200 MiB" in result.stderr and "--format cades" in result.stderr
    # The server refuses an upload over 25 MB with 413 and a message that says so.
    request = urllib.request.Request(trust.url + "/api/signatures/validate", data=b"%PDF" + b"\0" * (26 * 1024 * 1024),
                                     method="POST", headers={"Content-Type": "application/pdf"})
    try:
        urllib.request.urlopen(request, timeout=60)
        pytest.fail("a 26 MB upload was accepted")
    except urllib.error.HTTPError as error:
        assert error.code == 413
        assert json.loads(error.read())["error"] == "too-large"


def test_change_and_unblock_the_pin(trust, tmp_path):
    """The citizen's own PIN instead of the envelope's; after five wrong PINs the PUK sets a new one. Nothing is
    sent to the card when the two entries of the new PIN differ or it is not 6–8 digits."""
    card = make_card(trust, tmp_path)

    def tries():
        status = json.loads(licna_card("status", "--card", card, "--json", check=0).stdout)
        return status["pinTriesLeft"], status["pukTriesLeft"]

    mismatch = licna_card("change-pin", "--card", card, stdin="123456\n24681357\n24681358\n", check=2)
    assert "differ" in mismatch.stderr and tries() == (5, 5)
    licna_card("change-pin", "--card", card, stdin="123456\n12\n12\n", check=2)
    wrong = licna_card("change-pin", "--card", card, stdin="999999\n24681357\n24681357\n", check=1)
    assert "tries left: 4" in wrong.stderr and tries() == (4, 5)
    changed = licna_card("change-pin", "--card", card, stdin="123456\n24681357\n24681357\n", check=0)
    assert "changed" in changed.stderr and tries() == (5, 5)
    document = tmp_path / "izjava.txt"
    document.write_text("Izjava\n")
    licna_card("sign", str(document), "--card", card, "--format", "cades", "-o", str(tmp_path / "a.p7s"), stdin="24681357\n", check=0)
    for _ in range(5):
        licna_card("sign", str(document), "--card", card, "--format", "cades", "-o", str(tmp_path / "b.p7s"), stdin="000000\n", check=1)
    blocked = licna_card("sign", str(document), "--card", card, "--format", "cades", "-o", str(tmp_path / "b.p7s"),
                         stdin="24681357\n", lang="sr", check=1)
    assert "licna-card unblock-pin" in blocked.stderr and "блокиран" in blocked.stderr, blocked.stderr
    wrong_puk = licna_card("unblock-pin", "--card", card, stdin="00000000\n11223344\n11223344\n", check=1)
    assert "tries left: 4" in wrong_puk.stderr and tries() == (0, 4)
    licna_card("unblock-pin", "--card", card, stdin="12345678\n11223344\n11223344\n", check=0)
    assert tries() == (5, 5)
    licna_card("sign", str(document), "--card", card, "--format", "cades", "-o", str(tmp_path / "c.p7s"), stdin="11223344\n", check=0)


def test_a_root_swapped_over_http_is_refused(trust, tmp_path):
    """Issue 10, item 5: a loopback http server that serves another root. Without a pin the root of an http server
    is not trusted at all; with the installation's pin the swapped root is refused; the pin also comes from
    LICNA_ROOT_SHA256 and from the citizen's config file."""
    import http.server
    import threading

    from test_trust import openssl
    card = make_card(trust, tmp_path)
    source = tmp_path / "doc.pdf"
    source.write_bytes(minimal_pdf())
    signed = tmp_path / "signed.pdf"
    licna_card("sign", str(source), "--card", card, "--level", "b-t", "--server", trust.url, "--root-sha256", trust.root_sha256,
               "-o", str(signed), stdin="123456\n", check=0)
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(tmp_path / "evil.key"),
            "-out", str(tmp_path / "evil.pem"), "-subj", "/C=ME/O=Licna/CN=Licna Root CA", "-days", "30")
    evil_root = openssl("x509", "-in", str(tmp_path / "evil.pem"), "-outform", "DER").stdout

    class Evil(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/pkix-cert")
            self.end_headers()
            self.wfile.write(evil_root)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Evil)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    evil = f"http://127.0.0.1:{server.server_address[1]}"
    home = tmp_path / "home"
    (home / ".config" / "licna").mkdir(parents=True)
    clean = {k: v for k, v in os.environ.items() if k not in ("LICNA_ROOT_SHA256", "XDG_CONFIG_HOME")}

    def run(*args, env=None, check=None):
        process = subprocess.run([LICNA_CARD, *args], capture_output=True, text=True, timeout=300,
                                 env=dict(clean, LICNA_LANG="en", HOME=str(home), **(env or {})))
        if check is not None:
            assert process.returncode == check, f"{args}: exit {process.returncode}\n{process.stdout}\n{process.stderr}"
        return process

    try:
        # Unpinned http: refused before anything is fetched, saying how to pin.
        result = run("verify", str(signed), "--server", evil, check=2)
        assert "--root-sha256" in result.stderr
        run("verify", str(signed), "--server", trust.url, check=2)
        # Pinned to the installation's root: the swapped root is refused (option, environment, config file).
        for how in ({"args": ["--root-sha256", trust.root_sha256]}, {"env": {"LICNA_ROOT_SHA256": trust.root_sha256.upper()}},
                    {"config": f"root-sha256 = {trust.root_sha256}\n"}):
            if "config" in how:
                (home / ".config" / "licna" / "licna-card.conf").write_text(how["config"])
            result = run("verify", str(signed), "--server", evil, *how.get("args", []), env=how.get("env"), check=3)
            assert "not the root" in result.stderr, result.stderr
            run("verify", str(signed), "--server", trust.url, *how.get("args", []), env=how.get("env"), check=0)
            result = run("sign", str(source), "--card", card, "--level", "b-t", "--server", evil, *how.get("args", []),
                         "-o", str(tmp_path / "evil-signed.pdf"), env=how.get("env"), check=3)
            assert not (tmp_path / "evil-signed.pdf").exists()
        # A malformed pin is a usage error, not a silent "no pin".
        assert run("verify", str(signed), "--server", trust.url, "--root-sha256", "０" * 64, check=2).stderr
    finally:
        server.shutdown()
