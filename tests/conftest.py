import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from newsletter import roles


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.com", "pw")


def _user_in(group_name, username):
    user = User.objects.create_user(username, f"{username}@example.com", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor_user(db):
    return _user_in(roles.EDITOR, "ed")


@pytest.fixture
def reviewer_user(db):
    return _user_in(roles.REVIEWER, "rev")


@pytest.fixture
def chief_user(db):
    return _user_in(roles.CHIEF, "chief1")


@pytest.fixture
def no_page_cache(settings):
    """For tests of what a page shows: every request renders it (``pytest.mark.usefixtures``)."""
    settings.PAGE_CACHE_ENABLED = False
