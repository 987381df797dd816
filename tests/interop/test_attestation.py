"""Key attestation (docs/card.md "Key attestation"): the virtual card answers ATTEST (`00 F9`) with a certificate
that OpenSSL parses and verifies up to the card's attestation-key certificate (`5FFF01`) and the installation's
development root; only a development installation (`--dev`) gives the card's signature certificate QcSSCD
(policy QCP-n-qscd), and `licna ca issue --attestation` takes the same evidence. The APDUs go to the card image
through `licna card apdu`, and once through pcscd and OpenSC (the `card` fixture of test_card.py: the shared vpcd
slot 0, used by one test at a time)."""
import json

from test_card import card  # noqa: F401  (card: the virtual card inserted into pcscd through vpcd, slot 0)
from test_trust import openssl, trust, verhoeff_number  # noqa: F401  (trust: a `ca init --dev` hierarchy served on loopback, the server not --dev)

QCP_N_QSCD = "0.4.0.194112.1.2"
QCP_N = "0.4.0.194112.1.0"


def apdus(installation, card, *commands):
    """Each command's answer as (data bytes, status 'XXXX'), in one card session."""
    result = installation.run("card", "apdu", "--card", card, *commands, data=False, check=0)
    answers = []
    for line in result.stdout.split():
        raw = bytes.fromhex(line)
        answers.append((raw[:-2], raw[-2:].hex().upper()))
    return answers


def signature_policy(installation, card, tmp_path):
    report = json.loads(installation.run("card", "show", "--card", card, "--json", data=False, check=0).stdout)
    pem = tmp_path / "9C.pem"
    pem.write_text(report["certificates"]["9C"]["pem"])
    text = openssl("x509", "-in", str(pem), "-noout", "-text").stdout.decode()
    return QCP_N_QSCD if QCP_N_QSCD in text else QCP_N if QCP_N in text else None


def test_only_a_dev_installation_gives_a_virtual_card_qcsscd_and_openssl_verifies_its_attestation(trust, tmp_path):
    installation = trust.installation
    dev, plain = str(tmp_path / "dev"), str(tmp_path / "plain")
    installation.run("card", "create", "--out", dev, "--test-identity", "PETROVIĆ, Đorđe", "--data", installation.data, "--dev",
                     data=False, check=0)
    installation.run("card", "create", "--out", plain, "--test-identity", "PETROVIĆ, Đorđe", "--data", installation.data,
                     data=False, check=0)
    assert signature_policy(installation, dev, tmp_path) == QCP_N_QSCD
    assert signature_policy(installation, plain, tmp_path) == QCP_N
    # The server runs without --dev: a card it manufactures and certifies gets no QcSSCD either.
    served = str(tmp_path / "served")
    installation.run("card", "create", "--out", served, "--test-identity", "A, B", "--server", trust.url,
                     env={"LICNA_OFFICER_TOKEN": trust.officer_token}, data=False, check=0)
    assert signature_policy(installation, served, tmp_path) == QCP_N

    # ATTEST and GET DATA 5FFF01 with extended Le; an unknown slot is 6A 86.
    (_, selected), (attestation, status), (device, read), (_, wrong) = apdus(
        installation, dev, "00A4040C09A00000030800001000", "00F99C00000000", "00CB3FFF0000055C035FFF010000", "00F99B0000")
    assert (selected, status, read, wrong) == ("9000", "9000", "9000", "6A86")
    (tmp_path / "attestation.der").write_bytes(attestation)
    # 53 { 70 <certificate> 71 01 00 FE 00 }: take the 70 element.
    body = device[2 + (device[1] & 0x7F if device[1] & 0x80 else 0):]
    assert body[0] == 0x70
    length, start = (body[1], 2) if body[1] < 0x80 else (int.from_bytes(body[2:2 + (body[1] & 0x7F)], "big"), 2 + (body[1] & 0x7F))
    (tmp_path / "f9.der").write_bytes(body[start:start + length])
    openssl("x509", "-inform", "DER", "-in", str(tmp_path / "attestation.der"), "-out", str(tmp_path / "attestation.pem"))
    openssl("x509", "-inform", "DER", "-in", str(tmp_path / "f9.der"), "-out", str(tmp_path / "f9.pem"))
    text = openssl("x509", "-in", str(tmp_path / "attestation.pem"), "-noout", "-text").stdout.decode()
    assert "Licna PIV Attestation 9C" in text and "1.3.6.1.4.1.64512.1.3.1" in text
    # The chain attestation → card's attestation key → the installation's development root (`ca export`).
    root = installation.run("ca", "export", "--what", "virtual-card-root", check=0).stdout
    (tmp_path / "virtual-card-root.pem").write_text(root)
    openssl("verify", "-CAfile", str(tmp_path / "virtual-card-root.pem"), "-untrusted", str(tmp_path / "f9.pem"),
            str(tmp_path / "attestation.pem"))
    wrong = openssl("verify", "-CAfile", trust.path("root.pem"), "-untrusted", str(tmp_path / "f9.pem"),
                    str(tmp_path / "attestation.pem"), check=False)
    assert wrong.returncode != 0

    # `licna ca issue --attestation`: the same evidence for a key that is not the CSR's gives no QcSSCD, and a file
    # that is not an attestation is refused (exit 1).
    (tmp_path / "attestation-bundle.pem").write_text((tmp_path / "attestation.pem").read_text() + (tmp_path / "f9.pem").read_text())
    trust.csr("software", "/C=ME/GN=A/SN=B/CN=A B/serialNumber=PNOME-" + verhoeff_number())
    issued = installation.run("ca", "issue", "--profile", "signature", "--csr", trust.path("software.csr"),
                              "--attestation", str(tmp_path / "attestation-bundle.pem"), check=0)
    (tmp_path / "software.pem").write_text(issued.stdout)
    assert QCP_N in openssl("x509", "-in", str(tmp_path / "software.pem"), "-noout", "-text").stdout.decode()
    refused = installation.run("ca", "issue", "--profile", "signature", "--csr", trust.path("software.csr"),
                               "--attestation", trust.path("software.csr"))
    assert refused.returncode == 1, refused.stderr


