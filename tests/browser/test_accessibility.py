"""Accessibility: axe-core (bundled with axe-playwright-python, nothing downloaded) on the public pages.

No serious or critical violation is allowed; a failure names each rule and the elements that break it.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from .pages import public_pages

pytestmark = pytest.mark.browser

BLOCKING = ("serious", "critical")


def describe(violation):
    targets = "; ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:5])
    return f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}"


@pytest.mark.parametrize("name", ["home", "issue", "article", "region", "search", "feeds"])
def test_public_page_has_no_serious_or_critical_accessibility_violations(name, reader):
    response = reader.goto(public_pages()[name])
    assert response.status == 200
    results = Axe().run(reader).response
    assert results["testEngine"]["name"] == "axe-core"
    assert len(results["passes"]) > 10, "axe checked almost nothing: is the page empty?"
    blocking = [violation for violation in results["violations"] if violation["impact"] in BLOCKING]
    assert not blocking, "\n".join(describe(violation) for violation in blocking)
