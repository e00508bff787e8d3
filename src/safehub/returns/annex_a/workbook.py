"""Build the Ofsted Annex A workbook: lists 1-11 for an inspection date, one sheet each."""

import io
from collections.abc import Callable
from datetime import date
from uuid import UUID

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ..identity import child_ids_for
from .common import AnnexList, Windows, fill_disabilities
from .lists_adoption import list_10_adoption, list_11_adopters
from .lists_care import list_8_children_in_care, list_9_care_leavers
from .lists_cp import list_6_children_in_need, list_7_child_protection
from .lists_front import (
    list_1_contacts,
    list_2_early_help,
    list_3_referrals,
    list_4_assessments,
    list_5_section_47,
)

LISTS: tuple[Callable[[Windows], AnnexList], ...] = (
    list_1_contacts,
    list_2_early_help,
    list_3_referrals,
    list_4_assessments,
    list_5_section_47,
    list_6_children_in_need,
    list_7_child_protection,
    list_8_children_in_care,
    list_9_care_leavers,
    list_10_adoption,
    list_11_adopters,
)
DATE_FORMAT = "dd/mm/yyyy"
_MAX_WIDTH = 60


def build_lists(as_at: date) -> list[AnnexList]:
    """Every list with its first column already holding the children's return ids, and its
    disability column answered."""
    window = Windows(as_at)
    sheets = [build(window) for build in LISTS]
    fill_disabilities(sheets)
    children = {pid for sheet in sheets if sheet.child_ids for pid in sheet.person_ids}
    ids = child_ids_for(children)
    for sheet in sheets:
        if sheet.child_ids:
            for row in sheet.rows:
                row[0] = ids[row[0]]
    return sheets


def build_annex_a(as_at: date) -> tuple[bytes, list[UUID]]:
    """The workbook's bytes and every person it names (children and adopters), for the audit."""
    sheets = build_lists(as_at)
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        _write(book, sheet)
    out = io.BytesIO()
    book.save(out)
    people = sorted({pid for sheet in sheets for pid in sheet.person_ids}, key=str)
    return out.getvalue(), people


# A cell whose text starts with one of these is a formula to Excel (and to openpyxl): text typed by
# staff or brought in from the old system (team and worker names, household references) must stay
# text in a workbook that goes to Ofsted (R42).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _write(book: Workbook, annex: AnnexList) -> None:
    ws = book.create_sheet(annex.sheet_name[:31])
    ws.append(annex.headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in annex.rows:
        ws.append([_inert(value) for value in row])
    widths = [len(h) for h in annex.headers]
    for row_cells in ws.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
                length = 10
            else:
                length = len(str(cell.value)) if cell.value is not None else 0
            widths[cell.column - 1] = max(widths[cell.column - 1], length)
    for index, width in enumerate(widths, start=1):
        # Long Ofsted headers wrap rather than make a column a screen wide.
        ws.column_dimensions[get_column_letter(index)].width = min(max(width, 10) + 2, _MAX_WIDTH)
    ws.freeze_panes = "A2"
    # Notes go below the data, one blank row apart, so the header stays row 1 for any reader.
    if annex.notes:
        ws.append([])
        for note in annex.notes:
            ws.append([note])
