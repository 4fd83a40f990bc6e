"""Paste-ready HTML for the WeChat official-account editor (公众号).

The WeChat editor keeps only inline styles, drops classes, ``<style>`` and ``<script>``, turns
``div`` soup into something unpredictable, ignores ``position``/``background`` and refuses links
outside mp.weixin.qq.com. So we render our own template with classes, inline its CSS with
css-inline, then rewrite the tree: ``section``/``p`` only, no classes or ids, filtered styles,
links as numbered 参考资料 footnotes, images by absolute URL (the editor must upload them).
Those URLs are on the host the editor is using (``absolute_urls``), where the figures can be opened.
"""

import html as html_lib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.template.loader import render_to_string

from .. import rendering
from ..absolute_urls import absolute_url, site_url

WECHAT_CHAR_LIMIT = 20_000
WECHAT_LINK_HOSTS = {"mp.weixin.qq.com"}

RENAMED_TAGS = {
    "div": "section",
    "article": "section",
    "header": "section",
    "footer": "section",
    "nav": "section",
    "main": "section",
    "aside": "section",
    "figure": "section",
    "figcaption": "p",
}
DROPPED_WITH_CONTENT = {"style", "script", "noscript", "template", "iframe", "object", "title", "head"}
UNWRAPPED = {"html", "body", "meta", "link"}
VOID_TAGS = {"img", "br", "hr", "meta", "link"}
KEPT_ATTRIBUTES = {
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "ol": {"start"},
}
# Positioning and backgrounds are stripped by the WeChat editor or break its layout on phones.
FORBIDDEN_STYLE = re.compile(r"^(position|background(-.*)?|top|left|right|bottom|z-index|float)$")


@dataclass
class WechatArticle:
    title: str
    html: str
    text: str
    char_count: int
    references: list = field(default_factory=list)  # [(number, label, url)]
    images: list = field(default_factory=list)  # [(absolute url, caption)]
    parts: list = field(default_factory=list)  # [(article title, characters)]
    warnings: list = field(default_factory=list)


def build_issue(issue, request=None):
    """The whole issue as one WeChat article. ``issue`` should come from ``pdf.print_queryset()``;
    ``request`` (the admin page's) gives links and figures its host, else SITE_URL."""
    sections = issue.sections()
    fragment = render_to_string(
        "newsletter/print/wechat.html",
        {
            "issue": issue,
            "publication": issue.publication,
            "sections": sections,
            "whole_issue": True,
            "web_url": absolute_url(issue.get_absolute_url(), request),
        },
    )
    parts = [(a.title, _article_chars(a)) for _, articles in sections for a in articles]
    return _finish(f"{issue.publication.title}{issue.year}年第{issue.number}期", fragment, parts, request)


def build_article(article, request=None):
    issue = article.issue
    fragment = render_to_string(
        "newsletter/print/wechat.html",
        {
            "issue": issue,
            "publication": issue.publication if issue else None,
            "sections": [(article.section, [article])],
            "whole_issue": False,
            "web_url": absolute_url(article.get_absolute_url(), request) if issue else "",
        },
    )
    return _finish(article.title, fragment, [(article.title, _article_chars(article))], request)


def _finish(title, fragment, parts, request=None):
    css = render_to_string("newsletter/print/wechat.css")
    import css_inline  # only when an editor copies an article for WeChat; not in every web worker

    inliner = css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=False, keep_link_tags=False)
    inlined = inliner.inline_fragment(fragment, css)
    rewriter = _WechatRewriter(base_url=site_url(request) + "/")
    rewriter.feed(inlined)
    rewriter.close()
    body = "".join(rewriter.out) + _references_html(rewriter.references)
    text = html_to_text(body)
    count = count_chars(text)
    result = WechatArticle(
        title=title,
        html=body,
        text=text,
        char_count=count,
        references=rewriter.references,
        images=rewriter.images,
        parts=parts,
    )
    result.warnings = _length_warnings(count, parts)
    return result


def count_chars(text):
    # The editor counts what readers see; whitespace between blocks is not content.
    return len(re.sub(r"\s+", "", text))


def _article_chars(article):
    return count_chars(" ".join([article.title, rendering.plain_text(article.body_html), article.source_line()]))


def _length_warnings(total, parts):
    warnings = []
    if total <= WECHAT_CHAR_LIMIT:
        return warnings
    for title, chars in parts:
        if chars > WECHAT_CHAR_LIMIT:
            warnings.append(
                f"《{title}》一篇约 {chars:,} 字，超过公众号单篇 20,000 字上限，须把这篇的正文拆成两篇推送。"
            )
    if len(parts) > 1:
        running = 0
        for index, (title, chars) in enumerate(parts):
            running += chars
            if running > WECHAT_CHAR_LIMIT and index > 0:
                warnings.insert(
                    0,
                    f"全文约 {total:,} 字，超过公众号单篇 20,000 字上限。请从《{title}》起拆分为第二篇推送"
                    "（可在该文章的“复制为公众号文章”页面单独复制）。",
                )
                break
    if not warnings:
        warnings.append(f"全文约 {total:,} 字，超过公众号单篇 20,000 字上限，请拆分后再推送。")
    return warnings


