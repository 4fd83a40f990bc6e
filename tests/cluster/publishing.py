"""Steps 2–4: publish an issue with a new figure through replica A, read it from replica B, withdraw it
through A and check every trace of it is gone from both replicas and from the bucket."""

import io
import re
import time
import urllib.parse

from .client import fetch_url, hrefs
from .cluster import TASK_TABLE
from .report import StepFailed

PDF_WAIT_SECONDS = 120


def wait_for(condition, seconds, interval=0.25):
    """Call ``condition`` until it returns something true or ``seconds`` pass; its last value."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def move(cluster, client, issue, action, comment="", expect=None):
    """One workflow move over HTTP as the admin's buttons make it: the form, then the confirmation page
    when the move asks for one (publish, withdraw; submit when the pre-flight lists something)."""
    path = f"/admin/newsletter/issue/{issue['pk']}/workflow/{action}/"
    client.get(f"/admin/newsletter/issue/{issue['pk']}/change/")  # as a person would, and a fresh CSRF cookie
    answer = client.post(path, {"comment": comment})
    confirmed = False
    if answer.status == 200 and 'name="confirmed"' in answer.text:
        if "必须先解决" in answer.text:
            raise StepFailed(f"{action}: the pre-flight check lists a blocking problem")
        answer = client.post(path, {"comment": comment, "confirmed": "True", "action": "confirm"})
        confirmed = True
    status = cluster.issue_status(issue["pk"])
    if answer.status != 302 or (expect and status != expect):
        raise StepFailed(f"{action} over HTTP: answer {answer.status}, issue now {status}, expected {expect}")
    return confirmed


def test_image():
    """A PNG drawn here, so its pixels can be recognised in what the bucket serves."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 320), (250, 250, 245))
    draw = ImageDraw.Draw(image)
    for i, height in enumerate([60, 140, 220, 100, 180]):
        draw.rectangle([40 + i * 85, 300 - height, 100 + i * 85, 300], fill=(20, 90, 160))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue(), image.size


def image_size(data):
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except Exception:  # noqa: BLE001 - not an image: the check says so
        return None


def public_copy(answer, bucket_url):
    """``answer`` if it redirects to a public copy in the bucket (not a signed URL), else None."""
    if (
        answer.status == 302
        and answer.location.startswith(bucket_url + "/public/")
        and "Signature" not in answer.location
    ):
        return answer
    return None


def pdf_from(cluster, client, issue, report, seconds=PDF_WAIT_SECONDS):
    """Poll the issue's /pdf/ until it stops answering 503; (final answer, bucket answer, polls of 503)."""
    path = issue["url"] + "pdf/"
    polls = []

    def ready():
        answer = client.get(path)
        polls.append(answer.status)
        return answer if answer.status != 503 else None

    answer = wait_for(ready, seconds, interval=0.5)
    if answer is None:
        return None, None, polls
    bucket = fetch_url(answer.location) if answer.status == 302 else None
    return answer, bucket, polls


def publish_with_figure(cluster, report):
    """Step 2: through replica A over HTTP, a figure uploaded to the draft issue, then submit → approve → publish."""
    issue = cluster.issues["draft"]
    article = issue["articles"][0]
    editor = cluster.staff("A", "editor")
    editor.get(f"/admin/newsletter/article/{article['pk']}/change/")
    png, size = test_image()
    answer = editor.post(
        f"/admin/newsletter/article/{article['pk']}/figures/upload/",
        {"caption": "集群测试示意图", "credit": "集群测试", "alt_text": "柱状图：集群测试"},
        files={"image": ("cluster.png", png)},
    )
    report.require(
        "figure uploaded through the editor's endpoint on A",
        answer.status == 200,
        f"{answer.status} {answer.text[:200]}",
    )
    move(cluster, editor, issue, "submit", expect="in_review")
    reviewer = cluster.staff("A", "reviewer")
    move(cluster, reviewer, issue, "approve", expect="approved")
    chief = cluster.staff("A", "chief")
    confirmed = move(cluster, chief, issue, "publish", expect="published")
    status = cluster.issue_status(issue["pk"])
    report.check(
        "submit → approve → publish over HTTP on A (editor, reviewer, chief; publish confirmed)",
        status == "published" and confirmed,
        f"{issue['url']} is {status}",
    )
    return {"issue": issue, "article": article, "size": size, "chief": chief}


