"""Issue 10, items 3 and 4 from the command line: an audit checkpoint verifies with `openssl ts -verify` (an independent
RFC 3161 implementation) and names a chain that an insider rewrote with recomputed hashes (in Python, from the
documented hash, not Licna's code); a backup edited with a text editor, or restored without the root's pin, is
refused and leaves nothing behind."""
import base64
import hashlib
import json
import re
import sqlite3
import struct

from test_trust import ROOT_PASSPHRASE, openssl


def audit_hash(row):
    """README, "Audit trail": SHA-256 over length-prefixed fields (None as FF FF FF FF)."""
    digest = hashlib.sha256()
    for field in ("licna.audit.v1", str(row["id"]), str(row["time_ms"]), row["actor"], row["purpose"], row["action"],
                  row["object_type"], row["object_id"], row["detail"], row["previous_hash"]):
        if field is None:
            digest.update(b"\xff\xff\xff\xff")
        else:
            data = field.encode()
            digest.update(struct.pack(">I", len(data)) + data)
    return digest.hexdigest()


def registered(installation, given):
    installation.run("registry", "register-birth", "--given-name", given, "--surname", "Test", "--birth-date", "2026-01-15",
                     "--birth-place", "Bar", "--sex", "F", "--region", "22", "--address", "Obala 1", "--municipality", "Bar", check=0)


def make_ca(installation):
    result = installation.run("ca", "init", "--dev", env={"LICNA_ROOT_PASSPHRASE": ROOT_PASSPHRASE}, check=0)
    return re.search(r"^root-sha256 ([0-9a-f]{64})$", result.stdout, re.MULTILINE).group(1)


def test_a_checkpoint_verifies_with_openssl_and_names_a_rewritten_chain(installation, tmp_path):
    make_ca(installation)
    for name in ("Ana", "Bojana", "Cvijeta"):
        registered(installation, name)
    checkpoint = tmp_path / "checkpoint.txt"
    installation.run("audit", "checkpoint", "-o", str(checkpoint), check=0)
    text = checkpoint.read_text()
    lines = text.split("\n")
    assert lines[0] == "licna-audit-checkpoint/v1" and lines[5] == "" and lines[6].startswith("timestamp ")
    sequence = int(lines[2].split(" ")[1])
    (tmp_path / "body.txt").write_text("\n".join(lines[:5]) + "\n")
    (tmp_path / "token.der").write_bytes(base64.b64decode(lines[6].split(" ", 1)[1]))
    for what in ("root", "chain"):
        (tmp_path / f"{what}.pem").write_text(installation.run("ca", "export", "--what", what, check=0).stdout)
    verified = openssl("ts", "-verify", "-data", str(tmp_path / "body.txt"), "-in", str(tmp_path / "token.der"), "-token_in",
                       "-CAfile", str(tmp_path / "root.pem"), "-untrusted", str(tmp_path / "chain.pem"))
    assert b"Verification: OK" in verified.stdout
    # An edited body no longer matches the token.
    (tmp_path / "edited.txt").write_text("\n".join(lines[:5]).replace(f"sequence {sequence}", f"sequence {sequence - 1}") + "\n")
    assert openssl("ts", "-verify", "-data", str(tmp_path / "edited.txt"), "-in", str(tmp_path / "token.der"), "-token_in",
                   "-CAfile", str(tmp_path / "root.pem"), "-untrusted", str(tmp_path / "chain.pem"), check=False).returncode != 0

    registered(installation, "Dragana")
    installation.run("audit", "verify", "--checkpoint", str(checkpoint), check=0)

    # The insider: rewrite every entry from one the checkpoint covers, recompute the hashes and the head.
    db = sqlite3.connect(installation.data + "/licna.sqlite")
    db.row_factory = sqlite3.Row
    rows = [dict(r) for r in db.execute("SELECT * FROM audit_entries ORDER BY id")]
    previous = None
    for row in rows:
        if row["id"] >= sequence - 1:
            row["actor"] = "nobody"
            row["previous_hash"] = previous
            row["hash"] = audit_hash(row)
            db.execute("UPDATE audit_entries SET actor = ?, previous_hash = ?, hash = ? WHERE id = ?",
                       (row["actor"], row["previous_hash"], row["hash"], row["id"]))
        previous = row["hash"]
    db.execute("UPDATE audit_head SET hash = ? WHERE id = 1", (previous,))
    db.commit()
    db.close()
    # The chain alone is fooled …
    assert installation.run("audit", "verify", check=0).stdout.startswith("ok ")
    # … the checkpoint is not, and says where.
    result = installation.run("audit", "verify", "--checkpoint", str(checkpoint), check=1)
    assert f"checkpoint {checkpoint} rewritten {sequence}" in result.stdout
    assert f"entry {sequence}" in result.stderr


def test_a_forged_backup_is_refused_and_the_root_must_be_pinned(installation, tmp_path):
    pin = make_ca(installation)
    registered(installation, "Ana")
    backup = tmp_path / "licna.backup"
    installation.run("backup", "--out", str(backup), check=0)
    lines = backup.read_text().splitlines()
    assert json.loads(lines[-1])["mac"] and len(json.loads(lines[-1])["mac"]) == 64

    target = str(tmp_path / "target")
    # Without the pin: refused as a usage error, nothing written.
    result = installation.run("restore", str(backup), "--data", target, check=2, data=False)
    assert "--root-sha256" in result.stderr
    # One byte of one row changed (a person's address): the MAC fails before anything is written.
    forged = tmp_path / "forged.backup"
    changed = [line.replace("Obala 1", "Obala 2") for line in lines]
    assert changed != lines
    forged.write_text("\n".join(changed) + "\n")
    result = installation.run("restore", str(forged), "--data", target, "--root-sha256", pin, check=1, data=False)
    assert "MAC" in result.stderr
    # Another root's pin: refused.
    result = installation.run("restore", str(backup), "--data", target, "--root-sha256", "00" * 32, check=1, data=False)
    assert "not the one you pinned" in result.stderr
    # Nothing of the refused attempts stayed: the right pin restores into the same target.
    installation.run("restore", str(backup), "--data", target, "--root-sha256", pin.upper(), check=0, data=False)
    installation.run("audit", "verify", "--data", target, check=0, data=False)
