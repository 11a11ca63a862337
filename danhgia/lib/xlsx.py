"""The one way the application opens an Excel workbook: text stays text.

XlsxWriter's `write()` turns a string that starts with "=" into a live formula, one that looks like a number into
a number (an ID loses its leading zero) and one that looks like a link into a link. A unit named
'=HYPERLINK("http://…")' became a formula in the reports this way (issue 16). With these options every string
is written as a string (`write_string`), whatever it starts with — "=", "+", "-", "@", a tab, a carriage
return — and Excel shows it as the text it is; only what the code writes with `write_formula` is a formula.
"""

from __future__ import annotations

from typing import IO, Any

import xlsxwriter
from xlsxwriter.workbook import Workbook

TEXT_STAYS_TEXT = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}


def workbook(target: IO[bytes], **options: Any) -> Workbook:
    """A new workbook writing to `target`; `options` are XlsxWriter's (in_memory, constant_memory…), never the
    ones that would turn text into something else."""
    overridden = set(options) & set(TEXT_STAYS_TEXT)
    if overridden:
        raise ValueError(f"text must stay text: {sorted(overridden)}")
    return xlsxwriter.Workbook(target, {**options, **TEXT_STAYS_TEXT})
