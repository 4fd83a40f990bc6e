"""Page furniture: the lines a print edition repeats on its pages (running title, subtitle, slogan,
WeChat and QR prompts, page numbers), learned from the file itself, dropped from bodies, reported.

Rules (tests in tests/test_parse_furniture.py):

* Furniture is learned from the file itself: the lines of its header before the table of contents
  (cover lines such as 研究院微信, the issue line, the title and subtitle) and of its footer, plus the
  caller's ``known_lines``; so the first import of an archive into an empty database reads a file as
  the hundredth does. A body line that is one of these (spacing, width, heading and bold marks and
  dashes aside) is a running line and is dropped, and so is a short line (at most 40 characters, not
  a sentence) that holds one of them of four characters or more (``扫描二维码，关注研究院微信`` where the
  cover says ``研究院微信``); so is a page number (``12``, ``- 12 -``, ``— 3 —``, ``第 12 页``, ``3/12``).
  Nothing is dropped for how it starts: ``扫码支付已覆盖全市 90% 的商户。`` is text.
* Every dropped line is reported as ``Notice(DROPPED_TEXT)``: the page numbers in one notice per
  file (text: the numbers, one a line; the message lists their line numbers), the running lines in
  one notice per file (text: each distinct line once); other text the parser leaves out (before the
  first article) gets a notice per block from the parser.
* The footer is the closing repeat of the publication's title and what follows it (subtitle, slogan,
  QR prompt): the title, as a heading where the header's title is one (else as a plain line), among
  the file's last six short lines, and not between the halves of a paragraph cut by a page break (a
  running title on the last page; a paragraph closed by a sentence or a source line is not cut).
* The slogan is read from the file alone, so that an empty database and one after the seed read a
  footer the same: it is the footer's first line, after the title, subtitle, QR or WeChat prompts and
  page numbers, that reads as a motto (at most 30 characters, no heading, no ``：`` label such as
  本期责任编辑：…). The caller's known lines (the publication's slogan) never choose another line.
  A line ending with 。！？ or a closing bracket (a sentence or a source line) is never a slogan; when
  all that follows the title is such body text (no closing footer, a running title on the last page),
  the title is a running header and the text goes back to the last article.
  Every other line of the footer is reported as ``Notice(DROPPED_TEXT)`` (one notice, its lines as
  text), never read as the slogan or glued to the last article.
"""

import re

from .schema import Notice
from .text import NON_INITIAL, collapse_spaces, continues, for_matching, is_complete, is_terminated

HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
BOLD_LINE = re.compile(r"^(?:\*\*|__)\s*(.+?)\s*(?:\*\*|__)$")
PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,3}\s*(?:页)?(?:\s*/\s*\d{1,3})?[-—–\s]*$")
QR_WORDS = re.compile(r"二维码|扫码|扫描|扫一扫|微信|公众号|关注")
MAX_RUNNING = 40  # a running line that holds a learned one is short and not a sentence
MIN_CONTAINED = 4
MAX_FOOTER_LINES = 6
MAX_FOOTER_LINE = 80
MAX_SLOGAN = 30


def key(text):
    """What makes two printings of a running line the same line."""
    match = HEADING.match(text or "")
    inner = match.group(2) if match else text or ""
    bold = BOLD_LINE.match(inner)
    return for_matching(bold.group(1) if bold else inner).strip("-·")


