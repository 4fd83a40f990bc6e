"""How the admin names a person: by the name the editorial office knows them by, not their login.

One rule for every place a user is shown (authors of revisions, workflow history, 我的工作, preview
links, the issue's submitter, e-mails): the name of the 编辑人员 (``Editor``) linked to the account;
else the account's full name; the username only when neither is set.
"""

from django.core.exceptions import ObjectDoesNotExist

# The reverse one-to-one from a user to their 编辑人员 row (Editor.user's related_name).
EDITOR_PROFILE = "editor_profile"


def related(field):
    """The select_related path that brings ``field``'s user together with their 编辑人员 name."""
    return f"{field}__{EDITOR_PROFILE}"


def display_name(user):
    """The person's name for ``user`` (a User or None): "" for None."""
    if user is None:
        return ""
    try:
        editor = getattr(user, EDITOR_PROFILE)
    except ObjectDoesNotExist:  # no 编辑人员 linked (Django caches the miss on the user)
        editor = None
    if editor is not None and editor.name:
        return editor.name
    return user.get_full_name() or user.get_username()
