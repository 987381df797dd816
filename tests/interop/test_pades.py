"""PAdES signatures made with the card (`licna card sign` on a PDF) checked by pyHanko and qpdf, and validated by
`licna verify`; a second signature keeps the first valid."""
import hashlib
import json
import shutil
import subprocess

import pytest

from test_trust import trust  # noqa: F401  (trust: a CA hierarchy served on loopback)
from test_signing import make_card


def tool(name):
    if not shutil.which(name):
        pytest.fail(f"{name} is missing (scripts/test installs it)")
    return name


def minimal_pdf():
    """A one-page PDF written by hand, with a correct classic cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
    ]
    content = b"BT /F1 12 Tf 72 720 Td (Ugovor) Tj ET"
    objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f\r\n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n\r\n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def pyhanko_validate(trust, pdf, *options):
    tool("pyhanko")
    process = subprocess.run(["pyhanko", "sign", "validate", *options, "--trust", trust.path("root.pem"), "--trust-replace",
                              "--other-certs", trust.path("chain.pem"), str(pdf)], capture_output=True, text=True, timeout=120)
    return process.returncode, process.stdout + process.stderr


@pytest.mark.parametrize("level", ["b-b", "b-t", "b-lt"])
def test_card_pades_is_intact_and_trusted_for_pyhanko(trust, tmp_path, level):
    card = make_card(trust, tmp_path)
    source = tmp_path / "ugovor.pdf"
    source.write_bytes(minimal_pdf())
    signed = tmp_path / f"ugovor-{level}.pdf"
    trust.installation.run("card", "sign", str(source), "--card", card, "--level", level, "--server", trust.url, "-o", str(signed),
                           stdin="123456\n", data=False, check=0)
    assert signed.read_bytes().startswith(source.read_bytes())  # an incremental update
    status, output = pyhanko_validate(trust, signed)
    assert status == 0, output
    assert "INTACT" in output.upper() and "TRUSTED" in output.upper(), output
    if level != "b-b":
        assert "timestamp" in output.lower(), output
    check = subprocess.run([tool("qpdf"), "--check", str(signed)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    report = json.loads(trust.installation.run("verify", str(signed), "--server", trust.url, "--json", data=False, check=0).stdout)
    assert [s["indication"] for s in report["signatures"]] == ["TOTAL-PASSED"]
    assert report["signatures"][0]["format"] == "PAdES-" + level.upper()
    if level == "b-lt":
        # pyHanko's strictest revocation policy: every certificate of the signer's and the TSA's chains must have
        # revocation data.
        status, output = pyhanko_validate(trust, signed, "--force-revinfo")
        assert status == 0 and "TIMESTAMP_TOKEN<INTACT:TRUSTED>" in output, output
        # The file alone: the DSS carries what validates the signer and the TSA, and the timestamp proves the time.
        offline = json.loads(trust.installation.run("verify", str(signed), "--trust", trust.path("root.pem"), "--offline", "--json",
                                                    data=False, check=0).stdout)["signatures"][0]
        assert offline["indication"] == "TOTAL-PASSED" and offline["provenSigningTime"], offline
        assert not offline["findings"], offline


def test_a_second_signature_keeps_the_first_valid(trust, tmp_path):
    card = make_card(trust, tmp_path)
    source = tmp_path / "ugovor.pdf"
    source.write_bytes(minimal_pdf())
    once, twice = tmp_path / "once.pdf", tmp_path / "twice.pdf"
    for src, out in ((source, once), (once, twice)):
        trust.installation.run("card", "sign", str(src), "--card", card, "--level", "b-t", "--server", trust.url, "-o", str(out),
                               stdin="123456\n", data=False, check=0)
    status, output = pyhanko_validate(trust, twice)
    assert status == 0, output
    report = json.loads(trust.installation.run("verify", str(twice), "--server", trust.url, "--json", data=False, check=0).stdout)
    assert [s["indication"] for s in report["signatures"]] == ["TOTAL-PASSED", "TOTAL-PASSED"]
    assert report["signatures"][0]["coverage"].endswith("(allowed)")
    # One byte of the first signed range changed: HASH_FAILURE for both, exit 1.
    data = bytearray(twice.read_bytes())
    data[data.index(b"(Ugovor)") + 1] ^= 0x20
    twice.write_bytes(bytes(data))
    broken = json.loads(trust.installation.run("verify", str(twice), "--server", trust.url, "--json", data=False, check=1).stdout)
    assert broken["signatures"][0]["subIndication"] == "HASH_FAILURE"


def sign_visible(trust, card, source, out, *extra, check=0):
    return trust.installation.run("card", "sign", str(source), "--card", card, "--level", "b-t", "--server", trust.url, "--visible",
                                  *extra, "-o", str(out), stdin="123456\n", data=False, check=check)


def pdftotext(pdf):
    process = subprocess.run([tool("pdftotext"), "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True)
    assert process.returncode == 0, process.stderr
    return process.stdout


def test_a_visible_card_signature_is_intact_trusted_and_readable(trust, tmp_path):
    card = make_card(trust, tmp_path)
    source = tmp_path / "ugovor.pdf"
    source.write_bytes(minimal_pdf())
    once, twice = tmp_path / "once.pdf", tmp_path / "twice.pdf"
    sign_visible(trust, card, source, once)
    assert once.read_bytes().startswith(source.read_bytes())
    status, output = pyhanko_validate(trust, once)
    assert status == 0, output
    assert "INTACT" in output.upper() and "TRUSTED" in output.upper(), output
    check = subprocess.run([tool("qpdf"), "--check", str(once)], capture_output=True, text=True)
    assert check.returncode == 0 and "No syntax or stream encoding errors" in check.stdout, check.stdout + check.stderr
    # The stamp's text comes out of the embedded subset: the signer's name with its diacritics, the English captions
    # (LICNA_LANG=en), and the signing time in UTC.
    text = " ".join(pdftotext(once).split())
    assert "Digitally signed by" in text and "ana" in text.lower() and "đurović" in text.lower(), text
    assert "printout carries no signature" in text and " UTC" in text, text
    # A second visible stamp elsewhere on the page: pyHanko still finds the first signature intact and its later
    # revision an allowed change (a signature field with its appearance).
    sign_visible(trust, card, once, twice, "--stamp-rect", "300,36,240,70")
    assert twice.read_bytes().startswith(once.read_bytes())
    process = subprocess.run(["pyhanko", "sign", "validate", "--pretty-print", "--trust", trust.path("root.pem"), "--trust-replace",
                              "--other-certs", trust.path("chain.pem"), str(twice)], capture_output=True, text=True, timeout=120)
    assert process.returncode == 0, process.stdout + process.stderr
    status, output = pyhanko_validate(trust, twice)
    assert status == 0, output
    assert output.upper().count("INTACT") >= 2, output
    check = subprocess.run([tool("qpdf"), "--check", str(twice)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert pdftotext(twice).count("Digitally signed by") == 2
    report = json.loads(trust.installation.run("verify", str(twice), "--server", trust.url, "--json", data=False, check=0).stdout)
    assert [s["indication"] for s in report["signatures"]] == ["TOTAL-PASSED", "TOTAL-PASSED"]
    # The second stamp (its widget, appearance stream and font) is an allowed change for our validator too, and the
    # report names exactly what the first signature signed: the file's first revision, byte for byte.
    first = report["signatures"][0]
    assert first["coverage"].endswith("(allowed)"), first["coverage"]
    signed = first["signedContent"]
    assert signed["length"] == len(once.read_bytes()) and signed["revision"] == 2 and signed["revisions"] == 3, signed
    assert signed["sha256"] == hashlib.sha256(once.read_bytes()).hexdigest()
    extracted = tmp_path / "as-signed.pdf"
    trust.installation.run("verify", str(twice), "--server", trust.url, "--extract-signed", "1", "-o", str(extracted), data=False, check=0)
    assert extracted.read_bytes() == once.read_bytes()
    trust.installation.run("verify", str(twice), "--server", trust.url, "--extract-signed", "3", "-o", str(extracted), data=False, check=2)


def test_visible_stamp_options_are_checked_before_signing(trust, tmp_path):
    card = make_card(trust, tmp_path)
    source = tmp_path / "ugovor.pdf"
    source.write_bytes(minimal_pdf())
    out = tmp_path / "out.pdf"
    missing_page = sign_visible(trust, card, source, out, "--stamp-page", "2", check=2)
    assert "no page 2" in missing_page.stderr and "--stamp-page" in missing_page.stderr, missing_page.stderr
    outside = sign_visible(trust, card, source, out, "--stamp-rect", "500,36,220,60", check=2)
    assert "not inside the media box" in outside.stderr, outside.stderr
    malformed = sign_visible(trust, card, source, out, "--stamp-rect", "36,36,220", check=2)
    assert "x,y,width,height" in malformed.stderr, malformed.stderr
    text = tmp_path / "izjava.txt"
    text.write_text("Izjava\n")
    cades = sign_visible(trust, card, text, tmp_path / "izjava.p7s", "--format", "cades", check=2)
    assert "CAdES" in cades.stderr and "--format pades" in cades.stderr, cades.stderr
    assert not out.exists() and not (tmp_path / "izjava.p7s").exists()


def post_multipart(url, fields):
    """A multipart/form-data POST with files given as (name, filename, bytes)."""
    import urllib.request
    boundary = "----licna-test-boundary"
    body = b""
    for name, filename, data in fields:
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n"
                 f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, response.read().decode()


def test_the_api_and_the_public_page_validate_uploads(trust, tmp_path):
    import urllib.request
    card = make_card(trust, tmp_path)
    source = tmp_path / "ugovor.pdf"
    source.write_bytes(minimal_pdf())
    signed = tmp_path / "signed.pdf"
    trust.installation.run("card", "sign", str(source), "--card", card, "--level", "b-t", "--server", trust.url, "-o", str(signed),
                           stdin="123456\n", data=False, check=0)
    status, body = post_multipart(trust.url + "/api/signatures/validate", [("file", "signed.pdf", signed.read_bytes())])
    report = json.loads(body)["signatures"]
    assert status == 200 and [s["indication"] for s in report] == ["TOTAL-PASSED"], body
    assert report[0]["signerIdentifier"].startswith("PNOME-")
    with urllib.request.urlopen(trust.url + "/verify?lang=en", timeout=30) as response:
        page = response.read().decode()
    assert "printout of a signed document carries no signature" in page and 'enctype="multipart/form-data"' in page
    status, page = post_multipart(trust.url + "/verify?lang=en", [("file", "signed.pdf", signed.read_bytes())])
    assert status == 200 and "TOTAL-PASSED" in page and "PNOME-" in page and "the whole document" in page
    # A document without signatures, and something that is not a PDF.
    status, page = post_multipart(trust.url + "/verify?lang=en", [("file", "plain.pdf", minimal_pdf())])
    assert "no signature" in page
