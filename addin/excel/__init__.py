"""SafeContext in Excel: the entry points behind the add-in's ribbon buttons (xlwings RunPython).

From any workbook with xlwings' VBA: RunPython "import addin.excel as sc; sc.check_this_form()".
Each registered form has a New form entry point, new_<form id with _ for ->: sc.new_pgi().
`safecontext addin build` writes the add-in (see docs/excel_addin.md).
"""
import functools

from addin.excel.buttons import (FIXED_ENTRY_POINTS, check_this_form, entry_points, file_this_form, new_form,
                                 new_form_entry)


def __getattr__(name: str):
    """new_<form>: the New form entry point of a registered form (made from the registry, not written out);
    and the entry points of the buttons form packages declare."""
    from importlib import import_module

    from addin.forms import plugins

    for form_id, p in plugins().items():
        if name == new_form_entry(form_id):
            run = functools.partial(new_form, form_id=form_id)
            run.is_entry_point = True
            return run
        if any(r[1] == name for r in p.ribbon):  # a button the form package declares
            return getattr(import_module(p.excel), name)
    raise AttributeError(f"module 'addin.excel' has no attribute {name!r}")


__all__ = ["FIXED_ENTRY_POINTS", "check_this_form", "entry_points", "file_this_form", "new_form"]
