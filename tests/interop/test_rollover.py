"""The citizen CA's rollover (issue 12, item 1) checked by OpenSSL: `licna ca rollover` makes `citizen2` under the
root; certificates issued after it chain to the root through the new CA (`openssl verify`), certificates issued
before still verify through the old one, and each generation answers OCSP for its own certificates (`openssl ocsp`,
revocation included) and publishes a CRL that OpenSSL verifies under it."""
import json
import urllib.request

from test_trust import TrustServer, openssl, split_chain


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.read()


def ocsp(trust, issuer, certificate, chain):
    result = openssl("ocsp", "-issuer", issuer, "-cert", certificate, "-url", trust.ocsp_url, "-CAfile", trust.path("root.pem"),
                     "-verify_other", chain, check=False)
    return result.stdout.decode() + result.stderr.decode()


def test_a_rollover_keeps_both_generations_answering(installation, tmp_path):
    trust = TrustServer(installation, tmp_path)
    try:
        split_chain(tmp_path)
        before, before_serial = trust.issue("before")
        state = json.loads(installation.run("ca", "rollover", "--check", "--json", check=0).stdout)
        assert state["current"] == "citizen" and state["rolloverDue"] is False and state["generations"] == ["citizen"]

        trust.stop()
        made = installation.run("ca", "rollover", env=trust.env, check=0)
        assert "citizen2" in made.stderr, made.stderr
        trust.start()
        state = json.loads(installation.run("ca", "rollover", "--check", "--json", check=0).stdout)
        assert state["current"] == "citizen2" and state["generations"] == ["citizen2", "citizen"]

        after, _ = trust.issue("after")
        chain = tmp_path / "chain2.pem"
        chain.write_text(installation.run("ca", "export", "--what", "chain", check=0).stdout)
        for certificate in (before, after):
            verified = openssl("verify", "-CAfile", trust.path("root.pem"), "-untrusted", str(chain), certificate, check=False)
            assert verified.returncode == 0, verified.stdout.decode() + verified.stderr.decode()
        issuer = openssl("x509", "-in", after, "-noout", "-issuer").stdout.decode()
        assert "Citizen CA 2" in issuer, issuer

        # The new CA's certificate where its AIA says, and each generation's OCSP for its own certificates.
        second = tmp_path / "citizen2.pem"
        second.write_bytes(openssl("x509", "-inform", "DER", "-outform", "PEM", stdin=fetch(trust.url + "/pki/ca/citizen2.cer")).stdout)
        aia = openssl("x509", "-in", after, "-noout", "-ext", "authorityInfoAccess").stdout.decode()
        assert "/pki/ca/citizen2.cer" in aia, aia
        assert ": good" in ocsp(trust, str(second), after, str(chain))
        assert ": good" in ocsp(trust, trust.path("citizen.pem"), before, str(chain))
        installation.run("ca", "revoke", "--serial", before_serial, "--reason", "keyCompromise", check=0)
        answer = ocsp(trust, trust.path("citizen.pem"), before, str(chain))
        assert ": revoked" in answer and "keyCompromise" in answer, answer

        # Each generation's CRL verifies under it.
        installation.run("ca", "crl", check=0)
        for name, issuer_pem in (("citizen-0.crl", trust.path("citizen.pem")), ("citizen2-0.crl", str(second))):
            crl = tmp_path / name
            crl.write_bytes(fetch(trust.url + "/pki/crl/" + name))
            checked = openssl("crl", "-inform", "DER", "-in", str(crl), "-CAfile", issuer_pem, "-noout", check=False)
            assert checked.returncode == 0 and "verify OK" in checked.stderr.decode(), checked.stderr.decode()
        listed = openssl("crl", "-inform", "DER", "-in", str(tmp_path / "citizen-0.crl"), "-noout", "-text").stdout.decode()
        assert before_serial.upper().lstrip("0") in listed.replace(":", "").upper() or before_serial.upper() in listed.upper()
    finally:
        trust.stop()