def read_from_b(cluster, report, state):
    """Step 3: from replica B, anonymously: the page, the figure from the bucket, the PDF, feeds, search."""
    issue, article = state["issue"], state["article"]
    reader = cluster.client("B")
    page = reader.get(issue["url"])
    report.require(
        "B: the issue page answers 200 and shows the article",
        page.status == 200 and article["title"] in page.text,
        page,
    )
    media = [value for value in hrefs(page.text, r"^/media/") if not value.endswith(".pdf")]
    if not media:
        article_page = reader.get(article["url"])
        media = hrefs(article_page.text, r"^/media/")
    report.require("B: the page links the figure as /media/…", media, media)
    state["media"] = media
    state["pdf"] = issue["url"] + "pdf/"
    state["bucket_urls"] = []

    started = time.monotonic()
    answer, bucket, polls = pdf_from(cluster, reader, issue, report)
    waited = report.number("publish_to_pdf_s", round(time.monotonic() - started, 1))
    report.require(
        f"B: /pdf/ answered 503 while the worker prepared it, then 302 to the bucket ({polls.count(503)} × 503, {waited} s)",
        answer is not None and answer.status == 302 and answer.location.startswith(cluster.endpoint + "/"),
        answer,
    )
    report.check(
        "anonymous GET of that URL: 200 and %PDF",
        bucket.status == 200 and bucket.body.startswith(b"%PDF"),
        f"{bucket.status} {bucket.headers.get('content-type', '')} {len(bucket.body)} bytes",
    )
    renders = cluster.sql(
        f"SELECT extract(epoch FROM finished_at - started_at) FROM {TASK_TABLE} "
        "WHERE task_path LIKE %s AND status = 'SUCCESSFUL' AND args_kwargs->'args'->>0 = %s",
        ("%generate_issue_pdf", str(issue["pk"])),
    )
    report.check(
        "the worker ran its generate_issue_pdf task (SUCCESSFUL in the queue's table)",
        renders,
        f"render took {float(renders[0][0]):.1f} s" if renders else "no SUCCESSFUL row",
    )

    # Until the sync task has made the public copies, readers are sent to short-lived signed URLs.
    started = time.monotonic()
    for path in [*media, state["pdf"]]:
        answer = wait_for(lambda path=path: public_copy(reader.get(path), cluster.bucket_url), 60, interval=0.5)
        report.check(
            f"B: {path} answers 302 to its public copy in the bucket (public/…, unsigned)",
            answer,
            answer.location if answer else reader.get(path).location,
        )
        if not answer:
            continue
        public = fetch_url(answer.location)
        kind = public.headers.get("content-type", "")
        caching = public.headers.get("cache-control", "")
        is_pdf = path == state["pdf"]
        report.check(
            f"anonymous GET of the public copy: 200, {'%PDF' if is_pdf else 'an image'}, cached for a year",
            public.status == 200
            and (public.body.startswith(b"%PDF") if is_pdf else kind.startswith("image/") and image_size(public.body))
            and "max-age=31536000" in caching,
            f"{public.status} {kind} {len(public.body)} bytes, Cache-Control: {caching}",
        )
        state["bucket_urls"].append(answer.location)
        if not is_pdf:
            state.setdefault("sizes", []).append(image_size(public.body))
    report.number("publish_to_public_copies_s", round(time.monotonic() - started + waited, 1))
    report.check(
        "the uploaded figure is among them (same pixel size)", state["size"] in state.get("sizes", []), state["size"]
    )

    for feed in ("/feeds/issues/", "/feeds/issues/atom/"):
        answer = reader.get(feed)
        report.check(f"B: {feed} lists the issue", answer.status == 200 and issue["url"] in answer.text, answer.status)
    search = reader.get("/search/?q=" + urllib.parse.quote(article["title"]))
    report.check("B: search finds the article", search.status == 200 and article["url"] in search.text, search.status)


def withdraw_and_check_gone(cluster, report, state):
    """Step 4: withdraw through A; on both replicas every public trace is gone, and the bucket URLs too."""
    issue, article = state["issue"], state["article"]
    confirmed = move(cluster, state["chief"], issue, "withdraw", comment="集群测试：撤回本期。", expect="withdrawn")
    status = cluster.issue_status(issue["pk"])
    report.check("withdrawn over HTTP on A (chief, with the confirmation)", status == "withdrawn" and confirmed, status)
    article_urls = [a["url"] for a in issue["articles"]]
    for replica in ("A", "B"):
        reader = cluster.client(replica)
        report.check(f"{replica}: issue page 404", reader.get(issue["url"]).status == 404)
        statuses = [reader.get(url).status for url in article_urls]
        report.check(f"{replica}: its {len(article_urls)} article pages 404", set(statuses) == {404}, statuses)
        statuses = [reader.get(path).status for path in state["media"]]
        report.check(f"{replica}: its /media/ figures 404", set(statuses) == {404}, statuses)
        report.check(f"{replica}: its PDF 404", reader.get(state["pdf"]).status == 404)
        for feed in ("/feeds/issues/", "/feeds/issues/atom/"):
            answer = reader.get(feed)
            report.check(f"{replica}: {feed} without it", answer.status == 200 and issue["url"] not in answer.text)
        search = reader.get("/search/?q=" + urllib.parse.quote(article["title"]))
        report.check(f"{replica}: search without it", search.status == 200 and article["url"] not in search.text)

    started = time.monotonic()

    def all_gone():
        statuses = [fetch_url(url).status for url in state["bucket_urls"]]
        return statuses if set(statuses) <= {403, 404} else None

    statuses = wait_for(all_gone, 30, interval=0.5)
    waited = report.number("withdraw_bucket_private_s", round(time.monotonic() - started, 1))
    report.check(
        f"the bucket URLs of its figure and PDF answer 403/404 anonymously (after {waited} s)",
        statuses,
        statuses or [fetch_url(url).status for url in state["bucket_urls"]],
    )


def strip_volatile(html):
    """What legitimately differs between two renderings of one page: CSP nonces and CSRF tokens.
    Returns (html without them, how many were removed)."""
    html, nonces = re.subn(r'nonce="[^"]*"', 'nonce=""', html)
    html, tokens = re.subn(r'(name="csrfmiddlewaretoken" value=")[^"]*"', r'\1"', html)
    return html, nonces + tokens
