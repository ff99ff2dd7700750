"""Reading a registry's daily file: CSV (a header row, UTF-8) or JSON (a list of rows, or an object with
``effective_date`` and ``rows``), streamed once while its SHA-256 is computed. Plain Python, no Django."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterator
from typing import BinaryIO

FORMATS = ("csv", "json")


class FileUnreadable(ValueError):
    pass


class HashingReader(io.RawIOBase):
    """Wraps a binary stream: hashes what is read and reports the bytes to a progress callback."""

    def __init__(self, raw: BinaryIO, progress: Callable[[int], None] | None = None) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()
        self.progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        if not data:
            return 0
        self.digest.update(data)
        if self.progress is not None:
            self.progress(len(data))
        buffer[: len(data)] = data
        return len(data)

    def drain(self) -> None:
        while self.read(1 << 16):
            pass

    @property
    def checksum(self) -> str:
        return self.digest.hexdigest()


def format_of(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in FORMATS:
        raise FileUnreadable(f"The file must end in .csv or .json, not {name!r}.")
    return suffix


def csv_rows(reader: HashingReader, *, columns: tuple[str, ...]) -> Iterator[tuple[int, dict]]:
    """(line number, row) for each data row; FileUnreadable if the header does not name exactly ``columns``."""
    text = io.TextIOWrapper(io.BufferedReader(reader, buffer_size=1 << 16), encoding="utf-8-sig", newline="")
    rows = csv.reader(text)
    try:
        header = [name.strip().lower() for name in next(rows)]
    except StopIteration as error:
        raise FileUnreadable("The file is empty.") from error
    except (UnicodeDecodeError, csv.Error) as error:
        raise FileUnreadable(f"The file is not UTF-8 CSV: {error}") from error
    _columns_match(header, columns)
    try:
        for values in rows:
            if not values or values == [""]:
                continue
            if len(values) != len(header):
                yield rows.line_num, {"__columns__": len(values)}
                continue
            yield rows.line_num, dict(zip(header, values, strict=True))
    except (UnicodeDecodeError, csv.Error) as error:
        raise FileUnreadable(f"Line {rows.line_num}: not UTF-8 CSV ({error}).") from error


def json_document(reader: HashingReader, *, columns: tuple[str, ...]) -> tuple[str | None, list[tuple[int, dict]]]:
    """(effective date if the file says it, [(row number, row)]); rows are numbered from 1."""
    try:
        document = json.load(io.TextIOWrapper(reader, encoding="utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise FileUnreadable(f"The file is not JSON: {error}") from error
    effective = None
    if isinstance(document, dict):
        effective = document.get("effective_date")
        document = document.get("rows")
    if not isinstance(document, list):
        raise FileUnreadable("A JSON file is a list of rows, or an object with effective_date and rows.")
    rows = []
    for number, row in enumerate(document, start=1):
        if not isinstance(row, dict):
            rows.append((number, {"__columns__": 0}))
            continue
        _columns_match(list(row), columns, row_number=number)
        rows.append((number, {key: "" if value is None else str(value) for key, value in row.items()}))
    return effective, rows


def _columns_match(header: list[str], columns: tuple[str, ...], *, row_number: int | None = None) -> None:
    missing = [name for name in columns if name not in header]
    unknown = [name for name in header if name not in columns]
    if missing or unknown:
        where = f"Row {row_number}: " if row_number is not None else ""
        raise FileUnreadable(
            f"{where}wrong columns: expected {', '.join(columns)}"
            + (f"; missing {', '.join(missing)}" if missing else "")
            + (f"; unknown {', '.join(unknown)}" if unknown else "")
        )
