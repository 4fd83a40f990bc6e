"""RSS 2.0 and Atom 1.0 writers that give feed readers the whole text.

Django's RSS writer has no ``content:encoded`` and its Atom writer writes no ``<content>`` and writes
``<updated>`` only when told, so both are extended here. Both also make every ``href`` and ``src``
inside an item's HTML absolute, relative to the item's own (absolute) link: a feed reader shows the
HTML away from our site, where ``/media/…`` or ``#a-slug`` would point nowhere.

Text is normalised where it enters (newsletter/text_input.py), but a row written before that, or by
``QuerySet.update()``, may still hold a character XML cannot carry; Django's writer raises on it and
the feed would answer 500. So every text given to a feed or an item is made XML-safe here.
"""

import datetime
import html
import re
from urllib.parse import urljoin

from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from .text_input import xml_safe

# Used for <updated>/<lastBuildDate> of a feed with no items, so an empty feed's bytes (and its
# ETag) do not change every second, as Django's fallback of "now" would make them.
EMPTY_FEED_DATE = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))

# An HTML start tag, attribute values quoted or not; a ">" inside a quoted value does not end it.
START_TAG = re.compile(r"""<[a-zA-Z][^\s/>]*(?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?>""")
# One whole attribute at a time, so a quoted value is consumed with its attribute and never searched:
# an alt or title text containing " src=x onerror=…" must stay text, not become a rewritten attribute.
TAG_NAME = re.compile(r"<[a-zA-Z][^\s/>]*")
ATTRIBUTE = re.compile(r"""(\s+)([^\s"'>/=]+)(?:(\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")


def absolutize_urls(fragment, base):
    """``fragment`` with every href/src resolved against the absolute URL ``base``."""
    if not fragment:
        return fragment

    def attribute(match):
        space, name, equals = match.group(1), match.group(2), match.group(3)
        if equals is None or name.lower() not in ("href", "src"):
            return match.group(0)
        raw = next(value for value in match.groups()[3:] if value is not None)
        url = urljoin(base, html.unescape(raw).strip())
        return f'{space}{name}{equals}"{html.escape(url, quote=True)}"'

    def tag(match):
        text = match.group(0)
        head = TAG_NAME.match(text).end()
        return text[:head] + ATTRIBUTE.sub(attribute, text[head:])

    return START_TAG.sub(tag, fragment)


def _xml_safe_values(values):
    """``values`` (a dict of feed or item fields) with every string, also inside lists, made XML-safe."""

    def clean(value):
        if isinstance(value, str):
            return xml_safe(value)
        if isinstance(value, list | tuple):
            return type(value)(clean(item) for item in value)
        return value

    return {name: clean(value) for name, value in values.items()}


class FullContentMixin:
    """Accepts ``content`` (HTML) on each item and absolutizes the item's description and content."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.feed = _xml_safe_values(self.feed)

    def add_item(self, *, link, description, content=None, **kwargs):
        super().add_item(
            link=link,
            description=absolutize_urls(description, link),
            content=absolutize_urls(content, link),
            **kwargs,
        )
        self.items[-1] = _xml_safe_values(self.items[-1])

    def latest_post_date(self):
        if not self.items:
            return self.feed.get("empty_date") or EMPTY_FEED_DATE
        return super().latest_post_date()


class RssFeed(FullContentMixin, Rss201rev2Feed):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Readers take an RSS <description> as HTML, so the channel's (plain-text: it names the region
        # or topic) is escaped as HTML before the XML writer escapes it again. A region named
        # <img src=x onerror=…> then shows as that text instead of becoming markup. Atom's <subtitle>
        # is declared text and needs no such step.
        if self.feed.get("description"):
            self.feed["description"] = html.escape(self.feed["description"], quote=False)

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:content": "http://purl.org/rss/1.0/modules/content/"}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])


class AtomFeed(FullContentMixin, Atom1Feed):
    def add_item_elements(self, handler, item):
        # RFC 4287 requires <updated> on every entry: the last correction, else the publication.
        if item["updateddate"] is None:
            item = {**item, "updateddate": item["pubdate"] or self.latest_post_date()}
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})