class Furniture:
    """The file's running lines and the log of what was dropped as furniture."""

    def __init__(self, known_lines=()):
        self.keys = set()
        self.long_keys = []
        self.dropped = []  # (kind, line number, text)
        self.footer_extra = []  # (line number, text): footer lines that are no furniture
        self.learn(known_lines)

    def learn(self, lines):
        self.keys |= {key(line) for line in lines if line}
        self.keys.discard("")
        self.long_keys = [k for k in self.keys if len(k) >= MIN_CONTAINED]

    def kind(self, text):
        """ "page", "running" or None."""
        if PAGE_NUMBER.match(text):
            return "page"
        found = key(text)
        if found in self.keys:
            return "running"
        if len(found) <= MAX_RUNNING and not is_terminated(text) and any(k in found for k in self.long_keys):
            return "running"
        return None

    def drop(self, number, text):
        """Whether the line is furniture; if so it is logged."""
        kind = self.kind(text)
        if kind:
            self.dropped.append((kind, number, text))
        return bool(kind)

    def footer_lines(self, found):
        """The footer's lines that are none of its furniture (title, subtitle, slogan, QR prompt)."""
        self.footer_extra += found

    def notices(self):
        out = []
        pages = [(n, t) for kind, n, t in self.dropped if kind == "page"]
        running = [(n, t) for kind, n, t in self.dropped if kind == "running"]
        if pages:
            out.append(
                Notice(
                    Notice.DROPPED_TEXT,
                    f"删去了 {len(pages)} 个页码（第 {'、'.join(str(n) for n, _ in pages)} 行）。",
                    text="\n".join(t for _, t in pages),
                )
            )
        if running:
            distinct = list(dict.fromkeys(t for _, t in running))
            out.append(
                Notice(
                    Notice.DROPPED_TEXT,
                    f"删去了 {len(running)} 行页眉页脚（第 {'、'.join(str(n) for n, _ in running)} 行）："
                    + "、".join(f"“{t}”" for t in distinct)
                    + "。",
                    text="\n".join(distinct),
                )
            )
        if self.footer_extra:
            out.append(
                Notice(
                    Notice.DROPPED_TEXT,
                    f"页尾的 {len(self.footer_extra)} 行不是刊名、副标题、口号或二维码提示，已略过"
                    f"（第 {'、'.join(str(n) for n, _ in self.footer_extra)} 行）。",
                    text="\n".join(t for _, t in self.footer_extra),
                )
            )
        return out


def footer(lines, body_start, title, subtitle):
    """(index where the footer starts, or len(lines); the slogan; [(line number, text)] of the footer's
    other lines). Read from the file alone: what the database knows changes nothing here."""
    title_key = key(title) if title else None
    title_is_heading = any(HEADING.match(t) and key(t) == title_key for _, t, _ in lines[:body_start])
    start, seen = len(lines), 0
    if title_key:
        for index in range(len(lines) - 1, body_start, -1):
            text = lines[index][1]
            if not text:
                continue
            if key(text) == title_key:
                if _is_footer_title(lines, index, title_is_heading):
                    start = index
                break
            seen += 1
            if seen > MAX_FOOTER_LINES or len(text) > MAX_FOOTER_LINE or (is_terminated(text) and len(text) > 30):
                break  # body text: the title above it is a running header, not the footer
    following = [t for _, t, _ in lines[start + 1 :] if t]
    if following and all(_reads_as_body(t) for t in following):
        start = len(lines)  # only body text after the title: a running header, the text is the article's
    own = {title_key, key(subtitle)}
    others = [
        (number, text)
        for number, text, _ in lines[start + 1 :]
        if text and key(text) not in own and not PAGE_NUMBER.match(text) and not _is_prompt(text)
    ]
    slogans = [(n, t) for n, t in others if _reads_as_slogan(t)]  # from the file alone, never from ``known``
    slogan = collapse_spaces(slogans[0][1]) if slogans else ""
    return start, slogan, [(n, t) for n, t in others if (n, t) not in slogans[:1]]


def _is_prompt(text):
    return bool(QR_WORDS.search(text)) and len(text) <= MAX_RUNNING


def _reads_as_body(text):
    """A sentence or a source line: it ends with 。！？ … or a closing bracket (…（钱江晚报 20220305））."""
    return is_terminated(text) or bool(re.search(r"[）)]\s*$", text))


def _reads_as_slogan(text):
    """A motto, not a notice: short, no heading, no label (本期责任编辑：…), no sentence or source line."""
    return (
        len(text) <= MAX_SLOGAN
        and not HEADING.match(text)
        and not re.search(r"[:：]", text)
        and not _reads_as_body(text)
    )


def _is_footer_title(lines, index, title_is_heading):
    if title_is_heading and not HEADING.match(lines[index][1]):
        return False
    before = next((t for _, t, _ in reversed(lines[:index]) if t), "")
    after = next((t for _, t, _ in lines[index + 1 :] if t), "")
    if not (before and after) or HEADING.match(after):
        return True
    # A closing sentence or source line (…。（大众日报 20210330）) is not cut by the title after it.
    if is_complete(before) and after[:1] not in NON_INITIAL:
        return True
    return not continues(before, after)
