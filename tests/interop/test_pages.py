"""The pages as a browser shows them: headless Chromium renders `licna serve --demo` in every language."""
import os
import re
import urllib.error
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


DEMO_OFFICER_TOKEN = None


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
    log = root / "serve.log"
    process = subprocess.Popen([licna_bin, "serve", "--demo", "--port", str(port), "--data", str(root / "data")],
                               env=env, stdout=subprocess.DEVNULL, stderr=open(log, "wb"))
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/health/live", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("licna serve did not start: " + log.read_text())
    # The demo prints a personal token of its officer (every role) at each start.
    global DEMO_OFFICER_TOKEN
    DEMO_OFFICER_TOKEN = re.search(r"\blo_[A-Za-z0-9_-]{43}", log.read_text()).group(0)
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


def test_the_lost_card_page_works_in_chromium(server):
    """Issue 12, item 6: the public suspension page, server-rendered, in every language."""
    dom = browser("--dump-dom", f"{server}/cards/suspend?lang=sq").stdout
    assert '<form method="post" action="/cards/suspend">' in dom and 'name="code"' in dom and 'type="password"' in dom
    assert "Pezulloni një kartë të humbur" in dom


def test_officer_statistics_are_svg_charts_that_chromium_draws(server, tmp_path):
    """Issue 12, item 8: /officer/cards draws the demo's card statistics as SVG on the server; Python's XML parser reads
    each chart, its bars say the counts, and Chromium paints the bars (blue pixels in a screenshot)."""
    import xml.etree.ElementTree as ElementTree
    request = urllib.request.Request(server + "/officer/cards?lang=en", headers={"Authorization": "Bearer " + DEMO_OFFICER_TOKEN})
    html = urllib.request.urlopen(request, timeout=10).read().decode()
    charts = re.findall(r"<svg .*?</svg>", html, re.DOTALL)
    assert len(charts) >= 5, html[:2000]
    namespace = "{http://www.w3.org/2000/svg}"
    overview = ElementTree.fromstring(charts[0])
    titles = [element.text for element in overview.iter(namespace + "title")]
    assert "Issued: 6" in titles and "Activated: 3" in titles and "Suspended: 1" in titles, titles
    assert "Blocked (PIN and PUK): 1" in titles, titles
    replaced = ElementTree.fromstring(charts[2])
    assert "Envelope lost: 0" in [element.text for element in replaced.iter(namespace + "title")]
    page = tmp_path / "chart.html"
    page.write_text('<!doctype html><meta charset="utf-8"><body style="margin:0">' + charts[0] + "</body>")
    shot = tmp_path / "chart.png"
    browser("--window-size=700,300", f"--screenshot={shot}", page.as_uri())
    assert shot.exists()
    blue = {png_pixel(str(shot), x, 14) for x in range(200, 540, 4)}
    assert any(b > 120 and r < 80 for r, g, b in blue), blue
    # Without an officer the page sends the browser to the sign-in form and shows no chart.
    try:
        answer = urllib.request.urlopen(server + "/officer/cards", timeout=10)
        assert "/officer/login" in answer.geturl() and "<svg" not in answer.read().decode()
    except urllib.error.HTTPError as error:
        assert error.code == 401
