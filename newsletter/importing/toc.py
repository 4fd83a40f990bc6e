"""The table of contents and section labels.

Rules (tests in tests/test_parse_titles.py and tests/test_parse_regions.py):

* The TOC is the first run of bullets ``- 【栏目】 标题  标题`` (bullet -, *, +, •, ·, ●); titles on one
  bullet are separated by line breaks or by runs of two or more spaces (or U+3000); lines after a
  bullet that are not bullets, headings or masthead labels hold more titles of the same section.
* A section label is read with the spacing inside its brackets removed: 【区　域】, 【 区域 】 and
  【区域】 are one label, in the TOC and in the body.
* The sections of the issue are its TOC's labels in TOC order.
* A TOC entry wrapped over two lines reads as two entries here; the title matching joins them again
  (titles.py).
"""

import re

from .text import collapse_spaces

BULLET = re.compile(r"^[-*+•·●]\s*【([^【】]{1,30})】\s*(.*)$")
LABEL = re.compile(r"^【([^【】]{1,30})】")
HEADING = re.compile(r"^#{1,6}\s")


def label_name(inner):
    """The text inside 【】 → the label, without any spacing (【区　域】 → 区域); "" when it is not a
    label (empty, or a sentence)."""
    name = re.sub(r"\s+", "", inner or "")
    if not name or re.search(r"[，。；！？,;!?：:]", name):
        return ""
    return name


def split_titles(text):
    """TOC titles on one bullet are separated by line breaks or by runs of two or more spaces."""
    return [collapse_spaces(part) for part in re.split(r"\s{2,}|\u3000+", text.strip()) if part.strip()]


def read(lines, is_label_line):
    """The first run of TOC bullets: (start index, end index, [(region, title, line number)])."""
    entries, start, end, current = [], None, None, None
    index = 0
    while index < len(lines):
        number, text, _ = lines[index]
        bullet = BULLET.match(text)
        if bullet and label_name(bullet.group(1)):
            if start is None:
                start = index
            current = label_name(bullet.group(1))
            entries += [(current, title, number) for title in split_titles(bullet.group(2))]
        elif start is not None:
            if not text:
                following = next((t for _, t, _ in lines[index:] if t), "")
                if not BULLET.match(following):
                    end = index
                    break
            elif current is not None and not HEADING.match(text) and not is_label_line(text):
                entries += [(current, title, number) for title in split_titles(text)]
            else:
                end = index
                break
        index += 1
    if start is None:
        return 0, 0, []
    return start, end if end is not None else len(lines), entries
