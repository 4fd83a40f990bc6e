"""Placeholder: the storage part of issue 17 replaces this module.

``sync_issue(issue_id)`` makes the bucket's public copies of an issue's figures and PDF match its
state. With local storage there is nothing to do, which is all this version knows.
"""


def sync_issue(issue_id):
    return None
