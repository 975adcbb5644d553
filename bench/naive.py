"""The naive baseline every bench compares with: openpyxl in full, one field at a time, one pandera call per file."""
from __future__ import annotations

from pathlib import Path

FORM_ID = "fap-referral"


def reader(config):
    """read(path) -> typed row dict: load_workbook in full, every field by its defined name."""
    from openpyxl import load_workbook

    from addin.forms import get_form
    from addin.forms.contract import choices_of
    from addin.intake.values import parse

    form = get_form(FORM_ID)
    choices = {f.id: choices_of(f, config) for f in form.fields if f.type == "choice"}

    def read(path: Path) -> dict:
        wb = load_workbook(path)
        row = {}
        for f in form.fields:
            (sheet, ref), = wb.defined_names[f.id].destinations
            row[f.id] = parse(f, wb[sheet][ref.replace("$", "")].value, choices.get(f.id, ()))[0]
        return row

    return read


def naive_schema(form, rules):
    """The schema as pandera's documentation writes one: a typed column for every field, with its checks, and
    the cross-field rules. (SafeContext's own build_schema declares only the columns that have checks.)"""
    import pandera.pandas as pa

    from addin.validators.common import value_checks

    columns = {}
    for f in form.fields:
        checks = [pa.Check(lambda s: s.notna(), name=f"{form.code}-001", ignore_na=False)] if f.required else []
        checks += [pa.Check(test, element_wise=True, name=code) for code, test, _ in value_checks(form.code, f)]
        columns[f.id] = pa.Column(object, checks=checks, nullable=True)
    return pa.DataFrameSchema(columns, checks=[pa.Check(r.check, name=r.code) for r in rules], coerce=False)


def checker():
    """check(row) -> failures: the form's pandera schema built once, then called on a one-row frame per file."""
    import pandas as pd

    from addin.forms import get_form
    from addin.validators import rules_for
    from addin.validators.common import failures

    form = get_form(FORM_ID)
    schema = naive_schema(form, [r for r in rules_for(FORM_ID) if r.table is None])

    def check(row: dict):
        frame = pd.DataFrame([row], dtype=object)
        return failures(schema, frame.astype(object).where(frame.notna(), None))

    return check
