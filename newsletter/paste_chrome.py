"""An account's "follow us" header and QR-code footer, recognised at the edges of a pasted article.

WeChat articles (and many sites that copy their layout) open with 「点击上方蓝字关注我们」 and close with a
QR code, 「长按识别二维码」 and the account's card. Such a call to action is short and sits among the first
or the last few blocks; the header is cut with everything before it, the footer with everything after
it and the images just above it (the QR code is usually shown above its line); an animated banner
right under the header goes too. The same words deep in an article's text, or in a long paragraph,
are left alone.
"""

import re

from .paste_html import Image

CALL_TO_ACTION = re.compile(
    r"点击上方|点击(?:蓝字|标题下)|蓝字关注|关注我们|关注公众号|关注本号|扫描(?:下方)?二维码|扫码关注|扫一扫|"
    r"长按(?:识别|扫码|二维码)|识别(?:图中)?二维码|设为星标|加星标|星标我们|点个在看|点亮在看|在看和转发|"
    r"分享.{0,4}点赞|喜欢就点|阅读原文|往期推荐|往期回顾|推荐阅读|精彩推荐|更多精彩|^[-—–\s]*END[-—–\s]*$",
    re.I,
)
_ANIMATED = re.compile(r"\.gif\b|wx_fmt=gif", re.I)
EDGE = 4  # blocks at the top that may hold the header
TAIL = 8  # blocks at the bottom that may hold the footer
SHORT = 40  # a call to action is a line, not a paragraph


def _is_call_to_action(text):
    text = text.strip()
    return bool(text) and len(text) <= SHORT and bool(CALL_TO_ACTION.search(text))


def drop_account_chrome(blocks, text_of):
    """``blocks`` without the header and footer (``text_of(block)`` gives a block's plain text)."""
    texts = [text_of(block) for block in blocks]
    start = 0
    for index in range(min(EDGE, len(blocks))):
        if _is_call_to_action(texts[index]):
            start = index + 1
    # The animated banner under "follow us" goes with it; a photo there is the article's own.
    while start and start < len(blocks) and isinstance(blocks[start], Image) and _ANIMATED.search(blocks[start].src):
        start += 1
    end = len(blocks)
    for index in range(len(blocks) - 1, max(start, len(blocks) - TAIL) - 1, -1):
        if _is_call_to_action(texts[index]):
            end = index
    while end > start and isinstance(blocks[end - 1], Image) and end < len(blocks):
        end -= 1
    return blocks[start:end]
