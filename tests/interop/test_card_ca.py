"""Cards personalized from a Licna installation (`licna card create --data` and `--server`): their certificates
chain to the installation's root and answer OCSP, their EF.SOD verifies with `openssl cms -verify` against the
installation's CSCA, and passive authentication notices an altered DG1."""
import base64
import json
import os

from test_trust import ADMIN_TOKEN, TrustServer, openssl, trust  # noqa: F401  (trust: a development CA hierarchy on loopback)


def show(installation, card, *extra, check=0):
    result = installation.run("card", "show", "--card", card, "--json", *extra, data=False, check=check)
    return json.loads(result.stdout)


def verify_security_object(report, csca, tmp_path):
    """EF.SOD is tag 77 around a CMS ContentInfo; openssl verifies the SignedData against the CSCA."""
    sod = base64.b64decode(report["files"]["011D"])
    assert sod[0] == 0x77
    header = 2 + (sod[1] & 0x7F if sod[1] & 0x80 else 0)
    (tmp_path / "sod.der").write_bytes(sod[header:])
    result = openssl("cms", "-verify", "-inform", "DER", "-in", str(tmp_path / "sod.der"), "-CAfile", csca,
                     "-purpose", "any", "-out", str(tmp_path / "lds.der"))
    assert b"Verification successful" in result.stderr


def check_card(trust, card, tmp_path):
    installation = trust.installation
    report = show(installation, card, "--can", "123456", "--csca", trust.path("csca.pem"))
    assert report["passiveAuthentication"]["passed"] is True
    assert report["pinTriesLeft"] == 5 and report["pukTriesLeft"] == 5
    for slot in ("9A", "9C"):
        pem = tmp_path / f"{slot}.pem"
        pem.write_text(report["certificates"][slot]["pem"])
        openssl("verify", "-CAfile", trust.path("root.pem"), "-untrusted", trust.path("chain.pem"), str(pem))
        assert ": good" in trust.ocsp(str(pem))
        assert "0101990" not in report["certificates"][slot]["subject"]
    verify_security_object(report, trust.path("csca.pem"), tmp_path)
    return report


def test_card_from_the_installations_data_folder(trust, tmp_path):
    card = str(tmp_path / "card")
    trust.installation.run("card", "create", "--out", card, "--test-identity", "ĐUKANOVIĆ, Milica", "--data",
                           trust.installation.data, data=False, check=0)
    report = check_card(trust, card, tmp_path)
    assert report["mrz"][2].startswith("DUKANOVIC<<MILICA<")
    # A revoked card certificate shows as revoked at once.
    serial = report["certificates"]["9A"]["serial"]
    trust.installation.run("ca", "revoke", "--serial", serial, "--reason", "keyCompromise", check=0)
    assert "revoked" in trust.ocsp(str(tmp_path / "9A.pem"))


def test_card_through_the_servers_officer_api(trust, tmp_path):
    card = str(tmp_path / "card")
    result = trust.installation.run("card", "create", "--out", card, "--test-identity", "Јовановић, Љубица",
                                    "--server", trust.url, env={"LICNA_OFFICER_TOKEN": trust.officer_token}, data=False, check=0)
    assert "development" in result.stderr
    report = check_card(trust, card, tmp_path)
    assert report["mrz"][2].startswith("JOVANOVIC<<LJUBITSA<")  # ICAO 9303-3: Ј→J, Љ→LJ, Ц→TS
    # A wrong token is refused and leaves no card behind.
    bad = str(tmp_path / "bad")
    result = trust.installation.run("card", "create", "--out", bad, "--test-identity", "A, B", "--server", trust.url,
                                    env={"LICNA_OFFICER_TOKEN": "wrong"}, data=False, check=3)
    assert "401" in result.stderr
    # The admin token only names the first administrator: it makes no card either.
    result = trust.installation.run("card", "create", "--out", bad, "--test-identity", "A, B", "--server", trust.url,
                                    env={"LICNA_OFFICER_TOKEN": ADMIN_TOKEN}, data=False, check=3)
    assert "answered 403" in result.stderr and "only names the first administrator" in result.stderr
    assert not [name for name in os.listdir(tmp_path) if name.startswith("bad")]


