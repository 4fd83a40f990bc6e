"""Step 7: back up the database (pg_dump -Fc) and the bucket (every object to a folder, boto3), drop both,
restore them as the README says, and check replica B serves the same pages and files as before.

The public copies under ``public/`` are derived data (``sync_public_files`` makes them from the
database and the private objects), so, as the README's procedure says, they are not backed up: the
restore re-makes them with ``manage.py sync_public_files --all``.

HTML is compared after removing only CSP nonces and CSRF tokens (``publishing.strip_volatile``): they
change on every request by design. Figures and the PDF are compared byte for byte.
"""

import hashlib
import json
import re
import time

from . import services as svc
from .client import fetch_url
from .publishing import pdf_from, public_copy, strip_volatile, wait_for
from .report import StepFailed

PUBLIC_PREFIX = "public/"


def snapshot(cluster, pages, files):
    """({name: sha256 of the body}, {name: redirect target}, parts stripped) for pages (HTML, volatile
    parts stripped) and files (the bytes their /media/ or /pdf/ redirect leads to)."""
    reader = cluster.client("B")
    digests, targets, stripped = {}, {}, 0
    for name, path in pages.items():
        answer = reader.get(path)
        if answer.status != 200:
            raise StepFailed(f"B: {path} answered {answer.status}")
        html, removed = strip_volatile(answer.text)
        digests[name] = hashlib.sha256(html.encode()).hexdigest()
        stripped += removed
    for name, path in files.items():
        answer = reader.get(path)
        body = fetch_url(answer.location).body if answer.status == 302 else b""
        if not body:
            raise StepFailed(f"B: {path} answered {answer}")
        digests[name] = hashlib.sha256(body).hexdigest()
        targets[name] = answer.location
    return digests, targets, stripped


def bucket_objects(client, bucket):
    keys = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys += [item["Key"] for item in page.get("Contents", [])]
    return keys


def backup_bucket(client, bucket, folder):
    """Every object but the public copies to ``folder``/<key>, with its content type in ``folder``/objects.json."""
    index = {}
    for key in bucket_objects(client, bucket):
        if key.startswith(PUBLIC_PREFIX):
            continue
        answer = client.get_object(Bucket=bucket, Key=key)
        target = folder / "objects" / key
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(answer["Body"].read())
        index[key] = {"content_type": answer.get("ContentType", ""), "cache_control": answer.get("CacheControl", "")}
    (folder / "objects.json").write_text(json.dumps(index, ensure_ascii=False, indent=1))
    return index


def restore_bucket(client, bucket, folder):
    """The objects put back, private as they were (the public copies are re-made by sync_public_files)."""
    index = json.loads((folder / "objects.json").read_text())
    restored = 0
    for key, meta in index.items():
        extra = {"ContentType": meta["content_type"]} if meta["content_type"] else {}
        if meta["cache_control"]:
            extra["CacheControl"] = meta["cache_control"]
        client.put_object(Bucket=bucket, Key=key, Body=(folder / "objects" / key).read_bytes(), **extra)
        restored += 1
    return restored


def empty_bucket(client, bucket):
    keys = bucket_objects(client, bucket)
    for start in range(0, len(keys), 1000):
        client.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": key} for key in keys[start : start + 1000]]})
    return len(keys)


def run(cluster, command):
    code, out, err = cluster.services.run(command[0], command, timeout=300)
    if code != 0:
        raise StepFailed(f"{command[0]} failed: {err.strip()[:500]}")
    return out


def backup_and_restore(cluster, report):
    from .cluster import BUCKET

    issue = cluster.issues["published"]  # the demo's published issue: it has the demo's figure
    reader = cluster.client("B")
    answer, _, _ = pdf_from(cluster, reader, issue, report, seconds=120)
    report.require(
        "the issue to compare has its PDF (made by the worker's periodic duty)", answer and answer.status == 302, answer
    )
    article = next((a for a in issue["articles"] if "/media/" in reader.get(a["url"]).text), issue["articles"][0])
    figure = next((v for v in re.findall(r'src="(/media/[^"]+)"', reader.get(article["url"]).text)), None)
    report.require("the issue has a figure to compare", figure, article["url"])
    pages = {
        "home": "/",
        "issue": issue["url"],
        "article": article["url"],
        "feed": "/feeds/issues/",
        "atom": "/feeds/issues/atom/",
    }
    files = {"figure": figure, "pdf": issue["url"] + "pdf/"}
    for name, path in files.items():
        made = wait_for(lambda path=path: public_copy(reader.get(path), cluster.bucket_url), 60, interval=0.5)
        report.require(f"the {name} has its public copy", made, path)
    before, targets, stripped = snapshot(cluster, pages, files)
    report.check(
        f"fetched from B before the backup: {', '.join(before)}",
        len(before) == len(pages) + len(files),
        f"{figure}; {stripped} CSP nonces/CSRF tokens stripped from the HTML",
    )

    folder = cluster.workdir / "backup"
    (folder / "objects").mkdir(parents=True)
    dump = folder / "newsletter.dump"
    started = time.monotonic()
    run(cluster, ["pg_dump", "-Fc", "--no-owner", "-f", str(dump), cluster.database_url])
    s3 = svc.s3_client(cluster.endpoint)
    index = backup_bucket(s3, BUCKET, folder)
    report.number(
        "backup",
        {"dump_bytes": dump.stat().st_size, "objects": len(index), "seconds": round(time.monotonic() - started, 1)},
    )
    report.check(
        f"backed up: pg_dump -Fc ({dump.stat().st_size} bytes) and the bucket's {len(index)} private objects",
        dump.stat().st_size > 0 and index,
    )

    cluster.services.stop(cluster.worker_name)  # a worker would fail its ticks while the database is gone
    svc.drop_database(cluster.admin_url, cluster.database_name)
    deleted = empty_bucket(s3, BUCKET)
    gone = fetch_url(targets["figure"]).status
    report.check(
        f"database dropped, bucket emptied ({deleted} objects, public copies included)",
        not bucket_objects(s3, BUCKET) and gone in (403, 404),
        f"the figure's public URL now answers {gone}",
    )

    started = time.monotonic()
    import psycopg

    with psycopg.connect(cluster.admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{cluster.database_name}"')
    run(cluster, ["pg_restore", "--no-owner", "--exit-on-error", "-d", cluster.database_url, str(dump)])
    restored = restore_bucket(s3, BUCKET, folder)
    synced = cluster.manage("sync_public_files", "--all")
    cluster.flush_cache()
    report.number("restore_seconds", round(time.monotonic() - started, 1))
    report.check(
        f"restored: pg_restore, {restored} private objects put back, sync_public_files --all, cache flushed",
        restored == len(index) and bucket_objects(s3, BUCKET),
        synced.strip()[-200:],
    )
    cluster.start_worker("worker-3")

    def answered():
        try:
            return snapshot(cluster, pages, files)
        except StepFailed:
            return None

    again = wait_for(answered, 20, interval=1)
    report.require("B answers every page and file again after the restore", again)
    after, targets_after, _ = again
    for name in before:
        report.check(f"after restore, {name} is identical to before", before[name] == after[name], before[name][:12])
    report.check(
        "after restore, the figure and the PDF redirect to the same public addresses (content-hashed)",
        targets == targets_after,
        targets_after,
    )
