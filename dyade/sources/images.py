"""The one image a project gives, its logo: is it an image every writer can
lay out (by its first bytes, its size and its pixels)?"""
from __future__ import annotations

import struct
from pathlib import Path

from .. import safety

# What each writer can put in a DOCX, a PDF and a web page, by the file's first bytes.
IMAGE_SIGNATURES = {".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
                    ".gif": (b"GIF87a", b"GIF89a"), ".svg": ()}
MAX_IMAGE_BYTES = 5_000_000  # the logo is copied into every DOCX, PDF and page
MAX_IMAGE_PIXELS = 10_000    # per side: a larger image takes gigabytes to lay out


def image_problem(path: Path) -> tuple[str, str] | None:
    """(what, how) if `path` is not an image every writer can lay out."""
    suffix = path.suffix.lower()
    formats = "a PNG, JPEG, GIF or SVG file"
    if suffix not in IMAGE_SIGNATURES:
        return (f"is not an image Dyade can use ({suffix or 'no extension'})",
                f"give {formats} (PNG is best: Word cannot show an SVG)")
    try:
        size = path.stat().st_size
        if size > MAX_IMAGE_BYTES:
            return (f"is too large for a logo ({size / 1_000_000:.1f} MB; the limit is {MAX_IMAGE_BYTES // 1_000_000} MB)",
                    "save a smaller version: a logo needs about 1000 pixels across at most")
        with path.open("rb") as f:
            data = f.read(MAX_IMAGE_BYTES)
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})", "check that the file is readable"
    name = suffix[1:].upper().replace("JPG", "JPEG")
    if suffix == ".svg":
        head = data[:4096].decode("utf-8", "replace")
        ok = "<svg" in head
        unsafe = safety.svg_problem(data) if ok else None
        if unsafe:
            return (f"is an SVG image that {unsafe}, which a published logo must not",
                    "export the logo again as a plain drawing (or use a PNG logo)")
    else:
        ok = data.startswith(IMAGE_SIGNATURES[suffix])
    if not ok:
        found = next((s[1:].upper().replace("JPG", "JPEG") for s, sigs in IMAGE_SIGNATURES.items()
                      if sigs and data.startswith(sigs)), None)
        return (f"is not a {name} image" + (f" (its content is {found})" if found else " (its content is not an image)"),
                f"export the logo again as {name}" + (f", or rename the file to end in .{found.lower()}" if found else ""))
    pixels = image_pixels(data, suffix)
    if pixels and max(pixels) > MAX_IMAGE_PIXELS:
        return (f"is {pixels[0]} × {pixels[1]} pixels, too large to lay out (the limit is {MAX_IMAGE_PIXELS} on each side)",
                "save a smaller version: a logo needs about 1000 pixels across at most")
    return None


def image_pixels(data: bytes, suffix: str) -> tuple[int, int] | None:
    """(width, height) of a PNG, GIF or JPEG, from its header."""
    if suffix == ".png" and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    if suffix == ".gif" and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    if suffix in (".jpg", ".jpeg"):
        i = 2
        while i + 9 <= len(data) and data[i] == 0xFF:
            marker = data[i + 1]
            if marker == 0xFF:  # fill byte
                i += 1
                continue
            if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5:i + 9])
                return width, height
            i += 2 + struct.unpack(">H", data[i + 2:i + 4])[0]
    return None


