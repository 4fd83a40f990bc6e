"""Import one file end to end (read, decode, parse, check, load); shared by the command and the admin."""

from dataclasses import dataclass, field

from .loader import check_replaceable, load_issue, resolve_publication
from .parser import parse_bytes
from .schema import ImportFailure


@dataclass
class FileOutcome:
    name: str
    status: str  # imported, checked (dry run), failed
    message: str
    data: object = None
    warnings: list = field(default_factory=list)

    @property
    def ok(self):
        return self.status != "failed"


def known_lines(publication):
    if publication is None:
        return ()
    return (publication.name, publication.subtitle, publication.slogan)


def import_bytes(content, name, *, publication_slug=None, dry_run=False, replace=False, prepared=None):
    """Parse and (unless ``dry_run``) load one file. Never raises for bad input: returns a failed outcome.

    ``prepared`` is what a worker made of the file beforehand (ahead.py), used if it still fits.
    """
    try:
        publication = resolve_publication(publication_slug)
    except ImportFailure as error:
        publication = None
        if publication_slug:
            return FileOutcome(name, "failed", f"{name}：{error.message}")
    known = known_lines(publication)
    if prepared is not None and not prepared.fits(content, known):
        prepared = None
    try:
        if prepared is None:
            data = parse_bytes(content, name, known_lines=known)
        elif prepared.failure is not None:
            raise prepared.failure
        else:
            data = prepared.data
        if publication is None and not publication_slug:
            publication = resolve_publication(None, data.publication)
        label = f"{data.year} 年第 {data.number} 期（总第 {data.total_number} 期）"
        count = len(data.articles())
        if dry_run:
            check_replaceable(publication, data, replace=replace, filename=name)
            return FileOutcome(
                name, "checked", f"{name}：可以导入 {label}，{count} 篇文章（试运行，未写入）。", data, data.warnings
            )
        articles = prepared.articles if prepared is not None else None
        result = load_issue(data, publication=publication, replace=replace, filename=name, prepared=articles)
    except ImportFailure as error:
        if not error.filename:
            error.filename = name
        return FileOutcome(name, "failed", str(error))
    parts = [f"{name}：已{'替换' if result.replaced else '导入'} {label}，{count} 篇文章"]
    figures = sum(len(a.figures) for a in data.articles())
    if figures:
        parts.append(f"{figures} 张图待补图片")
    if result.new_regions:
        parts.append("新建地区：" + "、".join(result.new_regions))
    return FileOutcome(name, "imported", "，".join(parts) + "。", data, data.warnings + result.notes)
