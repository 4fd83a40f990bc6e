"""Project-level promises: no pending migrations, a clean system check, idempotent demo data.
(That production settings refuse to start without SECRET_KEY: tests/security/test_hardening.py.)"""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from newsletter.models import Article, Figure, Issue, Publication, Source
from regions.models import Region

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    call_command("makemigrations", "--check", "--dry-run", stdout=io.StringIO())


def test_system_check_is_clean():
    out = io.StringIO()
    call_command("check", stdout=out)
    assert "no issues" in out.getvalue()


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_covers_the_required_content():
    call_command("load_demo", stdout=io.StringIO())
    counts = [m.objects.count() for m in (Publication, Issue, Article, Source, Figure, Region)]
    call_command("load_demo", stdout=io.StringIO())
    assert [m.objects.count() for m in (Publication, Issue, Article, Source, Figure, Region)] == counts
    assert Publication.objects.count() == 1
    assert Issue.objects.count() >= 3
    assert len(set(Issue.objects.values_list("status", flat=True))) >= 3
    assert Issue.objects.filter(status=Issue.Status.PUBLISHED).exists()
    assert Issue.objects.filter(status=Issue.Status.DRAFT).exists()
    assert Article.objects.values("section").distinct().count() >= 4
    figure = Figure.objects.get()
    assert figure.image and figure.width and figure.number == 1


def test_settings_read_the_database_url():
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": "postgres://u@db.example:5433/newsletter",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    code = "import django; django.setup(); from django.conf import settings as s; d=s.DATABASES['default']; print(d['ENGINE'], d['HOST'], d['PORT'], d['NAME'])"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.stdout.split() == ["django.db.backends.postgresql", "db.example", "5433", "newsletter"], result.stderr
