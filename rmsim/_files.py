"""Reading user files with errors that name the file, shared by the census and survey readers."""

from __future__ import annotations

import csv
from pathlib import Path

from rmsim.errors import DataError


def csv_records(path: Path, source: str, *, strip: bool = False) -> tuple[list[list[str]], list[int]]:
    """The non-blank records of a UTF-8 CSV file and the file line on which each starts.

    Parameters
    ----------
    path
        The file.
    source
        How error messages name it.
    strip
        Strip spaces around every cell (and read a quote after a comma's space as a quote).

    Raises
    ------
    DataError
        The file cannot be read or is not UTF-8 CSV.
    """
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            reader = csv.reader(file, skipinitialspace=strip)
            start = 1
            for record in reader:
                if any(cell.strip() for cell in record):
                    rows.append([cell.strip() for cell in record] if strip else record)
                    lines.append(start)
                start = reader.line_num + 1
    except (csv.Error, UnicodeDecodeError) as error:
        raise DataError(source, None, f"not a readable UTF-8 CSV file ({str(error).splitlines()[0]})") from None
    except OSError as error:
        raise DataError(source, None, f"cannot read the file ({error.strerror or error})") from None
    return rows, lines
