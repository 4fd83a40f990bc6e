"""Tables in the body: Markdown pipe tables stay tables, aligned columns become them.

Rules (tests in tests/test_parse_layout.py):

* A Markdown pipe table stays a table (a header separator row is added when missing), in the form
  ``newsletter.body_format`` reads as a table, so the editor keeps it.
* Lines of columns aligned by two or more spaces, U+3000 or tabs — at least two lines of the same
  number (two or more) of columns, each cell at most 40 characters — become a pipe table.
* A table cut by a page break is one table again when its second half has no header separator of
  its own and as many columns (pagebreaks.py).
"""

import re

PIPE_ROW = re.compile(r"^\|.*\|$")
PIPE_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
COLUMN_GAP = re.compile(r"\s{2,}|\t|\u3000+")
MAX_CELL = 40


def table_rows(lines):
    """Lines → (Markdown pipe table lines, whether the header separator row was added), or None when
    they are not a table."""
    if len(lines) < 2:
        return None
    if all(PIPE_ROW.match(line) for line in lines):
        rows = list(lines)
        if not PIPE_SEPARATOR.match(rows[1]):
            cells = len(pipe_cells(rows[0]))
            rows.insert(1, "|" + "|".join(" --- " for _ in range(cells)) + "|")
            return rows, True
        return rows, False
    split = [[cell.strip() for cell in COLUMN_GAP.split(line) if cell.strip()] for line in lines]
    widths = {len(cells) for cells in split}
    if len(widths) != 1 or widths.pop() < 2 or any(len(cell) > MAX_CELL for cells in split for cell in cells):
        return None
    out = []
    for index, cells in enumerate(split):
        out.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
        if index == 0:
            out.append("|" + "|".join(" --- " for _ in cells) + "|")
    return out, True


def columns(line):
    return 0 if PIPE_ROW.match(line) else len([cell for cell in COLUMN_GAP.split(line) if cell.strip()])


def pipe_cells(row):
    return [cell for cell in re.split(r"(?<!\\)\|", row.strip().strip("|"))]
