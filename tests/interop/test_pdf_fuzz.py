"""The PDF reader's libFuzzer target (Sources/LicnaPDFFuzz) for a bounded time, from hand-made PDFs with a classic
table, an incremental update and a signature-shaped dictionary: opening, walking and decoding untrusted PDFs must
never crash or hang, and no ByteRange beyond the file is ever accepted."""
import os

from conftest import run_libfuzzer
from test_pades import minimal_pdf

SECONDS = int(os.environ.get("LICNA_FUZZ_SECONDS", "60"))


def seeds():
    base = minimal_pdf()
    start = base.rindex(b"startxref\n") + len(b"startxref\n")
    previous = int(base[start:base.index(b"\n", start)])
    offset = len(base)
    update = (b"5 0 obj\n<< /Type /Sig /SubFilter /ETSI.CAdES.detached /ByteRange [0 10 20 30] /Contents <3000> >>\nendobj\n")
    xref = offset + len(update)
    update += (f"xref\n5 1\n{offset:010d} 00000 n\r\ntrailer\n<< /Size 6 /Root 1 0 R /Prev {previous} >>\n"
               f"startxref\n{xref}\n%%EOF\n").encode()
    return {"minimal": base, "updated": base + update, "truncated": base[: len(base) // 2]}


def test_pdf_fuzzer_runs_for_a_bounded_time_without_a_finding(tmp_path):
    run_libfuzzer("LicnaPDFFuzz", "LICNA_PDF_FUZZ_BIN", seeds(), tmp_path, SECONDS)
