"""XLSX downloads: a header row frozen at the top, and amounts as numbers in yuan."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]

YUAN_FORMAT = '"¥"#,##0.00'
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Fen(int):
    """An amount in fen for a cell: written as the number of yuan, formatted as yuan."""


def _cell(value: Any) -> Any:
    # A text a spreadsheet would run as a formula stays text (as in core.csv).
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@")):
        return "'" + value
    return value


def xlsx_response(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, filename: str, title: str = ""
) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.title = title[:31]
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append(
            [
                Decimal(int(value)).scaleb(-2) if isinstance(value, Fen) else _cell(value)
                for value in row
            ]
        )
        for cell, value in zip(sheet[sheet.max_row], row, strict=False):
            if isinstance(value, Fen):
                cell.number_format = YUAN_FORMAT
    for column, text in enumerate(header, start=1):
        letter = sheet.cell(row=1, column=column).column_letter
        sheet.column_dimensions[letter].width = max(12, len(str(text)) + 4)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
