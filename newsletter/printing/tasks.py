"""Keep the stored PDF in step with what readers can see.

``public_content_changed`` arrives after the workflow's transaction commits. Rendering takes a few
seconds, so it runs in a thread (enough for one newsletter every two weeks); tests and management
commands set ``NEWSLETTER_PDF_SYNC = True`` to render in-line and see the result at once.
"""

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connection, transaction

from . import pdf, support

logger = logging.getLogger(__name__)


def on_public_content_changed(sender, issue=None, reason="", **kwargs):
    if issue is None:
        return  # site-wide changes (a region renamed) reach each issue's PDF at its next correction
    issue_id = issue.pk
    if reason == "withdraw":
        # Hide it at once, in the request that withdrew it: the view answers 404 from now on anyway.
        transaction.on_commit(lambda: pdf.delete_stored_pdf(issue_id))
        return
    transaction.on_commit(lambda: schedule_generation(issue_id))


def schedule_generation(issue_id):
    if not support.pdf_available():
        logger.warning("未生成印刷版 PDF（期刊 %s）：%s", issue_id, support.unavailable_reason())
        return
    if getattr(settings, "NEWSLETTER_PDF_SYNC", False):
        pdf.generate_stored_pdf(issue_id)
        return
    thread = threading.Thread(target=_generate_in_background, args=(issue_id,), name=f"issue-pdf-{issue_id}")
    thread.daemon = True
    thread.start()


def _generate_in_background(issue_id):
    close_old_connections()
    try:
        pdf.generate_stored_pdf(issue_id)
    except Exception:
        # The web edition is already public; a failed PDF is logged and regenerated on demand by the view.
        logger.exception("生成印刷版 PDF 失败（期刊 %s）", issue_id)
    finally:
        connection.close()
