"""Drop-down lists for every controlled column of the catalogue workbook.

Why a list sheet: Excel and LibreOffice cap an inline list at 255 characters, and the
32 document types alone are longer.  Each 05/2025 value list is written once, as
``code: label``, to the sheet ``DanhMuc``; every column that uses the list gets a list
validation pointing at that range.  The validation *warns* rather than stops, because
the catalogue also accepts the bare code, the label and the listed older wordings
(``luutru.records.vocabularies``), and a language cell may hold several values.
"""

from __future__ import annotations

from typing import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from luutru.records.vocabularies import Vocabulary, vocabularies

LISTS_SHEET = "DanhMuc"
# Values of a list that the service always refuses are not offered: access 03 (Mật) is a
# state secret, out of scope (it is still read, and refused with STATE_SECRET).
NOT_OFFERED = {("access", "03")}


def offered(voc: Vocabulary) -> tuple[str, ...]:
    return tuple(t.display() for t in voc.terms if (voc.key, t.code) not in NOT_OFFERED)


def write_lists_sheet(wb: Workbook) -> dict[str, str]:
    """Write every value list to ``DanhMuc``; returns {vocabulary key: absolute range}."""
    ws = wb[LISTS_SHEET] if LISTS_SHEET in wb.sheetnames else wb.create_sheet(LISTS_SHEET)
    ranges: dict[str, str] = {}
    for i, (key, voc) in enumerate(vocabularies().items(), start=1):
        letter = get_column_letter(i)
        head = ws.cell(row=1, column=i, value=voc.title_vi)
        head.font = Font(bold=True)
        choices = offered(voc)
        ws.column_dimensions[letter].width = max(18, len(voc.title_vi) + 2, max(len(c) for c in choices) + 2)
        for r, choice in enumerate(choices, start=2):
            ws.cell(row=r, column=i, value=choice).number_format = "@"
        last = len(choices) + 1
        ranges[key] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${last}"
    ws.freeze_panes = "A2"
    return ranges


def _prompt(voc: Vocabulary) -> str:
    text = "Chọn trong danh sách, hoặc ghi mã / nhãn. " + ("Nhiều giá trị: cách nhau bằng ';'. " if voc.multi else "")
    if voc.key == "retention":
        text += "Thời hạn khác: '07: N năm'. "
    return (text + "Choose from the list, or type the code or label.")[:255]


def add_list_validations(ws: Worksheet, columns: Sequence, ranges: dict[str, str], last_row: int) -> int:
    """A drop-down on every column of ``ws`` whose column names a vocabulary; returns how many."""
    n = 0
    for i, col in enumerate(columns, start=1):
        key = getattr(col, "vocabulary", None)
        if not key or key not in ranges:
            continue
        voc = vocabularies()[key]
        letter = get_column_letter(i)
        dv = DataValidation(type="list", formula1=ranges[key], allow_blank=True)
        dv.errorStyle = "warning"
        dv.errorTitle = "Giá trị ngoài danh mục / Value not in the list"
        dv.error = (f"{voc.title_vi}: chọn trong danh sách (sheet {LISTS_SHEET}) hoặc ghi mã / nhãn. "
                    f"Choose from the list or type the code or label.")[:255]
        dv.promptTitle = voc.title_vi[:32]
        dv.prompt = _prompt(voc)
        dv.showErrorMessage = True
        dv.showInputMessage = True
        dv.showDropDown = False  # False = show the arrow (the OOXML attribute is inverted)
        ws.add_data_validation(dv)
        dv.add(f"{letter}2:{letter}{last_row}")
        n += 1
    return n
