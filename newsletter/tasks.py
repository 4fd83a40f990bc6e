"""Background tasks (placeholder: the queue part of issue 17 owns this file and replaces it at merge).

Only what object storage needs: ``sync_public_files``, enqueued on commit, idempotent, ids only.
"""

from django_tasks import task


@task()
def sync_public_files(issue_id):
    from . import public_files

    public_files.sync_issue(issue_id)
