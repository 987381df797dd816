"""`licna registry`, `licna audit`, `licna backup`/`restore` as an operator runs them, checked with Python's own
csv and sqlite3 modules and python-stdnum."""
import csv
import datetime
import io
import json
import os
import random
import sqlite3
import stat

from stdnum.si import emso

HEADER = ["jmbg", "identification_number", "given_name", "surname", "given_name_cyrillic", "surname_cyrillic",
          "birth_date", "birth_place", "sex", "citizenship", "address", "municipality", "status", "death_date"]


def people(count, seed=1):
    """Valid, distinct registry rows, their JMBGs made with python-stdnum."""
    rng = random.Random(seed)
    seen, rows = set(), []
    while len(rows) < count:
        date = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(30_000))
        serial = rng.randrange(1000)
        body = f"{date.day:02d}{date.month:02d}{date.year % 1000:03d}2{rng.randrange(1, 10)}{serial:03d}"
        number = body + emso.calc_check_digit(body)
        if number in seen:
            continue
        seen.add(number)
        rows.append([number, "", f"Đorđe{len(rows)}", "Šćepanović", "Ђорђе", "Шћепановић", date.isoformat(), "Nikšić",
                     "M" if serial < 500 else "F", "ME", f"Njegoševa {len(rows)}", "Nikšić", "living", ""])
    return rows


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)


def broken(rows):
    """Breaks rows 100, 5000 and 9999 (file lines 101, 5001, 10000): check digit, future date, region 6x."""
    rows[99][0] = rows[99][0][:12] + str((int(rows[99][0][12]) + 1) % 10)
    future = datetime.date.today().year + 1
    rows[4999][0] = f"0101{future % 1000:03d}21000" + "0"
    rows[9998][0] = rows[9998][0][:7] + "65" + rows[9998][0][9:]
    return rows


def sqlite_bytes(data_dir):
    blob = b""
    for name in os.listdir(data_dir):
        with open(os.path.join(data_dir, name), "rb") as f:
            blob += f.read()
    return blob


def test_bad_rows_import_nothing_and_are_named(installation, tmp_path):
    rows = broken(people(10_000))
    path = tmp_path / "registry.csv"
    write_csv(path, rows)
    process = installation.run("registry", "import", str(path), check=1)
    assert process.stdout.splitlines() == ["line 101: jmbg-check-digit", "line 5001: jmbg-future-date", "line 10000: jmbg-region"]
    assert "Nothing was imported" in process.stderr
    exported = installation.run("registry", "export", check=0)
    assert exported.stdout.splitlines() == [",".join(HEADER)]


def test_skip_invalid_imports_the_rest_without_leaking_jmbgs(installation, tmp_path):
    rows = broken(people(10_000))
    path = tmp_path / "registry.csv"
    write_csv(path, rows)
    # Trace logging prints every SQL statement with its binds: the plain JMBG must not be among them.
    process = installation.run("registry", "import", str(path), "--skip-invalid", env={"LOG_LEVEL": "trace"}, check=0)
    assert "9997 imported" in process.stderr
    assert "INSERT INTO" in process.stderr  # the trace really was on
    rejected_path = str(path) + ".rejected.csv"
    assert stat.S_IMODE(os.stat(rejected_path).st_mode) == 0o600
    with open(rejected_path, encoding="utf-8") as f:
        rejected = list(csv.reader(f))
    assert [r[:2] for r in rejected[1:]] == [["101", "jmbg-check-digit"], ["5001", "jmbg-future-date"], ["10000", "jmbg-region"]]

    logs = (process.stdout + process.stderr).encode()
    database = sqlite_bytes(installation.data)
    good = [r[0] for i, r in enumerate(rows) if i not in (99, 4999, 9998)]
    assert [n for n in good if n.encode() in database] == []
    assert [n for n in good if n.encode() in logs] == []

    db = sqlite3.connect(os.path.join(installation.data, "licna.sqlite"))
    assert db.execute("SELECT count(*) FROM persons").fetchone()[0] == 9997
    assert db.execute("SELECT count(DISTINCT identification_number) FROM persons").fetchone()[0] == 9997
    db.close()

    # The same file again: reported as already registered, never duplicated.
    again = installation.run("registry", "import", str(path), "--skip-invalid", check=0)
    assert "0 imported, 9997 already registered" in again.stderr
    assert again.stdout.startswith("line 2: already-registered\n")

    # The export gives back every row with its JMBG, in the same header, to a 0600 file.
    out = tmp_path / "export.csv"
    installation.run("registry", "export", "-o", str(out), check=0)
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    with open(out, encoding="utf-8") as f:
        exported = list(csv.reader(f))
    assert exported[0] == HEADER
    assert sorted(r[0] for r in exported[1:]) == sorted(good)
    assert {r[3] for r in exported[1:]} == {"Šćepanović"}


