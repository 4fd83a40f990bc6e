"""Reading clipboard HTML before and while it is parsed (``paste_html``): what would make the standard
parser slow or fail is rewritten first in linear passes (``tame``), and the few attributes that carry
meaning (``href``, an image's real address, inline bold and italic) are read here."""

import re

_WEIGHT = re.compile(r"(?<![-\w])font-weight\s*:\s*([^;!]+)", re.I)
_FONT_STYLE = re.compile(r"(?<![-\w])font-style\s*:\s*([^;!]+)", re.I)
_FONT_SHORTHAND = re.compile(r"(?<![-\w])font\s*:\s*([^;]+)", re.I)
_SIZE = re.compile(r"(?<![-\w])(width|height)\s*:\s*(\d+(?:\.\d+)?)px", re.I)
_UNKNOWN_MARKED_SECTION = re.compile(r"<!\[(?!(?:if|else|endif|cdata|temp|ignore|include|rcdata)(?![-_.a-z0-9]))", re.I)
SAFE_LINK = re.compile(r"^(?:https?://[^\s/]|mailto:[^\s])", re.I)
_URL_JUNK = re.compile(r"[\x00-\x20\x7f]+")
_URL_BREAKOUT = re.compile(r"[\"'<>`]|\s\S*=")
LAZY_SOURCES = ("data-src", "data-original", "data-actualsrc", "data-lazy-src", "data-url", "data-echo", "src")
PLACEHOLDER = re.compile(r"placeholder|blank\.gif|spacer|pixel\.gif|loading|lazy[-_]?load|grey\.gif|1x1", re.I)
TINY = 16


def clean_url(value):
    """An http(s) or mailto address, or "": a real one has no quotes, angle brackets or spaces left in it
    (browsers write them %-encoded), so one that has them is an attempt to break out of the attribute."""
    url = (value or "").strip()
    if _URL_BREAKOUT.search(url):
        return ""
    url = _URL_JUNK.sub("", url)
    if url.startswith("//"):
        url = "https:" + url
    return url if SAFE_LINK.match(url) else ""


def bold_from_style(style, inherited):
    match = _WEIGHT.search(style)
    if match:
        value = match.group(1).strip().lower()
        if value in ("bold", "bolder"):
            return True
        if value in ("normal", "lighter", "inherit", "initial", "unset"):
            return False if value != "inherit" else inherited
        return int(value) >= 600 if value.isdigit() else inherited
    match = _FONT_SHORTHAND.search(style)
    if match:
        return bool(re.search(r"\b(bold|bolder|[6-9]00)\b", match.group(1), re.I))
    return inherited


def italic_from_style(style, inherited):
    match = _FONT_STYLE.search(style)
    if match:
        return match.group(1).strip().lower() in ("italic", "oblique")
    match = _FONT_SHORTHAND.search(style)
    if match:
        return bool(re.search(r"\b(italic|oblique)\b", match.group(1), re.I))
    return inherited


def image_from(attrs):
    """(src, alt) of the image an ``<img>`` stands for, or None for tracking pixels, icons, QR codes and
    local files; ``src`` is the real address when a lazy loader put a placeholder in ``src``."""
    style = attrs.get("style") or ""
    for name in ("width", "height", "data-w"):
        value = (attrs.get(name) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) < TINY:
            return None
    if any(float(size) < TINY for _, size in _SIZE.findall(style)):
        return None
    src = ""
    for name in LAZY_SOURCES:
        candidate = clean_url(attrs.get(name))
        if candidate.lower().startswith(("http://", "https://")) and not PLACEHOLDER.search(candidate):
            src = candidate
            break
    alt = " ".join((attrs.get("alt") or "").split())
    hint = f"{src} {alt} {attrs.get('class') or ''}"
    if not src or re.search(r"qr_?code|qrcode|二维码", hint, re.I):
        return None
    if (
        alt.lower() in ("图片", "图像", "照片", "image", "img", "photo", "picture", "pic")
        or "." in alt
        and " " not in alt
    ):
        alt = ""
    return src, alt


_STRAY_LT = re.compile(r"<(?![a-zA-Z/!?])")
# A tag that never closes before the next "<" (quoted values aside) is text: left to the standard
# parser, each one makes it rescan the rest of the input.
_UNCLOSED_TAG = re.compile(r"""<(/?[a-zA-Z][^<>"']*(?:"[^"]*"[^<>"']*|'[^']*'[^<>"']*)*)(?=<|$)""")
_CONDITIONAL = re.compile(r"^\[(if\b[^\]<>]*|endif)\]$", re.I)


def _without_comments(html):
    """Comments removed in one linear pass (the standard parser rescans an unclosed one for each "<!--"
    that follows); a short downlevel conditional comment (``<!--[if !supportLists]-->``) is kept as the
    marked section it stands for. An unclosed comment runs to the end, as in a browser."""
    parts, position = [], 0
    while True:
        start = html.find("<!--", position)
        if start < 0:
            parts.append(html[position:])
            break
        parts.append(html[position:start])
        end = html.find("-->", start + 4)
        if end < 0:
            break
        conditional = _CONDITIONAL.match(html[start + 4 : end].strip())
        if conditional:
            parts.append(f"<![{conditional.group(1)}]>")
        position = end + 3
    return "".join(parts)


def tame(html):
    """Rewrite what would make the standard parser slow or fail: stray "<", comments, unknown sections."""
    html = _without_comments(html)
    html = _STRAY_LT.sub("&lt;", html)
    html = _UNCLOSED_TAG.sub(r"&lt;\1", html)
    return _UNKNOWN_MARKED_SECTION.sub("&lt;![", html)
