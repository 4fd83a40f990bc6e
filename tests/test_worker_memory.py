"""A web worker that only serves public pages stays small: the heavy libraries load where they are used.

pypinyin's dictionaries (~55 MB), WeasyPrint with Pango, the QR encoder and the CSS inliner are
needed to save a title, make a print edition or copy an article for WeChat — never to serve a
reader. Issue 7 asks for a gunicorn worker under 150 MB after the load.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ["pypinyin", "weasyprint", "segno", "css_inline"]

PREPARE = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from tests import factories
from newsletter.models import Issue
issue = factories.issue(status=Issue.Status.PUBLISHED, year=2024, number=5)
factories.article(issue, title="上海推进数据要素市场建设", section="上海")
"""

# A fresh process, as a gunicorn worker is: nothing loaded by the data set-up above.
SERVE = """
import json, sys
import django
django.setup()
from django.test import Client
client = Client()
urls = ["/", "/issues/2024/5/", "/issues/", "/regions/shanghai/", "/search/?q=数据", "/feeds/issues/",
        "/feeds/articles/", "/sitemap.xml", "/robots.txt"]
statuses = [client.get(url).status_code for url in urls]
loaded = sorted({{m.split(".")[0] for m in sys.modules if m.split(".")[0] in {heavy!r}}})
print(json.dumps({{"statuses": statuses, "loaded": loaded}}))
"""


def test_serving_public_pages_loads_none_of_the_heavy_libraries(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
    }
    for script in (PREPARE, SERVE.format(heavy=HEAVY)):
        result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["statuses"] == [200] * len(report["statuses"])
    assert report["loaded"] == []
