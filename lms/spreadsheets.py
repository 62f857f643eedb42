"""Spreadsheet-safe cells, for every export of every app (the bottom layer, so all can use it).

A text cell that starts with one of FORMULA_TRIGGERS is run as a formula by Excel and LibreOffice
(`=HYPERLINK(...)`, `=cmd|...`), so every export writes it behind a single quote (OWASP's
advice), which keeps it a literal string, and every import takes that quote off again.
"""

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value):
    """An exported cell value: text that a spreadsheet would run gets a leading quote.

    Only text is changed: numbers, dates and empty cells go out as they are.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def without_formula_quote(value: str) -> str:
    """The text an export escaped with spreadsheet_text, as it was."""
    if value.startswith("'") and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value
