"""Signatures with the card (`licna card sign`, CAdES detached) checked by OpenSSL, and validated by
`licna verify` against the installation's root with revocation fetched from its OCSP responder."""
import json

from test_trust import openssl, trust  # noqa: F401  (trust: a CA hierarchy served on loopback)


def make_card(trust, tmp_path, name="ĐUROVIĆ, Ana"):
    card = str(tmp_path / "card")
    trust.installation.run("card", "create", "--out", card, "--test-identity", name, "--data", trust.installation.data,
                           data=False, check=0)
    return card


def sign(trust, card, document, out, level="b-t", pin="123456", check=0):
    return trust.installation.run("card", "sign", str(document), "--card", card, "--level", level, "--server", trust.url,
                                  "-o", str(out), stdin=pin + "\n", data=False, check=check)


def verify(trust, signature, document, check):
    result = trust.installation.run("verify", str(signature), "--detached", str(document), "--server", trust.url, "--json",
                                    data=False, check=check)
    return json.loads(result.stdout)["signatures"][0]


def test_card_signature_passes_openssl_and_licna_verify(trust, tmp_path):
    card = make_card(trust, tmp_path)
    document = tmp_path / "ugovor.txt"
    document.write_text("Ugovor o zakupu — Nikšić, Žabljak, Đenovići\n")
    result = sign(trust, card, document, tmp_path / "ugovor.p7s")
    assert "printout carries no signature" in result.stderr
    openssl("cms", "-verify", "-binary", "-inform", "DER", "-in", str(tmp_path / "ugovor.p7s"), "-content", str(document),
            "-CAfile", trust.path("root.pem"), "-certfile", trust.path("chain.pem"), "-cades", "-purpose", "any", "-out", "/dev/null")
    report = verify(trust, tmp_path / "ugovor.p7s", document, check=0)
    assert report["indication"] == "TOTAL-PASSED", report
    assert report["signerIdentifier"].startswith("PNOME-") and report["certificateStatus"] == "good"
    assert report["format"] == "CAdES-B-T" and report["provenSigningTime"]
    # One changed byte: HASH_FAILURE, exit 1.
    document.write_text("Ugovor o zakupu — Nikšić, Žabljak, Đenovići!\n")
    changed = verify(trust, tmp_path / "ugovor.p7s", document, check=1)
    assert changed["indication"] == "TOTAL-FAILED" and changed["subIndication"] == "HASH_FAILURE"


def test_a_wrong_pin_signs_nothing_and_a_revoked_certificate_fails(trust, tmp_path):
    card = make_card(trust, tmp_path)
    document = tmp_path / "izjava.txt"
    document.write_text("Izjava\n")
    refused = sign(trust, card, document, tmp_path / "bad.p7s", pin="000000", check=1)
    assert "Nothing was signed" in refused.stderr and "tries left: 4" in refused.stderr and not (tmp_path / "bad.p7s").exists()
    shown = json.loads(trust.installation.run("card", "show", "--card", card, "--json", data=False, check=0).stdout)
    assert shown["pinTriesLeft"] == 4
    trust.installation.run("ca", "revoke", "--serial", shown["certificates"]["9C"]["serial"], "--reason", "keyCompromise", check=0)
    sign(trust, card, document, tmp_path / "late.p7s")  # the card still signs; the certificate no longer vouches
    report = verify(trust, tmp_path / "late.p7s", document, check=1)
    assert report["indication"] == "TOTAL-FAILED" and report["subIndication"] == "REVOKED", report
