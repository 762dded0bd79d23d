"""Reading back the SVG pictures the generators draw: their text, and whether a phone can show it.

A picture on a page is at most as wide as the text column, about 343 CSS px on a 375 px wide
phone, and the browser shrinks a wider SVG to fit. In dark mode the theme keeps pictures on a
white ground, so a picture drawn with dark ink on its own opaque white background reads in both
modes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

PHONE_COLUMN_PX = 343  # the content column of a 375 px wide screen
SMALLEST_TEXT_PX = 11
_PX_PER_UNIT = {"pt": 4 / 3, "px": 1.0, "": 1.0}
_SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: str) -> list[str]:
    """Every piece of text in the picture, in drawing order (entities decoded)."""
    root = ET.fromstring(svg)
    return ["".join(node.itertext()).strip() for node in root.iter(f"{_SVG}text")]


def _font_sizes(root: ET.Element) -> list[float]:
    sizes = []
    for node in root.iter(f"{_SVG}text"):
        size = node.get("font-size") or re.search(r"font-size:\s*([\d.]+)", node.get("style", ""))
        if size is not None:
            sizes.append(float(size if isinstance(size, str) else size.group(1)))
    return sizes


def smallest_text_on_a_phone(svg: str) -> float:
    """The smallest text of the picture in CSS px, as a phone shows it."""
    root = ET.fromstring(svg)
    value, unit = re.fullmatch(r"([\d.]+)(pt|px|)", root.get("width")).groups()
    width_px = float(value) * _PX_PER_UNIT[unit]
    view_width = float(root.get("viewBox").split()[2])
    scale = min(width_px, PHONE_COLUMN_PX) / view_width
    sizes = _font_sizes(root)
    assert sizes, "the picture has no text, or its text was turned into outlines"
    return min(sizes) * scale


def has_white_background(svg: str) -> bool:
    """The first shape drawn, the picture's background, is filled white."""
    root = ET.fromstring(svg)
    first = next(
        node for node in root.iter() if node.tag in (f"{_SVG}polygon", f"{_SVG}path", f"{_SVG}rect")
    )
    fill = first.get("fill") or re.search(r"fill:\s*([#\w]+)", first.get("style", "")).group(1)
    return fill.lower() in ("white", "#ffffff", "#fff")


def assert_readable_on_a_phone(svg: str) -> None:
    smallest = smallest_text_on_a_phone(svg)
    assert smallest >= SMALLEST_TEXT_PX, f"text shrinks to {smallest:.1f} px on a phone"
    assert has_white_background(svg), "no opaque white background: dark mode would hide the ink"