def _references_html(references):
    if not references:
        return ""
    items = "".join(
        '<p style="margin: 0 0 6px; font-size: 13px; line-height: 1.6; color: #666666; word-break: break-all;">'
        f"[{number}] {html_lib.escape(label)}：{html_lib.escape(url)}</p>"
        for number, label, url in references
    )
    return (
        '<section style="margin-top: 28px; padding-top: 12px; border-top: 1px solid #dddddd;">'
        '<p style="margin: 0 0 8px; font-size: 14px; font-weight: bold; color: #333333;">参考资料</p>'
        f"{items}</section>"
    )


def _filter_style(value):
    kept = []
    for declaration in value.split(";"):
        name, sep, val = declaration.partition(":")
        name = name.strip().lower()
        if not sep or not name or FORBIDDEN_STYLE.match(name):
            continue
        kept.append(f"{name}: {val.strip()}")
    return "; ".join(kept)


def _is_wechat_link(url):
    parts = urlsplit(url)
    return parts.scheme == "https" and parts.hostname in WECHAT_LINK_HOSTS


class _WechatRewriter(HTMLParser):
    """One pass over the inlined HTML, writing the WeChat-safe version to ``out``."""

    def __init__(self, base_url):
        super().__init__(convert_charrefs=True)
        self.base_url = base_url  # site paths in the HTML ("/media/…", "/issues/…") resolve against this
        self.out = []
        self.references = []
        self.images = []
        self._skip_depth = 0
        self._open_links = []  # per open <a>: (url or None, collected label parts)

    def handle_starttag(self, tag, attrs):
        if self._skip_depth or tag in DROPPED_WITH_CONTENT:
            if tag not in VOID_TAGS:
                self._skip_depth += 1
            return
        if tag in UNWRAPPED:
            return
        attributes = dict(attrs)
        if tag == "a":
            self._start_link(attributes)
            return
        name = RENAMED_TAGS.get(tag, tag)
        kept = []
        style = _filter_style(attributes.get("style") or "")
        if tag == "img":
            src = urljoin(self.base_url, attributes.get("src") or "")
            attributes["src"] = src
            self.images.append((src, attributes.get("alt") or ""))
            style = "; ".join(filter(None, [style, "max-width: 100%", "height: auto"]))
        for attribute in sorted(KEPT_ATTRIBUTES.get(tag, ())):
            if attributes.get(attribute):
                kept.append(f' {attribute}="{html_lib.escape(attributes[attribute])}"')
        if style:
            kept.append(f' style="{html_lib.escape(style)}"')
        self.out.append(f"<{name}{''.join(kept)}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if self._skip_depth:
            if tag not in VOID_TAGS:
                self._skip_depth -= 1
            return
        if tag in UNWRAPPED or tag in VOID_TAGS or tag in DROPPED_WITH_CONTENT:
            return
        if tag == "a":
            self._end_link()
            return
        self.out.append(f"</{RENAMED_TAGS.get(tag, tag)}>")

    def handle_data(self, data):
        if self._skip_depth:
            return
        if self._open_links:
            self._open_links[-1][1].append(data)
        self.out.append(html_lib.escape(data, quote=False))

    def _start_link(self, attributes):
        href = (attributes.get("href") or "").strip()
        url = urljoin(self.base_url, href) if href and not href.startswith("#") else None
        if url and _is_wechat_link(url):
            self.out.append(f'<a href="{html_lib.escape(url)}">')
            self._open_links.append(("wechat", []))
        else:
            self._open_links.append((url, []))

    def _end_link(self):
        if not self._open_links:
            return
        url, label_parts = self._open_links.pop()
        if url == "wechat":
            self.out.append("</a>")
            return
        if not url:
            return
        number = next((n for n, _, known in self.references if known == url), None)
        if number is None:
            number = len(self.references) + 1
            label = re.sub(r"\s+", " ", "".join(label_parts)).strip() or url
            self.references.append((number, label, url))
        self.out.append(f'<sup style="font-size: 12px; color: #888888;">[{number}]</sup>')


BLOCK_TAGS = re.compile(r"</?(section|p|h[1-6]|li|tr|table|blockquote|ul|ol)\b[^>]*>", re.IGNORECASE)


def html_to_text(html):
    """Plain text for the clipboard's text/plain: one block per line, no markup."""
    text = BLOCK_TAGS.sub("\n", html)
    text = re.sub(r"<br\s*/?>", "\n", text)
    text = re.sub(r"<td\b[^>]*>", "\t", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = html_lib.unescape(text)
    lines = [line.strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)
