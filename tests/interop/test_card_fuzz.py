"""The card's libFuzzer target (Sources/LicnaCardFuzz) for a bounded time: APDU sessions against an in-memory
virtual card must never crash, hang, answer without a status word, or give back a PIN/PUK/CAN try."""
import os

from conftest import run_libfuzzer

SECONDS = int(os.environ.get("LICNA_FUZZ_SECONDS", "60"))

SELECT_PIV = "00A4040009A0000003080000100000"
SELECT_EMRTD = "00A4040C07A0000002471001"
SELECT_IDENTITY = "00A4040007F04C49434E4101"
VERIFY_PIN_MARKER = 0xFE      # pseudo-steps of the input format (LicnaCardFuzz.swift)
AUTHENTICATE_MARKER = 0xFD
RESET_MARKER = 0xFF


def pin(digits):
    return digits.encode().ljust(8, b"\xff").hex()


def seed(mode, *steps):
    """One input: the starting card, then APDUs (hex) and pseudo-steps (ints)."""
    out = bytearray([mode])
    for step in steps:
        if isinstance(step, int):
            out.append(step)
        else:
            apdu = bytes.fromhex(step.replace(" ", ""))
            if len(apdu) <= 0xFB:
                out.append(len(apdu))
            else:
                out += bytes([0xFC, len(apdu) >> 8, len(apdu) & 0xFF])
            out += apdu
    return bytes(out)


SEEDS = {
    # Operational card: sign with 9A and 9C, read objects, PIN state, identity data.
    "sign": seed(3, SELECT_PIV, VERIFY_PIN_MARKER, "0087119A267C2482008120" + "11" * 32 + "00",
                 VERIFY_PIN_MARKER, "0087119C267C2482008120" + "22" * 32 + "00", "00CB3FFF055C035FC10500",
                 "00CB3FFF055C037E", "00200080", "00C0000000"),
    "emrtd": seed(3, SELECT_EMRTD, "0020008206" + b"654321".hex(), "0020008206" + b"123456".hex(), "00A4020C020101",
                  "00B0000000", "00A4020C02011E", "00B0000004", "00B0FFFF01"),
    "identity": seed(3, SELECT_IDENTITY, "00CA000100", "00CA000500", VERIFY_PIN_MARKER, "00CA000500", "00CA000600"),
    "tries": seed(3, SELECT_PIV, *["0020008008" + pin("000000")] * 5, "00200080", "00200081",
                  *["002C008010" + pin("00000000") + pin("654321")] * 5, "0087119A267C2482008120" + "33" * 32 + "00"),
    "change": seed(3, SELECT_PIV, "0024008010" + pin("123456") + pin("7654321"), "0024008110" + pin("12345678") + pin("87654321"),
                   "002C008010" + pin("87654321") + pin("111111"), "0020FF80", RESET_MARKER, "00200080"),
    "chain": seed(2, SELECT_PIV, AUTHENTICATE_MARKER, "10DB3FFF80" + "5C035FC10A5382012C" + "70820128" + "AB" * 119,
                  "00DB3FFF80" + "AB" * 128, "00CB3FFF055C035FC10A00", "00C0000000", "00440000"),
    "personalize": seed(1, "0024018008" + pin("123456"), "0024018108" + pin("12345678"), "0024018206" + b"123456".hex(),
                        "00FA0003", "0047009A05AC0380011100", "0047009C05AC0380011100", "00FFFFFF230C9B20" + "5A" * 32,
                        "00440000", AUTHENTICATE_MARKER, "00440000"),
    # Key attestation: ATTEST both slots, the imported key it must refuse, the attestation certificate object.
    "attest": seed(1, "00FE119A2206" + "11" * 32, "00F99A0000", "0047009C05AC0380011100", "00F99C0000", "00C0000000",
                   "00CB3FFF055C035FFF0100", "00DB3FFF095C035FFF0153027000", "00F99C00000000"),
    "extended": seed(3, SELECT_PIV, "00CB3FFF0000055C035FC1050000", "00B0000000FFFF", SELECT_EMRTD, VERIFY_PIN_MARKER,
                     "00A4020C020102", "00B00000000000"),
}


def test_fuzzer_runs_for_a_bounded_time_without_a_finding(tmp_path):
    run_libfuzzer("LicnaCardFuzz", "LICNA_FUZZ_BIN", SEEDS, tmp_path, SECONDS)
