"""Run by a Python that has LibreOffice's uno (not the project's venv): open a workbook in a LibreOffice
already listening on PORT and print, as JSON, the drop-down LibreOffice offers in each given cell
(by evaluating the cell's list validation, as LibreOffice read it from the file, in that cell's row).

    python3 lo_validation.py PORT WORKBOOK SHEET CELL...
"""
import json
import re
import sys
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

port, path, sheet_name, cells = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
for _ in range(120):  # LibreOffice takes a few seconds to start listening
    try:
        ctx = resolver.resolve(f"uno:socket,host=localhost,port={port};urp;StarOffice.ComponentContext")
        break
    except NoConnectException:
        time.sleep(0.5)
else:
    sys.exit("LibreOffice did not start listening")
desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
hidden = PropertyValue()
hidden.Name, hidden.Value = "Hidden", True
doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0, (hidden,))
try:
    sheet = doc.Sheets.getByName(sheet_name)
    out = {}
    for ref in cells:
        cell = sheet.getCellRangeByName(ref)
        v = cell.Validation
        base = v.getSourcePosition().Row + 1
        row = cell.CellAddress.Row + 1
        # The formula is written for the validation's first cell: move its row-relative references to this row.
        formula = re.sub(r"(\$[A-Z]+)%d\b" % base, lambda m: f"{m.group(1)}{row}", v.getFormula1())
        scratch = sheet.getCellByPosition(200, cell.CellAddress.Row)
        scratch.setFormula(f'=TEXTJOIN("|";1;{formula})')
        out[ref] = {"type": v.Type.value, "choices": scratch.getString().split("|")}
        scratch.setString("")
    print(json.dumps(out))
finally:
    doc.close(True)
