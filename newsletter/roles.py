"""The editorial roles and what each may do. The groups are created by a data migration."""

EDITOR = "编辑"
REVIEWER = "审核"
CHIEF = "主编"

_CONTENT = ["article", "source", "figure", "issuecredit", "issuehost", "articlerevision"]
_VIEW_ALL = [
    ("newsletter", m)
    for m in [
        "publication",
        "publicationhost",
        "editor",
        "issue",
        "issuecredit",
        "issuehost",
        "issuesection",
        "article",
        "source",
        "outlet",
        "figure",
        "topic",
        "issueevent",
        "articlerevision",
        "previewlink",
    ]
] + [("regions", "region")]

GROUP_PERMISSIONS = {
    EDITOR: (
        [("newsletter", f"{action}_{m}") for m in _CONTENT for action in ("add", "change", "delete")]
        + [("newsletter", "add_issue"), ("newsletter", "change_issue")]
        + [("newsletter", "add_outlet"), ("newsletter", "add_topic"), ("newsletter", "change_topic")]
        + [("regions", "add_region")]
    ),
    REVIEWER: (
        [("newsletter", f"change_{m}") for m in ("article", "source", "figure", "issue")]
        + [("newsletter", "review_issue"), ("newsletter", "add_previewlink"), ("newsletter", "change_previewlink")]
    ),
    CHIEF: (
        [
            ("newsletter", f"{action}_{m}")
            for m in _CONTENT + ["issue", "outlet", "topic", "editor", "previewlink", "publication", "publicationhost"]
            for action in ("add", "change", "delete")
        ]
        + [("newsletter", "review_issue"), ("newsletter", "publish_issue"), ("newsletter", "correct_published_issue")]
        + [("regions", f"{action}_region") for action in ("add", "change", "delete")]
    ),
}


def permissions_for(group_name):
    """(app_label, codename) pairs for a group: its own, plus viewing everything editorial."""
    view = [(app, f"view_{model}") for app, model in _VIEW_ALL]
    return sorted(set(GROUP_PERMISSIONS[group_name]) | set(view))
