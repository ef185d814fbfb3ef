#!/usr/bin/env python3
"""Packs the application icon's PNG sizes (resources/icons/app/discodesk-N.png) into
the Windows icon (windows/discodesk.ico) and the macOS icon (macos/discodesk.icns).

Both formats may hold PNG images as they are, so this needs nothing but Python.
Run it from anywhere after changing the PNGs:  python3 packaging/make-icons.py
"""
import pathlib
import struct

ROOT = pathlib.Path(__file__).resolve().parent.parent
PNGS = ROOT / "resources" / "icons" / "app"


def png(size: int) -> bytes:
    data = (PNGS / f"discodesk-{size}.png").read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(f"discodesk-{size}.png is not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    if (width, height) != (size, size):
        raise SystemExit(f"discodesk-{size}.png is {width}x{height}, not {size}x{size}")
    return data


def write_ico(path: pathlib.Path, sizes: list[int]) -> None:
    # ICONDIR, then one 16-byte ICONDIRENTRY per image, then the images.
    images = [png(size) for size in sizes]
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries = b""
    for size, image in zip(sizes, images):
        side = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(image), offset)
        offset += len(image)
    path.write_bytes(header + entries + b"".join(images))


def write_icns(path: pathlib.Path, elements: list[tuple[bytes, int]]) -> None:
    # "icns", the file length, then elements of (type, length with header, PNG).
    body = b"".join(kind + struct.pack(">I", 8 + len(png(size))) + png(size) for kind, size in elements)
    path.write_bytes(b"icns" + struct.pack(">I", 8 + len(body)) + body)


write_ico(ROOT / "packaging" / "windows" / "discodesk.ico", [16, 24, 32, 48, 64, 128, 256])
write_icns(ROOT / "packaging" / "macos" / "discodesk.icns", [
    (b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256),
    (b"ic11", 32), (b"ic12", 64), (b"ic13", 256),   # the @2x sizes of 16, 32 and 128
])
