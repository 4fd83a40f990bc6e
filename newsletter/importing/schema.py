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


@dataclass
class SourceData:
    outlet: str
    date: datetime.date | None = None


@dataclass
class FigureData:
    caption: str


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
    sections: list[SectionData] = field(default_factory=list)
    # Not part of the JSON schema: what the print edition says about the publication itself.
    subtitle: str = field(default="", metadata={"json": False})
    slogan: str = field(default="", metadata={"json": False})
    warnings: list[str] = field(default_factory=list, metadata={"json": False})

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
                        figures=[FigureData(caption=fig["caption"]) for fig in a.get("figures", [])],
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
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value