def test_known_pins_are_never_certified_by_a_real_ca(installation, tmp_path):
    """Issue 10, item 10: `card create --test-identity` (PIN 123456) against an installation made without
    `ca init --dev` is refused, from the data folder and through the server, and leaves no card behind."""
    server = TrustServer(installation, tmp_path, dev=False)
    try:
        root = openssl("x509", "-in", server.path("root.pem"), "-noout", "-subject").stdout.decode()
        assert "TEST" not in root
        for where in (["--data", installation.data], ["--server", server.url]):
            card = str(tmp_path / ("card-" + where[0].strip("-")))
            result = installation.run("card", "create", "--out", card, "--test-identity", "A, B", *where,
                                      env={"LICNA_OFFICER_TOKEN": server.officer_token}, data=False, check=2)
            assert "ca init --dev" in result.stderr
            assert not [name for name in os.listdir(tmp_path) if name.startswith(os.path.basename(card))]
    finally:
        server.stop()


def test_a_development_hierarchy_says_test_in_every_ca_name(trust):
    for what in ("root.pem", "citizen.pem", "institution.pem", "csca.pem"):
        assert "TEST" in openssl("x509", "-in", trust.path(what), "-noout", "-subject").stdout.decode()


def test_passive_authentication_rejects_an_altered_dg1(installation, tmp_path):
    card = str(tmp_path / "card")
    installation.run("card", "create", "--out", card, "--test-identity", "PETROVIĆ, Đorđe", data=False, check=0)
    csca = card + ".csca.pem"
    genuine = show(installation, card, "--can", "123456", "--csca", csca)
    assert genuine["passiveAuthentication"]["passed"] is True
    verify_security_object(genuine, csca, tmp_path)  # the throwaway test CSCA written beside the card
    # DG1 refused before the CAN.
    closed = show(installation, card)
    assert closed["mrz"] is None and "1" in closed["dataGroupsUnreadable"]
    # Change one letter of the MRZ in the card image: the hash no longer matches EF.SOD.
    image = json.load(open(card))
    dg1 = bytearray(base64.b64decode(image["files"]["0101"]))
    position = dg1.index(b"PETROVIC")
    dg1[position] = ord("Q")
    image["files"]["0101"] = base64.b64encode(bytes(dg1)).decode()
    json.dump(image, open(card, "w"))
    report = show(installation, card, "--can", "123456", "--csca", csca, check=1)
    assert report["passiveAuthentication"]["passed"] is False
    assert any("1" in failure for failure in report["passiveAuthentication"]["failures"])


