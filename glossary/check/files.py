"""The text of an uploaded file: .txt, .srt subtitles or .docx (pure).

A .docx is a zip of XML parts: its main part is read with the standard
library's zipfile and defusedxml (no DTDs, no entities), paragraphs as lines.
"""

from __future__ import annotations

import io
import re
import zipfile

from defusedxml import ElementTree

MAX_TEXT_BYTES = 1_000_000
MAX_XML_BYTES = 64 * 1024 * 1024  # the unpacked document part (zip bombs stop here)
EXTENSIONS = (".txt", ".srt", ".docx")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class UploadProblem(ValueError):
    """A file the check cannot read; CODE says why (for a translated message)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def read_upload(filename: str, data: bytes) -> str:
    """Return the text of the uploaded file FILENAME whose content is DATA."""
    name = filename.lower()
    if name.endswith(".docx"):
        text = docx_text(data)
    elif name.endswith(".srt"):
        text = srt_text(decode_text(data))
    elif name.endswith(".txt"):
        text = decode_text(data)
    else:
        raise UploadProblem("type")
    if len(text.encode()) > MAX_TEXT_BYTES:
        raise UploadProblem("too_long")
    if not text.strip():
        raise UploadProblem("empty")
    return text


def decode_text(data: bytes) -> str:
    """Return DATA as text: UTF-8 (a byte order mark is fine) or UTF-16 with one."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UploadProblem("encoding") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadProblem("encoding") from None


_TIMING = re.compile(r"^\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->\s*\d{1,2}:\d{2}:\d{2}")
_TAG = re.compile(r"<[^>\n]{1,40}>|\{\\[^}\n]{1,40}\}")


def srt_text(text: str) -> str:
    """Return the spoken lines of SubRip subtitles: no numbers, timings or tags.

    Each cue's lines stay lines; cues are separated by an empty line.
    """
    cues: list[list[str]] = []
    current: list[str] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for n, line in enumerate(lines):
        if _TIMING.match(line):
            # the cue number is the line before the timing
            if current and current[-1].strip().isdigit():
                current.pop()
            if current:
                cues.append(current)
            current = []
            continue
        if not line.strip():
            if current:
                cues.append(current)
                current = []
            continue
        if (
            line.strip().isdigit()
            and n + 1 < len(lines)
            and _TIMING.match(lines[n + 1])
        ):
            continue
        current.append(_TAG.sub("", line).strip())
    if current:
        cues.append(current)
    return "\n\n".join("\n".join(c) for c in cues if any(c))


def docx_text(data: bytes) -> str:
    """Return the text of a .docx file's body, one paragraph per line."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            info = z.getinfo("word/document.xml")
            if info.file_size > MAX_XML_BYTES:
                raise UploadProblem("too_long")
            with z.open(info) as f:
                xml = f.read(MAX_XML_BYTES + 1)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        raise UploadProblem("docx") from None
    if len(xml) > MAX_XML_BYTES:
        raise UploadProblem("too_long")
    try:
        root = ElementTree.fromstring(xml)
    except Exception:  # defusedxml refuses DTDs and entities; broken XML
        raise UploadProblem("docx") from None
    paragraphs = []
    for p in root.iter(f"{_W}p"):
        parts = []
        for el in p.iter():
            if el.tag == f"{_W}t" and el.text:
                parts.append(el.text)
            elif el.tag == f"{_W}tab":
                parts.append("\t")
            elif el.tag in (f"{_W}br", f"{_W}cr"):
                parts.append("\n")
        paragraphs.append("".join(parts))
    return "\n".join(paragraphs)
