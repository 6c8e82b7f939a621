"""Render static/img/favicon.svg to the PNG and ICO files browsers ask for.

Run after changing the SVG: ``.venv/bin/python scripts/make_favicons.py`` (needs Chromium, as the
browser tests do). Writes favicon-32.png and favicon.ico (16, 32 and 48 px, PNG-compressed
entries, which every browser since 2007 reads).
"""

import os
import struct
from pathlib import Path

from playwright.sync_api import sync_playwright

IMG = Path(__file__).resolve().parent.parent / "static" / "img"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ICO_SIZES = (16, 32, 48)


def render(svg: str, sizes: tuple[int, ...]) -> dict[int, bytes]:
    pngs = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for size in sizes:
            page = browser.new_page(viewport={"width": size, "height": size})
            page.set_content(
                "<html><body style='margin:0;background:transparent'>"
                f"<img src='data:image/svg+xml;charset=utf-8,{svg.replace('#', '%23')}' "
                f"width='{size}' height='{size}' style='display:block'></body></html>"
            )
            pngs[size] = page.screenshot(omit_background=True)
            page.close()
        browser.close()
    return pngs


def ico(pngs: dict[int, bytes]) -> bytes:
    """An ICO file whose images are PNGs: a header, one directory entry per size, the data."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, data = b"", b""
    for size, png in sorted(pngs.items()):
        side = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset + len(data))
        data += png
    return header + entries + data


def main() -> None:
    svg = (IMG / "favicon.svg").read_text(encoding="utf-8").replace("\n", " ")
    pngs = render(svg, ICO_SIZES)
    (IMG / "favicon-32.png").write_bytes(pngs[32])
    (IMG / "favicon.ico").write_bytes(ico(pngs))
    print(f"wrote {IMG / 'favicon-32.png'} and {IMG / 'favicon.ico'}")


if __name__ == "__main__":
    main()
