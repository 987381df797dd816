"""`licna numbers` against python-stdnum (stdnum.si.emso for JMBG, stdnum.verhoeff) as the independent oracle."""
import datetime
import random
import subprocess
import zoneinfo

from stdnum import verhoeff
from stdnum.si import emso

TODAY = datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Podgorica")).date()


def oracle_valid(number):
    """python-stdnum's EMŠO rules plus Licna's two extra rules: region 60-69 unassigned, no future birth date."""
    if not emso.is_valid(number):
        return False
    if 60 <= int(number[7:9]) <= 69:
        return False
    return emso.get_birth_date(number) <= TODAY


def validate(licna_bin, numbers):
    process = subprocess.run([licna_bin, "numbers", "validate", "--scheme", "jmbg"], input="\n".join(numbers) + "\n",
                             capture_output=True, text=True, timeout=300)
    lines = process.stdout.splitlines()
    assert len(lines) == len(numbers), process.stderr
    return process.returncode, lines


def valid_jmbg(rng):
    while True:
        date = datetime.date(1800, 1, 1) + datetime.timedelta(days=rng.randrange((TODAY - datetime.date(1800, 1, 1)).days + 1))
        region = rng.choice([r for r in range(100) if not 60 <= r <= 69])
        body = f"{date.day:02d}{date.month:02d}{date.year % 1000:03d}{region:02d}{rng.randrange(1000):03d}"
        return body + emso.calc_check_digit(body)


def test_random_strings_agree_with_stdnum(licna_bin):
    rng = random.Random(2026)
    numbers = ["".join(rng.choice("0123456789") for _ in range(13)) for _ in range(10_000)]
    status, lines = validate(licna_bin, numbers)
    disagreements = []
    for number, line in zip(numbers, lines):
        assert line.startswith(number + " ")
        ours = line == f"{number} valid"
        if ours != oracle_valid(number):
            disagreements.append(line)
    assert disagreements == []
    assert status == 1  # some are invalid


def test_valid_numbers_agree_with_stdnum(licna_bin):
    rng = random.Random(7)
    numbers = [valid_jmbg(rng) for _ in range(10_000)]
    assert all(oracle_valid(n) for n in numbers)
    status, lines = validate(licna_bin, numbers)
    assert [line for line in lines if not line.endswith(" valid")] == []
    assert status == 0


def test_reason_codes_and_arguments(licna_bin):
    cases = {
        "0101006500006": "valid",
        "0101006500007": "invalid: check-digit",
        "010100650000": "invalid: length",
        "01010065000a6": "invalid: non-digit",
        "3102990210007": "invalid: date",
        f"0101{(TODAY.year + 1) % 1000:03d}210004": "invalid: future-date",
        "0101990650003": "invalid: region",
    }
    process = subprocess.run([licna_bin, "numbers", "validate", "--scheme", "jmbg", *cases], capture_output=True, text=True)
    assert process.stdout.splitlines() == [f"{n} {r}" for n, r in cases.items()]
    assert process.returncode == 1
    ok = subprocess.run([licna_bin, "numbers", "validate", "0101006500006"], capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout == "0101006500006 valid\n"


def test_decode_agrees_with_stdnum(licna_bin):
    rng = random.Random(11)
    for number in [valid_jmbg(rng) for _ in range(50)]:
        process = subprocess.run([licna_bin, "numbers", "decode", "--json"], input=number + "\n", capture_output=True, text=True)
        assert process.returncode == 0, process.stderr
        import json
        decoded = json.loads(process.stdout)
        assert decoded["birthDate"] == emso.get_birth_date(number).isoformat()
        assert decoded["sex"] == emso.get_gender(number)
        assert decoded["regionCode"] == number[7:9]
    bad = subprocess.run([licna_bin, "numbers", "decode"], input="0101006500007\n", capture_output=True, text=True)
    assert bad.returncode == 1 and bad.stdout.strip() == "invalid: check-digit"
    assert "check digit" in bad.stderr


def mosip_filters_hold(number):
    d = [int(c) for c in number]
    if d[0] in (0, 1):
        return False
    for i in range(len(d) - 2):
        if d[i + 1] - d[i] == d[i + 2] - d[i + 1] and abs(d[i + 1] - d[i]) == 1:
            return False
    for i in range(len(d)):
        for j in (i + 1, i + 2):
            if j < len(d) and d[i] == d[j]:
                return False
    pairs = [number[i:i + 2] for i in range(len(d) - 1)]
    for i, pair in enumerate(pairs):
        if pair in pairs[i + 2:]:
            return False
    if number[:5] == number[-5:] or number[:5] == number[-5:][::-1]:
        return False
    rotations = {("142857" * 2)[k:k + 6] for k in range(6)}
    return not any(r in number for r in rotations)


def test_generated_identification_numbers(licna_bin):
    process = subprocess.run([licna_bin, "numbers", "generate", "--scheme", "identification", "--count", "10000"],
                             capture_output=True, text=True, check=True)
    numbers = process.stdout.split()
    assert len(numbers) == 10_000 and len(set(numbers)) == 10_000
    assert all(len(n) == 9 and n.isdigit() for n in numbers)
    assert [n for n in numbers if not verhoeff.is_valid(n)] == []
    assert [n for n in numbers if not mosip_filters_hold(n)] == []
    # And `numbers validate --scheme identification` agrees with stdnum on them and on corrupted ones.
    corrupted = [n[:4] + str((int(n[4]) + 3) % 10) + n[5:] for n in numbers[:1000]]
    check = subprocess.run([licna_bin, "numbers", "validate", "--scheme", "identification"],
                           input="\n".join(numbers[:1000] + corrupted) + "\n", capture_output=True, text=True)
    for line in check.stdout.splitlines():
        number, verdict = line.split(" ", 1)
        assert (verdict == "valid") == verhoeff.is_valid(number), line
