"""The parsed shape of one issue, shared by ``import_issue --json`` and ``export_issue --format json``."""

import dataclasses
import datetime
from dataclasses import dataclass, field


class ImportFailure(Exception):
    """Bad input: the message names the file and, where it applies, the line."""

    def __init__(self, message, *, filename="", line=None):
        self.message = message
        self.filename = filename
        self.line = line
        super().__init__(str(self))

    def __str__(self):
        where = self.filename or "（输入）"
        if self.line:
            where = f"{where} 第 {self.line} 行"
        return f"{where}：{self.message}"


class Notice:
    """Something an import decided that a person should check (``import_issue`` prints it, ``--json``
    carries it, the admin preview lists it, ``--strict`` refuses a file that has any).

    ``kind`` is one of KINDS; ``text`` is the text concerned (what was dropped, the source line that
    was not understood, the new region's name …); ``line`` the file's line number where it applies.
    """

    DROPPED_TEXT = "dropped_text"  # text dropped from the file (page furniture, stray lines)
    UNPARSED_SOURCE = "unparsed_source"  # a line that looks like a source line but was not understood
    NEW_REGION = "new_region"  # a region (section or tag) created by this import
    NEW_OUTLET = "new_outlet"  # an outlet created by this import
    FIGURE_WITHOUT_IMAGE = "figure_without_image"  # a figure caption with no image to go with it
    APPROXIMATE_TITLE = "approximate_title"  # a TOC title matched to a body heading only approximately
    SECTION_ORDER = "section_order"  # the issue's sections are not in the site-wide region order
    MASTHEAD = "masthead"  # the masthead differs from the publication's or could not be read whole
    OTHER = "other"
    KINDS = {
        DROPPED_TEXT: "删去的文字",
        UNPARSED_SOURCE: "未能识别的来源",
        NEW_REGION: "新建地区",
        NEW_OUTLET: "新建媒体",
        FIGURE_WITHOUT_IMAGE: "图待补图片",
        APPROXIMATE_TITLE: "标题近似匹配",
        SECTION_ORDER: "栏目顺序",
        MASTHEAD: "刊头",
        OTHER: "其他",
    }

    __slots__ = ("kind", "message", "text", "line")

    def __init__(self, kind, message, *, text="", line=None):
        if kind not in self.KINDS:
            raise ValueError(f"unknown notice kind: {kind}")
        self.kind, self.message, self.text, self.line = kind, message, text, line

    @property
    def label(self):
        return self.KINDS[self.kind]

    def __str__(self):
        where = f"第 {self.line} 行：" if self.line else ""
        return f"{where}{self.message}"

    def __repr__(self):
        return f"Notice({self.kind!r}, {self.message!r}, text={self.text!r}, line={self.line!r})"

    def __eq__(self, other):
        return isinstance(other, Notice) and self.to_json() == other.to_json()

    def to_json(self):
        return {"kind": self.kind, "label": self.label, "message": self.message, "text": self.text, "line": self.line}


@dataclass
class SourceData:
    outlet: str
    date: datetime.date | None = None


@dataclass
class FigureData:
    caption: str
    credit: str = ""
    alt: str = ""
    # An image that came with the file (a Word issue's embedded picture): its bytes and a file name.
    # Not part of the JSON schema; the loader stores it through the figure upload rules.
    image: bytes | None = field(default=None, metadata={"json": False}, repr=False)
    image_name: str = field(default="", metadata={"json": False})


@dataclass
class ArticleData:
    title: str
    toc_title: str = ""
    sources: list[SourceData] = field(default_factory=list)
    subheadings: list[str] = field(default_factory=list)
    figures: list[FigureData] = field(default_factory=list)
    region_tags: list[str] = field(default_factory=list)
    body_markdown: str = ""


@dataclass
class SectionData:
    region: str
    articles: list[ArticleData] = field(default_factory=list)


@dataclass
class IssueData:
    publication: str
    year: int
    number: int
    total_number: int
    issue_date: datetime.date
    hosts: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    coordinators: list[str] = field(default_factory=list)
    phone: str = ""
    fax: str = ""
    # Text printed outside any article (an 编者按 between the masthead and the first section).
    editor_note: str = ""
    sections: list[SectionData] = field(default_factory=list)
    # Not part of the JSON schema: what the print edition says about the publication itself.
    subtitle: str = field(default="", metadata={"json": False})
    slogan: str = field(default="", metadata={"json": False})
    warnings: list[Notice] = field(default_factory=list, metadata={"json": False})

    def articles(self):
        return [article for section in self.sections for article in section.articles]

    def to_json(self):
        """The documented JSON object (dates as YYYY-MM-DD)."""
        data = {}
        for f in dataclasses.fields(self):
            if f.metadata.get("json", True):
                data[f.name] = _plain(getattr(self, f.name))
        return data

    @classmethod
    def from_json(cls, data):
        sections = [
            SectionData(
                region=s["region"],
                articles=[
                    ArticleData(
                        title=a["title"],
                        toc_title=a.get("toc_title", ""),
                        sources=[
                            SourceData(outlet=src["outlet"], date=_date(src.get("date")))
                            for src in a.get("sources", [])
                        ],
                        subheadings=list(a.get("subheadings", [])),
                        figures=[
                            FigureData(caption=fig["caption"], credit=fig.get("credit", ""), alt=fig.get("alt", ""))
                            for fig in a.get("figures", [])
                        ],
                        region_tags=list(a.get("region_tags", [])),
                        body_markdown=a.get("body_markdown", ""),
                    )
                    for a in s.get("articles", [])
                ],
            )
            for s in data.get("sections", [])
        ]
        return cls(
            publication=data["publication"],
            year=int(data["year"]),
            number=int(data["number"]),
            total_number=int(data["total_number"]),
            issue_date=_date(data["issue_date"]),
            hosts=list(data.get("hosts", [])),
            editors=list(data.get("editors", [])),
            coordinators=list(data.get("coordinators", [])),
            phone=data.get("phone", ""),
            fax=data.get("fax", ""),
            editor_note=data.get("editor_note", ""),
            sections=sections,
        )


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def _plain(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value):
        return {
            f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.metadata.get("json", True)
        }
    return value
