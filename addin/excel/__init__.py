"""SafeContext in Excel: the entry points behind the add-in's ribbon buttons (xlwings RunPython).

From any workbook with xlwings' VBA: RunPython "import addin.excel as sc; sc.check_this_form()".
`safecontext addin build` writes the add-in (see docs/excel_addin.md).
"""
from addin.excel.buttons import (ENTRY_POINTS, briefing, check_this_form, file_this_form, new_fap_referral,
                                 new_pgi, termly_matrix)

__all__ = ["ENTRY_POINTS", "briefing", "check_this_form", "file_this_form", "new_fap_referral", "new_pgi",
           "termly_matrix"]
