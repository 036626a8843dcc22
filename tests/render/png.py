"""Reading a PNG that Chromium wrote: its size and its pixels (8-bit RGB or RGBA), so a
test can say a screenshot is not blank and shows the colours it should. numpy (the test
extra has it, through scipy) undoes the filters row by row."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def size(path: Path) -> tuple[int, int]:
    """(width, height) from the IHDR chunk; an AssertionError if it is not a PNG."""
    data = path.read_bytes()
    assert data[:8] == SIGNATURE and data[12:16] == b"IHDR", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def pixels(path: Path) -> np.ndarray:
    """The image as a (height, width, 3) array of 0-255 RGB values."""
    data = path.read_bytes()
    assert data[:8] == SIGNATURE
    pos, idat, header = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
    assert header is not None
    width, height, depth, colour, _c, _f, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    bpp = 3 if colour == 2 else 4
    stride = width * bpp
    raw = np.frombuffer(zlib.decompress(b"".join(idat)), dtype=np.uint8)
    raw = raw.reshape(height, stride + 1)
    out = np.zeros((height, stride), dtype=np.uint8)
    previous = np.zeros(stride, dtype=np.int32)
    for y in range(height):
        kind, line = raw[y, 0], raw[y, 1:].astype(np.int32)
        if kind == 0:
            row = line
        elif kind == 2:
            row = (line + previous) % 256
        elif kind == 1:
            row = line.reshape(width, bpp).cumsum(axis=0).reshape(stride) % 256
        else:
            row = _sequential(kind, line, previous, bpp)
        out[y] = row
        previous = row.astype(np.int32)
    return out.reshape(height, width, bpp)[:, :, :3]


def _sequential(kind: int, line: np.ndarray, up: np.ndarray, bpp: int) -> np.ndarray:
    """Average (3) and Paeth (4): each byte depends on the one decoded before it."""
    row = [0] * len(line)
    data, above = line.tolist(), up.tolist()
    for i, value in enumerate(data):
        left = row[i - bpp] if i >= bpp else 0
        b = above[i]
        if kind == 3:
            row[i] = (value + (left + b) // 2) & 255
            continue
        c = above[i - bpp] if i >= bpp else 0
        p = left + b - c
        pa, pb, pc = abs(p - left), abs(p - b), abs(p - c)
        guess = left if pa <= pb and pa <= pc else (b if pb <= pc else c)
        row[i] = (value + guess) & 255
    return np.array(row, dtype=np.int32)
