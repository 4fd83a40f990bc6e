from .article import Article, ArticleQuerySet, ArticleRegion, ArticleTopic, Topic
from .events import IssueEvent
from .figures import Figure
from .issue import Issue, IssueCredit, IssueHost, IssueQuerySet
from .previews import PreviewLink
from .public_files import PublicFile
from .publication import Editor, Publication, PublicationHost
from .renditions import IssueRendition
from .revisions import ArticleRevision
from .sections import IssueSection
from .sources import Outlet, Source

__all__ = [
    "Article",
    "ArticleQuerySet",
    "ArticleRegion",
    "ArticleRevision",
    "ArticleTopic",
    "Editor",
    "Figure",
    "Issue",
    "IssueCredit",
    "IssueEvent",
    "IssueHost",
    "IssueQuerySet",
    "IssueRendition",
    "IssueSection",
    "Outlet",
    "PreviewLink",
    "Publication",
    "PublicationHost",
    "PublicFile",
    "Source",
    "Topic",
]
