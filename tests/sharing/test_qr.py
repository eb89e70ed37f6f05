from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
import segno
from PIL import Image

from newsapp.sharing.qr import QUIET_ZONE, qr_png, qr_svg

URL = "https://gloss.example/a/q7Xk2/"


def test_svg_is_well_formed_scalable_and_labelled():
    svg = qr_svg(URL)
    root = ET.fromstring(svg)
    assert root.tag == "svg"
    assert "width" not in root.attrib
    assert "height" not in root.attrib
    size = segno.make_qr(URL, error="m").symbol_size(border=QUIET_ZONE)[0]
    assert root.attrib["viewBox"] == f"0 0 {size} {size}"
    assert root.attrib["role"] == "img"
    assert root.attrib["aria-label"] == f"QR code for {URL}"
    assert root.find("title").text == f"QR code for {URL}"
    paths = root.findall("path")
    assert any(len(path.attrib.get("d", "")) > 100 for path in paths)


def test_svg_escapes_the_label_and_accepts_a_custom_one():
    tricky = 'https://gloss.example/a/1?x=1&y="<b>"'
    root = ET.fromstring(qr_svg(tricky))
    assert root.attrib["aria-label"] == f"QR code for {tricky}"
    labelled = ET.fromstring(qr_svg(URL, label="Scan to open the annotation"))
    assert labelled.attrib["aria-label"] == "Scan to open the annotation"


def test_png_is_valid_and_its_modules_match_the_code():
    data = qr_png(URL, scale=5)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    matrix = segno.make_qr(URL, error="m").matrix
    side = (len(matrix) + 2 * QUIET_ZONE) * 5
    assert image.size == (side, side)
    grey = image.convert("L")
    for row, cells in enumerate(matrix):
        for column, dark in enumerate(cells):
            centre = ((column + QUIET_ZONE) * 5 + 2, (row + QUIET_ZONE) * 5 + 2)
            assert (grey.getpixel(centre) < 128) == bool(dark)
    assert grey.getpixel((0, 0)) > 200


def test_png_scale_and_determinism():
    assert qr_png(URL) == qr_png(URL)
    small = Image.open(io.BytesIO(qr_png(URL, scale=2)))
    large = Image.open(io.BytesIO(qr_png(URL, scale=8)))
    assert large.size[0] == 4 * small.size[0]
    assert qr_png(URL) != qr_png(URL + "other/")


@pytest.mark.parametrize("call", [lambda: qr_png(URL, scale=0), lambda: qr_svg("")])
def test_bad_arguments_are_refused(call):
    with pytest.raises(ValueError):
        call()
