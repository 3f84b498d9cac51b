"""Spreadsheet annexes (phụ lục) of demo documents, with reproducible bytes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from luutru.packaging.catalogue_writer import save_workbook


def write_xlsx_annex(path: Path, title: str, org_name: str, rows: Sequence[Sequence[object]],
                     header: Sequence[str], *, timestamp: datetime) -> Path:
    """A spreadsheet annex (phụ lục) with a title and one table, reproducible bytes."""
    wb = Workbook()
    ws = wb.active
    ws.title = "PhuLuc"
    ws["A1"] = org_name.upper()
    ws["A2"] = title
    ws["A1"].font = ws["A2"].font = Font(bold=True)
    for i, text in enumerate(header, start=1):
        ws.cell(row=4, column=i, value=text).font = Font(bold=True)
    for r, row in enumerate(rows, start=5):
        for i, value in enumerate(row, start=1):
            ws.cell(row=r, column=i, value=value)
    ws.column_dimensions["B"].width = 48
    wb.properties.creator = org_name
    wb.properties.title = title
    return save_workbook(wb, path, timestamp=timestamp)
