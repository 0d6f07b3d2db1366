"""Reading a PDF back with poppler-utils (pdftotext, pdffonts, pdftoppm), independent of the
library that wrote it; and counting ink where a text was laid out."""

import io
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image


def _run(*args: str, pdf: bytes, to_stdout: bool = True) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        command = [*args, str(path), *(["-"] if to_stdout else [])]
        return subprocess.run(command, check=True, capture_output=True, timeout=60).stdout


def pdf_text(pdf: bytes) -> str:
    """The text in reading order, pages separated by form feeds."""
    return _run("pdftotext", "-enc", "UTF-8", pdf=pdf).decode()


def pdf_fonts(pdf: bytes) -> list[dict[str, str]]:
    """pdffonts' table: name, type and whether the font is embedded."""
    out = _run("pdffonts", pdf=pdf, to_stdout=False).decode()
    rows = []
    for line in out.splitlines()[2:]:
        columns = line.split()
        # name, type words…, encoding, emb, sub, uni, object, id
        rows.append({"name": columns[0], "embedded": columns[-5], "line": line})
    return rows


@dataclass(frozen=True)
class Box:
    """Where a text was laid out on a page, in PDF points (1/72 inch), origin top left."""

    page: int
    x_min: float
    y_min: float
    x_max: float
    y_max: float


def text_box(pdf: bytes, needle: str) -> Box:
    """The box of the first line whose text contains ``needle`` (pdftotext -bbox-layout)."""
    html = _run("pdftotext", "-bbox-layout", "-enc", "UTF-8", pdf=pdf).decode()
    for page_number, page in enumerate(html.split("<page ")[1:], start=1):
        for line in re.findall(r"<line (xMin[^>]*)>(.*?)</line>", page, re.S):
            attributes, words = line
            if needle in "".join(re.findall(r">([^<]*)</word>", words)):
                values = dict(re.findall(r'(\w+)="([\d.]+)"', attributes))
                return Box(
                    page_number,
                    float(values["xMin"]),
                    float(values["yMin"]),
                    float(values["xMax"]),
                    float(values["yMax"]),
                )
    raise AssertionError(f"{needle!r} is not in the PDF's text")


def page_image(pdf: bytes, *, page: int = 1, dpi: int = 50) -> Image.Image:
    """The page rasterised by pdftoppm, in grey levels."""
    out = _run(
        "pdftoppm",
        "-gray",
        "-r",
        str(dpi),
        "-f",
        str(page),
        "-l",
        str(page),
        pdf=pdf,
        to_stdout=False,
    )
    return Image.open(io.BytesIO(out)).convert("L")


def dark_pixels(image: Image.Image, box: Box, *, dpi: int = 50) -> tuple[int, int]:
    """(dark pixels, all pixels) inside ``box`` on ``image`` rasterised at ``dpi``."""
    scale = dpi / 72
    region = image.crop(
        (
            int(box.x_min * scale),
            int(box.y_min * scale),
            int(box.x_max * scale) + 1,
            int(box.y_max * scale) + 1,
        )
    )
    histogram = region.histogram()  # pixels per grey level, 0 = black
    return sum(histogram[:128]), sum(histogram)
