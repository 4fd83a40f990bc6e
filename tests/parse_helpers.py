"""Small issues written for the parser's rule tests: a header, a TOC, a masthead, a body, a footer.

Every piece can be replaced, so that a test changes only what its rule is about."""

from newsletter.importing.parser import parse_text

HEADER = "2021 年第 7 期\n\n(总第 177 期)\n\n4 月 8 日印发\n\n# 区域观察周报\n\n## 城市政策速递"
MASTHEAD = "主办：海河政策研究中心\n\n编辑：林一 陈二\n\n统筹：周三\n\n电话：010-5550101\n\n传真：010-5550102"
FOOTER = "# 区域观察周报\n\n## —— 城市政策速递 ——\n\n看城市 读政策\n\n扫描二维码，阅读往期电子版"


def document(toc, body, *, header=HEADER, masthead=MASTHEAD, footer=FOOTER, note=""):
    parts = [header, toc, masthead]
    if note:
        parts.append(note)
    parts += [body, footer]
    return "\n\n".join(part for part in parts if part) + "\n"


def one_article(body, *, title="青岛启动海洋牧场建设行动", section="山东", **kwargs):
    """An issue with one article in one section: ``body`` is the article's text after its title."""
    toc = f"- 【{section}】 {title}"
    return document(toc, f"【{section}】\n\n### {title}\n\n{body}", **kwargs)


def parse(text, **kwargs):
    return parse_text(text, "test.md", **kwargs)


def parse_article(body, **kwargs):
    known = {k: kwargs.pop(k) for k in ("known_lines", "known_regions") if k in kwargs}
    data = parse(one_article(body, **kwargs), **known)
    (article,) = data.articles()
    return data, article


def kinds(data):
    return [notice.kind for notice in data.warnings]
