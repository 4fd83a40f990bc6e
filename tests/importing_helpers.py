"""Shared checks for the import/export tests: database snapshots and "ends a sentence" as readers see it."""

import re

from newsletter.models import Article, Editor, Figure, Issue, IssueCredit, Outlet, Publication, Source
from regions.models import Region

SENTENCE_END = re.compile(r"[。！？!?；;：:…][”’」』）)\"']*$")
FURNITURE_WORDS = ["研究院微信", "扫描二维码", "双周决策观察", "地方工作亮点追踪", "洞悉基层创新"]


def snapshot():
    """Row counts of everything an import writes: equal snapshots mean nothing was written."""
    return {
        model.__name__: model.objects.count()
        for model in (Publication, Issue, IssueCredit, Editor, Article, Source, Outlet, Figure, Region)
    }


def body_paragraphs(body):
    """Plain paragraphs of a stored body: not headings, figure markers or list blocks."""
    blocks = [b.strip() for b in body.split("\n\n") if b.strip()]
    return [b for b in blocks if not b.startswith(("#", "[[figure:", "- ")) and not re.match(r"\d+\. ", b)]
