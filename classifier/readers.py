"""Read input documents into units of text: paragraphs of a document, or rows of a table.

Every failure becomes a `DocumentReadError` naming the file and the reason, so a batch can report
the file and go on with the rest.
"""

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import jsonl
from .errors import DocumentReadError
from .paragraphs import split_paragraphs

DOCUMENT_SUFFIXES = {".txt", ".md", ".docx", ".html", ".htm"}
TABLE_SUFFIXES = {".jsonl", ".csv"}
SUPPORTED_SUFFIXES = DOCUMENT_SUFFIXES | TABLE_SUFFIXES
MAX_FILE_BYTES = 256 * 1024 * 1024
_UTF8_BOM = b"\xef\xbb\xbf"
# Input is Chinese: limiting detection to these keeps short GBK text from being read as Korean.
CANDIDATE_ENCODINGS = ["gb18030", "big5", "utf_16", "utf_32", "latin_1"]


@dataclass
class Unit:
    """One thing to classify. `fields` holds a table row's own fields; None for document paragraphs."""

    text: str
    fields: dict | None = field(default=None)


def read_units(path: Path, max_bytes: int = MAX_FILE_BYTES) -> list[Unit]:
    return list(iter_units(path, max_bytes))


def iter_units(path: Path, max_bytes: int = MAX_FILE_BYTES) -> Iterator[Unit]:
    """The units of a file, in order. Table rows are parsed as they are taken, so a batch can label the
    first rows of a large table while the rest is read; a bad row raises when it is reached."""
    suffix = _check_file(path, max_bytes)
    if suffix == ".docx":
        return iter([Unit(p) for p in _docx_paragraphs(path)])
    return iter_units_from_bytes(_read_bytes(path), suffix, str(path))


def _check_file(path: Path, max_bytes: int) -> str:
    """The file's suffix, if it is a supported type within the size limit."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentReadError(f"{path}: unsupported file type {suffix or '(none)'}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DocumentReadError(f"{path}: cannot read: {exc.strerror}") from exc
    if size > max_bytes:
        raise DocumentReadError(f"{path}: {size} bytes is over the {max_bytes}-byte limit per file")
    return suffix


def units_from_bytes(data: bytes, suffix: str, name: str) -> list[Unit]:
    """Units of an in-memory document (`suffix` selects the format; stdin is read as `.txt`)."""
    return list(iter_units_from_bytes(data, suffix, name))


def iter_units_from_bytes(data: bytes, suffix: str, name: str) -> Iterator[Unit]:
    if suffix == ".docx":
        return iter([Unit(p) for p in _docx_paragraphs(io.BytesIO(data), name)])
    text = decode_text(data, name)
    if suffix in {".html", ".htm"}:
        return iter([Unit(p) for p in split_paragraphs(_html_text(text))])
    if suffix == ".jsonl":
        return _jsonl_rows(text, name)
    if suffix == ".csv":
        return _csv_rows(text, name)
    return iter([Unit(p) for p in split_paragraphs(text)])


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) first; otherwise the encoding charset-normalizer finds (GB18030…)."""
    if b"\x00" in data[:8192]:
        raise DocumentReadError(f"{name}: looks like a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=CANDIDATE_ENCODINGS).best()
    if best is None:
        raise DocumentReadError(f"{name}: cannot detect the text encoding (save it as UTF-8)")
    return str(best)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DocumentReadError(f"{path}: cannot read: {exc.strerror}") from exc


def _docx_paragraphs(source, name: str | None = None) -> list[str]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(source)
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise DocumentReadError(f"{name or source}: not a readable .docx file ({exc})") from exc
    except Exception as exc:  # zipfile and lxml raise many kinds on a damaged file
        raise DocumentReadError(f"{name or source}: damaged .docx file ({type(exc).__name__})") from exc
    texts = [p.text.strip() for p in document.paragraphs]
    for table in document.tables:
        texts += [cell.text.strip() for row in table.rows for cell in row.cells]
    return [t for t in texts if t]


def _html_text(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    return soup.get_text("\n")


@dataclass
class RowBlock:
    """Consecutive lines of a JSON Lines file as UTF-8 bytes, not decoded or parsed yet: a parallel worker
    does that for the rows it labels, so the process reading the file only cuts it into blocks.
    `first_line` numbers errors."""

    data: bytes
    name: str
    first_line: int

    def units(self) -> list[Unit]:
        try:
            text = self.data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = self.first_line + self.data.count(b"\n", 0, exc.start)
            raise DocumentReadError(f"{self.name}:{line}: not valid UTF-8 (the file began as UTF-8)") from exc
        return list(_jsonl_rows(text, self.name, self.first_line))


def jsonl_blocks(path: Path, lines: int, max_bytes: int = MAX_FILE_BYTES) -> Iterator[RowBlock]:
    """A .jsonl file as blocks of `lines` lines (raises DocumentReadError when it cannot be read at all).

    A file that begins as UTF-8 is cut as it is, and each block decoded where it is parsed; any other
    encoding is detected and decoded here, and its blocks re-encoded as UTF-8."""
    _check_file(path, max_bytes)
    data = _read_bytes(path)
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    if b"\x00" in data[:8192] or not _begins_as_utf8(data):
        data = decode_text(data, str(path)).encode("utf-8")
    start, number = 0, 1
    while start < len(data):
        end = start
        for _ in range(lines):
            end = data.find(b"\n", end) + 1
            if not end:
                end = len(data)
                break
        yield RowBlock(data[start:end], str(path), number)
        start, number = end, number + lines


def _begins_as_utf8(data: bytes, sample: int = 65536) -> bool:
    head = data[:sample]
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return len(data) > sample and exc.start >= len(head) - 3  # only a character cut by the sample's end
    return True


def _jsonl_rows(text: str, name: str, first_line: int = 1) -> Iterator[Unit]:
    # Lines end at "\n" only: JSON strings may hold U+2028 or U+0085 raw, which str.splitlines would cut at.
    for number, line in enumerate(text.split("\n"), start=first_line):
        if not line.strip():
            continue
        try:
            row = jsonl.loads(line)
        except json.JSONDecodeError as exc:
            raise DocumentReadError(f"{name}:{number}: malformed JSON ({exc.msg})") from exc
        yield _row_unit(row, f"{name}:{number}")


def _csv_rows(text: str, name: str) -> Iterator[Unit]:
    rows = csv.DictReader(io.StringIO(text))
    try:
        if rows.fieldnames and "text" not in rows.fieldnames:
            raise DocumentReadError(f"{name}: CSV has no 'text' column")
        for number, row in enumerate(rows, start=2):
            yield _row_unit(row, f"{name}:{number}")
    except csv.Error as exc:
        raise DocumentReadError(f"{name}: malformed CSV ({exc})") from exc


def _row_unit(row, where: str) -> Unit:
    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
        raise DocumentReadError(f"{where}: each row needs a string field 'text'")
    return Unit(row["text"], row)