def test_serve_takes_qscd_models_in_pairs_and_never_the_virtual_card(installation, tmp_path):
    root = tmp_path / "root.pem"
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
            str(tmp_path / "root.key"), "-out", str(root), "-subj", "/CN=Acme attestation root", "-days", "30")
    (tmp_path / "junk.pem").write_text("not a certificate\n")
    cases = [
        (["--qscd-model", "acme"], "pairs"),
        (["--qscd-model", "acme", "--attestation-root", str(root), "--attestation-root", str(root)], "pairs"),
        (["--qscd-model", "licna-virtual", "--attestation-root", str(root)], "never a certified QSCD"),
        (["--qscd-model", "acme", "--attestation-root", str(tmp_path / "junk.pem")], "is not a certificate"),
    ]
    for arguments, message in cases:
        result = installation.run("serve", "--port", "1", *arguments)
        assert result.returncode == 2 and message in result.stderr, (arguments, result.returncode, result.stderr)


def received(output):
    """The response bytes of each APDU in `opensc-tool -s` output (OpenSC's hex dump: 16 bytes a line, each
    `XX `, then the ASCII column)."""
    answers, current = [], None
    for line in output.splitlines():
        if line.startswith("Received"):
            current = bytearray()
            answers.append(current)
        elif line.startswith("Sending") or not line.strip():
            current = None
        elif current is not None:
            current += bytes.fromhex(line[:48])
    return [bytes(answer) for answer in answers]


def test_attestation_through_pcscd_and_opensc(card, tmp_path):
    """ATTEST through the reader stack (pcscd, vpcd, OpenSC's default driver following 61 xx): OpenSSL verifies the
    attestation under the card's attestation-key certificate, and the attested key is the one OpenSC reads from
    the 9C certificate (pkcs15 ID 02)."""
    from test_card import run
    _, output = run("opensc-tool", "-r", "0", "-c", "default", "-s", "00 A4 04 0C 09 A0 00 00 03 08 00 00 10 00",
                    "-s", "00 F9 9C 00 00", "-s", "00 CB 3F FF 05 5C 03 5F FF 01 00")
    _, attestation, device = received(output)
    assert attestation[0] == 0x30, output
    (tmp_path / "attestation.der").write_bytes(attestation)
    body = device[2 + (device[1] & 0x7F if device[1] & 0x80 else 0):]
    length, start = (body[1], 2) if body[1] < 0x80 else (int.from_bytes(body[2:2 + (body[1] & 0x7F)], "big"), 2 + (body[1] & 0x7F))
    (tmp_path / "f9.der").write_bytes(body[start:start + length])
    for name in ("attestation", "f9"):
        openssl("x509", "-inform", "DER", "-in", str(tmp_path / f"{name}.der"), "-out", str(tmp_path / f"{name}.pem"))
    openssl("verify", "-partial_chain", "-CAfile", str(tmp_path / "f9.pem"), str(tmp_path / "attestation.pem"))
    _, pem = run("pkcs15-tool", "--read-certificate", "02")
    (tmp_path / "9C.pem").write_text(pem[pem.index("-----BEGIN CERTIFICATE-----"):])
    keys = [openssl("x509", "-in", str(tmp_path / f"{name}.pem"), "-noout", "-pubkey").stdout for name in ("attestation", "9C")]
    assert keys[0] == keys[1]
