"""Helpers for the media tests: the image manifests, inspecting stored derivatives."""

from __future__ import annotations

import hashlib
import io
import json
import struct
from dataclasses import dataclass
from pathlib import Path

from PIL import Image as PILImage

REPO = Path(__file__).resolve().parents[2]
MANIFESTS = {
    "tests": REPO / "tests" / "fixtures" / "images",
    "shared": REPO.parent / "shared" / "fixtures" / "images",
}
FIXTURES_IMAGES = MANIFESTS["tests"]
VARIANT_NAMES = {"w320", "w640", "w1080", "ig1080"}


@dataclass(frozen=True)
class Entry:
    id: str
    path: Path
    expect: str
    upright: str | None
    strip: tuple[str, ...]


def manifest_entries() -> list[Entry]:
    """Every entry of the project's manifest and, when present, of ../shared's, with the
    same file and expectation kept once."""
    entries, seen = [], set()
    for source, folder in MANIFESTS.items():
        manifest = folder / "manifest.json"
        if not manifest.is_file():
            continue
        for name, spec in json.loads(manifest.read_text()).items():
            path = folder / name
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            identity = (digest, spec["expect"], spec.get("upright"))
            if identity in seen:
                continue
            seen.add(identity)
            entries.append(
                Entry(
                    f"{source}:{name}",
                    path,
                    spec["expect"],
                    spec.get("upright"),
                    tuple(spec.get("strip", ())),
                )
            )
    return entries


def shape(width: int, height: int) -> str:
    if width == height:
        return "square"
    return "landscape" if width > height else "portrait"


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in Path(root).rglob("*") if p.is_file()) if Path(root).exists() else []


def jpeg_segments(data: bytes) -> list[tuple[int, bytes]]:
    """(marker, payload) for every segment of a JPEG before its scan data."""
    assert data[:2] == b"\xff\xd8"
    out, i = [], 2
    while i < len(data):
        assert data[i] == 0xFF
        marker = data[i + 1]
        if marker == 0xDA:  # start of scan: metadata segments come before it
            break
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        out.append((marker, data[i + 4 : i + 2 + length]))
        i += 2 + length
    return out


def webp_chunks(data: bytes) -> list[bytes]:
    """The FourCC of every chunk of a WebP (RIFF) file."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    out, i = [], 12
    while i + 8 <= len(data):
        fourcc, size = data[i : i + 4], struct.unpack("<I", data[i + 4 : i + 8])[0]
        out.append(fourcc)
        i += 8 + size + (size & 1)
    return out


def assert_clean_derivative(data: bytes, content_type: str, width: int, height: int) -> None:
    """A stored derivative: right format and size, RGB, and no metadata at all."""
    if content_type == "image/webp":
        chunks = webp_chunks(data)
        assert not {b"EXIF", b"XMP ", b"ICCP"} & set(chunks), chunks
        expected_format = "WEBP"
    else:
        assert content_type == "image/jpeg"
        for marker, _payload in jpeg_segments(data):
            assert marker != 0xE1, "APP1 (EXIF/XMP) segment in a served JPEG"
            assert marker != 0xE2, "APP2 (ICC profile) segment in a served JPEG"
            assert marker != 0xFE, "comment segment in a served JPEG"
        expected_format = "JPEG"
    with PILImage.open(io.BytesIO(data)) as im:
        assert im.format == expected_format
        assert im.size == (width, height)
        assert im.mode == "RGB"
        exif = im.getexif()
        assert len(exif) == 0
        assert len(exif.get_ifd(0x8825)) == 0  # GPS
        for key in ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp"):
            assert key not in im.info, key


def photo(
    width: int = 1200,
    height: int = 900,
    *,
    mode: str = "RGB",
    fmt: str = "JPEG",
    exif: PILImage.Exif | None = None,
    **save,
) -> bytes:
    """A picture with some structure (a gradient and a block), saved by Pillow."""
    base = PILImage.linear_gradient("L").resize((width, height))
    im = PILImage.merge("RGB", (base, base.transpose(PILImage.Transpose.FLIP_TOP_BOTTOM), base))
    im.paste((200, 30, 30), (0, 0, width // 2, height // 4))  # a red block, top left
    if mode != "RGB":
        im = im.convert(mode)
    buf = io.BytesIO()
    if exif is not None:
        save["exif"] = exif.tobytes()
    im.save(buf, fmt, **save)
    return buf.getvalue()