def add_years(day, years):
    """The same day `years` later; 29 February becomes 28 February in a common year (as Licna's policy counts)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def test_the_card_policy_reaches_the_card(trust, tmp_path):
    """Issue 12, item 1, checked with OpenSSL and the card as read: a 76-year-old's card lasts 50 years, its MRZ 10 and
    its certificates 5; a 14-year-old's card lasts 5 years and has no signature certificate; a country's own policy
    (`licna cards policy --set`) shortens the certificates of the next card; a policy that makes no sense is refused."""
    import datetime
    import zoneinfo
    today = datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Podgorica")).date()
    installation = trust.installation
    defaults = json.loads(installation.run("cards", "policy", "--json", check=0).stdout)
    assert [(band["fromAge"], band["years"]) for band in defaults["cardValidity"]] == [(0, 5), (18, 10), (75, 50)]
    assert defaults["certificateMaximumYears"] == 5 and defaults["signatureCertificateMinimumAge"] == 18

    def card_for(birth, name):
        card = str(tmp_path / name)
        installation.run("card", "create", "--out", card, "--test-identity", f"{name.upper()}, Test", "--birth-date", birth.isoformat(),
                         "--data", installation.data, data=False, check=0)
        return show(installation, card, "--can", "123456", "--csca", trust.path("csca.pem"))

    def not_after(report, slot):
        pem = tmp_path / f"{slot}.pem"
        pem.write_text(report["certificates"][slot]["pem"])
        end = openssl("x509", "-in", str(pem), "-noout", "-enddate").stdout.decode().strip().split("=", 1)[1]
        return datetime.datetime.strptime(end, "%b %d %H:%M:%S %Y %Z").date()

    elder = card_for(datetime.date(today.year - 76, 1, 1), "elder")
    assert elder["identity"]["cardExpiry"] == add_years(today, 50).strftime("%Y%m%d")
    assert elder["mrz"][1][8:14] == add_years(today, 10).strftime("%y%m%d")  # TD1 line 2: the document's expiry
    assert elder["passiveAuthentication"]["passed"] is True
    for slot in ("9A", "9C"):
        assert not_after(elder, slot) <= add_years(today, 5)
    assert ": good" in trust.ocsp(str(tmp_path / "9C.pem"))

    minor = card_for(datetime.date(today.year - 14, 1, 1), "minor")
    assert minor["identity"]["cardExpiry"] == add_years(today, 5).strftime("%Y%m%d")
    assert "9C" not in minor["certificates"] and "9A" in minor["certificates"]
    assert not_after(minor, "9A") <= add_years(today, 5)

    own = dict(defaults, certificateMaximumYears=3)
    (tmp_path / "policy.json").write_text(json.dumps(own))
    result = installation.run("cards", "policy", "--set", str(tmp_path / "policy.json"), check=0)
    assert "Certificates: at most 3 years" in result.stdout
    adult = card_for(datetime.date(today.year - 40, 1, 1), "adult")
    assert not_after(adult, "9A") <= add_years(today, 3)
    for broken in ({**own, "cardValidity": [{"fromAge": 18, "years": 10}]}, {**own, "certificateMaximumYears": 0}, {"cardValidity": 5}):
        (tmp_path / "broken.json").write_text(json.dumps(broken))
        result = installation.run("cards", "policy", "--set", str(tmp_path / "broken.json"))
        assert result.returncode in (1, 2) and result.stderr.strip(), result
    assert json.loads(installation.run("cards", "policy", "--json", check=0).stdout)["certificateMaximumYears"] == 3


def test_a_recorded_death_revokes_the_persons_certificates_in_ocsp(trust, tmp_path):
    """Issue 12, item 6, checked with OpenSSL: after `licna registry record-death`, OCSP (a nonce request, answered from
    the store at that moment) says both of the person's certificates are revoked with reason cessationOfOperation,
    and another person's certificate stays good."""
    import datetime
    import zoneinfo
    today = datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Podgorica")).date()
    installation = trust.installation
    born = json.loads(installation.run("registry", "register-birth", "--given-name", "Petar", "--surname", "Vuković",
                                       "--birth-date", "1950-03-02", "--birth-place", "Cetinje", "--sex", "M", "--region", "23",
                                       "--address", "Baja Pivljanina 2", "--municipality", "Cetinje", check=0).stdout)
    number = born["identificationNumber"]
    subject = f"/C=ME/GN=Petar/SN=Vuković/CN=Petar Vuković/serialNumber=PNOME-{number}"
    certificates = [trust.issue("deceased-auth", "authentication", subject)[0], trust.issue("deceased-sign", "signature", subject)[0]]
    other, _ = trust.issue("living")
    for certificate in certificates + [other]:
        assert ": good" in trust.ocsp(certificate)
    result = installation.run("registry", "record-death", "--id", number, "--date", today.isoformat(), check=0)
    assert "(2)" in result.stderr  # the command says how many certificates it revoked
    for certificate in certificates:
        answer = trust.ocsp(certificate)
        assert ": revoked" in answer and "Reason: cessationOfOperation" in answer, answer
    assert ": good" in trust.ocsp(other)
