"""The pages as a browser shows them: headless Chromium renders `licna serve --demo` in every language."""
import os
import shutil
import socket
import struct
import subprocess
import time
import urllib.request
import zlib

import pytest

HEADINGS = {"cnr": "Dobro došli u Licna", "sq": "Mirë se vini në Licna", "mk": "Добредојдовте во Licna",
            "sr": "Добро дошли у Licna", "en": "Welcome to Licna"}


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return name
    pytest.fail("headless Chromium is missing: apt-get install chromium (scripts/test does)")


@pytest.fixture(scope="module")
def server(licna_bin, tmp_path_factory):
    root = tmp_path_factory.mktemp("pages")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, LICNA_MASTER_KEY="11" * 32, LICNA_ADMIN_TOKEN="page-test-" + "0" * 32, HOME=str(root))
    process = subprocess.Popen([licna_bin, "serve", "--demo", "--port", str(port), "--data", str(root / "data")],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/health/live", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("licna serve did not start: " + process.stderr.read().decode())
    yield url
    process.terminate()
    process.wait(timeout=10)


def browser(*args):
    return subprocess.run([chromium(), "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", *args],
                          capture_output=True, text=True, timeout=120)


def png_pixel(path, x, y):
    """The RGB(A) of one pixel of a non-interlaced 8-bit PNG, decoded with the standard library only."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, idat, width, channels = 8, b"", 0, 0
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        chunk = data[offset + 8:offset + 8 + length]
        if kind == b"IHDR":
            width, _, depth, color = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8
            channels = {2: 3, 6: 4}[color]
        elif kind == b"IDAT":
            idat += chunk
        offset += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    previous = bytearray(stride)
    for row in range(y + 1):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], (previous[i - channels] if i >= channels else 0)
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        previous = line
    return tuple(previous[x * channels:x * channels + 3])


@pytest.mark.parametrize("language", sorted(HEADINGS))
def test_home_page_in_every_language(server, language):
    dom = browser("--dump-dom", f"{server}/?lang={language}").stdout
    assert f'<html lang="{language}">' in dom
    assert f"<h1>{HEADINGS[language]}</h1>" in dom
    for other in HEADINGS:
        assert f'hreflang="{other}"' in dom


def test_stylesheet_applies_under_the_content_security_policy(server, tmp_path):
    shot = tmp_path / "home.png"
    result = browser("--window-size=800,300", f"--screenshot={shot}", f"{server}/?lang=en")
    assert shot.exists(), result.stderr
    # The header's 3-pixel red bottom border (licna.css, #b3261e) shows only if the stylesheet was allowed.
    colours = {png_pixel(str(shot), 400, y) for y in range(40, 80)}
    assert any(r > 150 and g < 80 and b < 80 for r, g, b in colours), colours