def test_find_prints_the_documented_json(installation, tmp_path):
    rows = people(20, seed=3)
    write_csv(tmp_path / "r.csv", rows)
    installation.run("registry", "import", str(tmp_path / "r.csv"), check=0)
    found = installation.run("registry", "find", "--purpose", "citizen-request", "--jmbg", "-", "--json", stdin=rows[5][0] + "\n", check=0)
    persons = json.loads(found.stdout)
    assert len(persons) == 1
    person = persons[0]
    assert person["givenName"] == rows[5][2] and person["surname"] == "Šćepanović"
    assert person["birthDate"] == rows[5][6] and person["sex"] == rows[5][8] and person["municipality"] == "Nikšić"
    assert len(person["identificationNumber"]) == 9
    assert "jmbg" not in person and rows[5][0] not in found.stdout
    revealed = json.loads(installation.run("registry", "find", "--purpose", "citizen-request", "--id", person["identificationNumber"], "--json", "--reveal-jmbg", check=0).stdout)
    assert revealed[0]["jmbg"] == rows[5][0]
    by_name = json.loads(installation.run("registry", "find", "--purpose", "citizen-request", "--name", "djordje5", "--json", check=0).stdout)
    assert [p["identificationNumber"] for p in by_name] == [person["identificationNumber"]]
    cyrillic = json.loads(installation.run("registry", "find", "--purpose", "citizen-request", "--name", "Ђорђе1", "--json", "--limit", "100", check=0).stdout)
    assert {p["givenName"] for p in cyrillic} >= {"Đorđe1", "Đorđe10", "Đorđe19"}
    born = json.loads(installation.run("registry", "find", "--purpose", "citizen-request", "--born-before", "2100-01-01", "--json", check=0).stdout)
    assert len(born) == 20
    installation.run("registry", "find", "--purpose", "citizen-request", "--jmbg", "0101006500006", check=2)  # never as an argument
    installation.run("registry", "find", "--purpose", "citizen-request", "--name", "nobody-has-this-name", check=1)

    # Who touched this record: the import, two reads and the reveal.
    shown = json.loads(installation.run("audit", "show", "--person", person["identificationNumber"], "--json", check=0).stdout)
    actions = [e["action"] for e in shown]
    assert actions[0] == "registry.import-started"
    assert actions.count("person.jmbg-revealed") == 1
    assert actions.count("person.read") >= 2


def test_audit_verify_names_the_altered_and_the_deleted_entry(installation, tmp_path):
    write_csv(tmp_path / "r.csv", people(30, seed=5))
    installation.run("registry", "import", str(tmp_path / "r.csv"), check=0)
    installation.run("registry", "find", "--purpose", "citizen-request", "--name", "Đorđe", check=0)
    ok = installation.run("audit", "verify", "--json", check=0)
    entries = json.loads(ok.stdout)["entries"]
    assert entries >= 5

    path = os.path.join(installation.data, "licna.sqlite")
    db = sqlite3.connect(path)
    db.execute("UPDATE audit_entries SET purpose = 'nothing to see' WHERE id = 4")
    db.commit()
    altered = installation.run("audit", "verify", check=1)
    assert altered.stdout.strip() == "broken 4 altered"
    assert "entry 4" in altered.stderr

    original = db.execute("SELECT purpose FROM audit_entries WHERE id = 3").fetchone()
    db.execute("UPDATE audit_entries SET purpose = (SELECT purpose FROM audit_entries WHERE id = 5) WHERE id = 4")
    db.execute("DELETE FROM audit_entries WHERE id = 4")
    db.commit()
    db.close()
    deleted = json.loads(installation.run("audit", "verify", "--json", check=1).stdout)
    assert deleted == {"ok": False, "entries": 3, "brokenEntry": 4, "reason": "missing"}


def test_backup_and_restore_round_trip(installation, tmp_path, licna_bin):
    write_csv(tmp_path / "r.csv", people(300, seed=9))
    installation.run("registry", "import", str(tmp_path / "r.csv"), check=0)
    backup = tmp_path / "licna.backup"
    installation.run("backup", "--out", str(backup), check=0)
    assert stat.S_IMODE(os.stat(backup).st_mode) == 0o600
    key = installation.env["LICNA_MASTER_KEY"]
    assert key.encode() not in backup.read_bytes()

    target = tmp_path / "restored"
    restored = installation.run("restore", str(backup), "--data", str(target), check=0, data=False)
    assert "Restored" in restored.stderr
    before = installation.run("registry", "export", check=0).stdout
    after = installation.run("registry", "export", "--data", str(target), check=0, data=False).stdout
    assert sorted(before.splitlines()) == sorted(after.splitlines()) and len(before.splitlines()) == 301
    installation.run("audit", "verify", "--data", str(target), check=0, data=False)

    # Another master key is refused, and so is restoring over data.
    other = installation.run("restore", str(backup), "--data", str(tmp_path / "other"), env={"LICNA_MASTER_KEY": "ab" * 32},
                             check=1, data=False)
    assert "another master key" in other.stderr
    installation.run("restore", str(backup), check=1)


def test_wrong_master_key_and_register_birth(installation, tmp_path):
    born = json.loads(installation.run("registry", "register-birth", "--given-name", "Mila", "--surname", "Ivanović",
                                       "--birth-date", "2026-01-15", "--birth-place", "Cetinje", "--sex", "F", "--region", "25",
                                       "--address", "Njegoševa 1", "--municipality", "Cetinje", check=0).stdout)
    assert emso.is_valid(born["jmbg"]) and born["jmbg"].startswith("150102625")
    # The first female serial whose m is not 10 (such numbers are valid to some sources only: never assigned).
    def m(body):
        return 11 - sum(w * int(c) for w, c in zip((7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2), body)) % 11
    expected = next(s for s in range(500, 1000) if m(f"150102625{s:03d}") != 10)
    assert int(born["jmbg"][9:12]) == expected
    installation.run("registry", "record-death", "--id", born["identificationNumber"], "--date", "2026-02-01", check=0)
    refused = installation.run("audit", "verify", env={"LICNA_MASTER_KEY": "cd" * 32}, check=2)
    assert "different master key" in refused.stderr
