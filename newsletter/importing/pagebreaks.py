"""Page breaks repaired inside an article's blocks.

Rules (tests in tests/test_parse_layout.py and tests/test_parse_sources.py):

* A paragraph cut by a page break (page furniture, or a figure placed between the halves) is joined
  again when its second half continues it: it starts with what no paragraph starts with (，。、…), or
  the first half ends no sentence and is not a heading, or the first half's bracket is still open
  (a source line: ``（来源：大众日报`` / ``2021年3月30日）``). A sentence closed by a bracketed aside or
  source line (``…。（大众日报 20210330）``) is complete.
* Inside a source line the break also separated two outlets (``（中国证券报`` / ``上海证券报 20210817）``):
  the halves are joined with a space when that reads as more sources.
* A list item cut by a page break is joined with the text after the break; a list whose numbering
  goes on after the break (or bullets on both sides) is one list.
* A table cut by a page break is one table when its second half has no header row of its own.
"""

import re

from .blocks import LIST_ITEM, REGION_LEAD, Block
from .sources import read_tail
from .tables import pipe_cells
from .text import NON_INITIAL, continues, is_complete, is_terminated, join_broken

ORDINAL = re.compile(r"^(\d{1,3})[.、)）]\s")


def _open_bracket(text):
    return text.count("（") + text.count("(") > text.count("）") + text.count(")")


def _continues(previous, following):
    if _open_bracket(previous):
        return True
    if is_complete(previous) and following[:1] not in NON_INITIAL:
        return False
    return continues(previous, following)


def _join_halves(first, second):
    """A paragraph's halves. Inside a source line cut by a page break the break also separated two
    outlets (（中国证券报 / 上海证券报 20210817）): joined with a space when that reads as sources."""
    joined = join_broken(first, second)
    if _open_bracket(first):
        spaced = f"{first.rstrip()} {second.lstrip()}"
        _, sources, _ = read_tail(spaced, None)
        if sources:
            _, together, _ = read_tail(joined, None)
            if len(sources) > len(together):
                return spaced
    return joined


def repair_page_breaks(blocks):
    """Re-join paragraphs, list items and source lines cut by a page break (possibly with a figure
    placed between the halves)."""
    out = []
    for block in blocks:
        if block.kind == "text" and not REGION_LEAD.match(block.text) and not LIST_ITEM.match(block.text):
            j = len(out) - 1
            while j >= 0 and out[j].kind == "figure":
                j -= 1
            if j >= 0 and out[j].kind == "text" and _continues(out[j].text, block.text):
                out[j] = Block("text", _join_halves(out[j].text, block.text), out[j].line)
                continue
            if j >= 0 and out[j].kind == "list":
                items = out[j].text.split("\n")
                cut = block.after_break and not is_terminated(items[-1])
                if cut or block.text[:1] in NON_INITIAL:
                    items[-1] = join_broken(items[-1], block.text)
                    out[j] = Block("list", "\n".join(items), out[j].line, after_break=True)
                    continue
        if block.kind == "table" and out and out[-1].kind == "table" and block.after_break:
            first, second = out[-1].text.split("\n"), block.text.split("\n")
            if len(pipe_cells(first[0])) == len(pipe_cells(second[0])) and block.level == 1:
                # A table cut by a page break: the second half has no header row of its own.
                out[-1] = Block("table", "\n".join(first + second[:1] + second[2:]), out[-1].line)
                continue
        if block.kind == "list" and out and out[-1].kind == "list" and _list_goes_on(out[-1], block):
            out[-1] = Block("list", out[-1].text + "\n" + block.text, out[-1].line)
            continue
        out.append(block)
    return out


def _list_goes_on(first, second):
    """A list cut by a page break (or whose last item was): the second half's numbering continues the
    first's, or both are bullets."""
    if not (second.after_break or first.after_break):
        return False
    last, following = first.text.split("\n")[-1], second.text.split("\n")[0]
    a, b = ORDINAL.match(last), ORDINAL.match(following)
    if a and b:
        return int(b.group(1)) == int(a.group(1)) + 1
    return not a and not b
