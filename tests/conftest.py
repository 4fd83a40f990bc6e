import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from newsletter import roles


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.com", "pw")


def _user_in(group_name, username):
    # role_user recreates the group when a transactional test has flushed the rows the data migration made.
    from tests.factories import role_user

    return role_user(username, group_name)


@pytest.fixture
def editor_user(db):
    return _user_in(roles.EDITOR, "ed")


@pytest.fixture
def reviewer_user(db):
    return _user_in(roles.REVIEWER, "rev")


@pytest.fixture
def chief_user(db):
    return _user_in(roles.CHIEF, "chief1")


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache: database ids are reused from test to test, and keys made
    from them (a workflow e-mail's deliveries, 'PDF already queued') must not carry over."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture
def no_page_cache(settings):
    """For tests of what a page shows: every request renders it (``pytest.mark.usefixtures``)."""
    settings.PAGE_CACHE_ENABLED = False


@pytest.fixture(scope="session")
def s3_endpoint():
    """A real S3 server (moto) on a free loopback port for the whole run, stopped at its end."""
    import socket

    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(settings, s3_endpoint):
    """The default storage is a fresh private bucket (newsletter.storage.MediaStorage) for this test."""
    import uuid

    import boto3
    from django.core.files.storage import default_storage

    options = {
        "bucket_name": f"test-{uuid.uuid4().hex[:16]}",
        "endpoint_url": s3_endpoint,
        "access_key": "test-key",
        "secret_key": "test-secret",  # noqa: S105 (moto accepts any)
        "region_name": "us-east-1",
        "addressing_style": "path",
        "signature_version": "s3v4",
        "public_acl": "public-read",
        "querystring_expire": 300,
    }
    boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="test-key",
        aws_secret_access_key="test-secret",  # noqa: S106
        region_name="us-east-1",
    ).create_bucket(Bucket=options["bucket_name"])
    # Assigning STORAGES resets Django's cached storages (the setting_changed signal).
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "newsletter.storage.MediaStorage", "OPTIONS": options},
    }
    return default_storage
