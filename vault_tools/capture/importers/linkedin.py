"""LinkedIn's Connections.csv (from a LinkedIn data export) -> `Person`s."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from ..templates import single_line
from .common import ImportFileError, Person, Problem, ReadResult, text_of_file

LINKEDIN_COLUMNS = ("First Name", "Last Name", "URL", "Email Address", "Company", "Position",
                    "Connected On")
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}


def parse_connected_on(text: str) -> dt.date | None:
    """LinkedIn's `20 Nov 2026` (also `20-Nov-26`, `Nov 20, 2026`, ISO); None if not a date."""
    value = text.strip()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{1,2})[ -]([A-Za-z]{3})[A-Za-z]*[ -](\d{2}|\d{4})", value) or \
        re.fullmatch(r"([A-Za-z]{3})[A-Za-z]* (\d{1,2}),? (\d{4})", value)
    if not match:
        return None
    first, second, year_text = match.groups()
    day, month_name = (first, second) if first.isdigit() else (second, first)
    month = _MONTHS.get(month_name.lower())
    year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    if month is None:
        return None
    try:
        return dt.date(year, month, int(day))
    except ValueError:
        return None


def read_linkedin(data: bytes, file_name: str = "the file") -> ReadResult:
    """Read LinkedIn's Connections.csv: skip the notes above the header line, then one person
    per row. Rows that cannot be read become Problems naming their line; the rest are read."""
    result = ReadResult()
    text = text_of_file(data, file_name, result)
    lines = text.splitlines(keepends=True)
    header_at = None
    for number, line in enumerate(lines):
        fields = next(csv.reader([line]), [])
        if "first name" in {f.strip().lower() for f in fields}:
            header_at = number
            header = [f.strip() for f in fields]
            break
    if header_at is None:
        raise ImportFileError(
            f"{file_name}: no header line naming 'First Name' (expected "
            f"{','.join(LINKEDIN_COLUMNS)}); is this the Connections.csv of a LinkedIn export?"
        )
    columns = {name.lower(): i for i, name in reversed(list(enumerate(header)))}
    missing = [c for c in LINKEDIN_COLUMNS if c.lower() not in columns]
    if missing:
        result.problems.append(Problem(
            f"line {header_at + 1}",
            f"the header has no {', '.join(repr(c) for c in missing)} column"
            f"{'s' if len(missing) > 1 else ''}; those values are left empty", "warning",
        ))
    reader = csv.reader(io.StringIO("".join(lines[header_at + 1:]), newline=""))
    row_start = header_at + 2
    hidden: list[str] = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            result.problems.append(Problem(f"line {row_start}", f"not valid CSV: {exc}"))
            break
        where = f"line {row_start}"
        row_start = header_at + 2 + reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            result.problems.append(Problem(
                where, f"{len(row)} values where the header has {len(header)} columns "
                "(an unquoted comma?); row skipped",
            ))
            continue
        if _hidden_member(row, columns):
            hidden.append(where)
            continue
        person = _person_from_row(row, columns, where, result)
        if person is not None:
            result.people.append(person)
    if hidden:
        count = len(hidden)
        result.problems.append(Problem(
            hidden[0], f"{count} connection{'s' if count > 1 else ''} with no name, profile or "
            f"email (LinkedIn leaves out members who hide them from exports): skipped "
            f"({'lines' if count > 1 else 'line'} "
            f"{', '.join(w.removeprefix('line ') for w in hidden[:5])}"
            f"{', ...' if count > 5 else ''})", "warning",
        ))
    return result


def _hidden_member(row: list[str], columns: dict[str, int]) -> bool:
    """A row of a member who hides their profile from exports: no name, URL or email (their
    company, position and date may be there)."""
    return not any(row[columns[c]].strip() for c in ("first name", "last name", "url",
                                                     "email address")
                   if columns.get(c) is not None and columns[c] < len(row))


def _person_from_row(row: list[str], columns: dict[str, int], where: str,
                     result: ReadResult) -> Person | None:
    def cell(column: str) -> str:
        index = columns.get(column.lower())
        return single_line(row[index]) if index is not None and index < len(row) else ""

    name = single_line(f"{cell('First Name')} {cell('Last Name')}")
    if not name:
        result.problems.append(Problem(where, "no first or last name; row skipped"))
        return None
    connected_on = None
    if cell("Connected On"):
        connected_on = parse_connected_on(cell("Connected On"))
        if connected_on is None:
            result.problems.append(Problem(
                where, f"{cell('Connected On')!r} is not a date like '20 Nov 2026'; "
                "connected_on left out", "warning",
            ))
    url = cell("URL")
    return Person(
        name=name, source="linkedin", where=where, company=cell("Company") or None,
        role=cell("Position") or None,
        emails=(cell("Email Address"),) if cell("Email Address") else (),
        linkedin=url or None, urls=(), connected_on=connected_on,
    )
