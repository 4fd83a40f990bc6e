"""Review of issue 17: a workflow e-mail retried after a partial failure goes out twice to the people
who already had it (``tasks.send_workflow_email`` retries the whole event; ``notifications.notify``
sends one message per person and raises on the first refusal).

A real SMTP server on loopback that accepts the first message of each connection and refuses the
next one (451, as a server over its rate limit does); the database queue, the worker run by hand.
"""

import datetime
import io
import signal
import socketserver
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from newsletter import roles, workflow
from newsletter.models import Issue
from tests import factories
from tests.factories import role_user

pytestmark = pytest.mark.django_db


class OneMessagePerConnection(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        received = self.server.received
        messages = 0
        recipients = []
        self.reply("220 review-smtp ready")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode(errors="replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 review-smtp")
            elif verb == "MAIL":
                if messages >= 1:
                    self.reply("451 4.7.1 too many messages, try again later")
                else:
                    self.reply("250 ok")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip(" <>"))
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 go on")
                while self.rfile.readline() not in (b".\r\n", b""):
                    pass
                received.extend(recipients)
                recipients = []
                messages += 1
                self.reply("250 queued")
            elif verb == "RSET":
                recipients = []
                self.reply("250 ok")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@pytest.fixture
def smtp_one_per_connection(settings):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), OneMessagePerConnection)
    server.daemon_threads = True
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.server_address[1]
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    yield server.received
    server.shutdown()
    server.server_close()


def run_worker_batch():
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0, stdout=io.StringIO())
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


# The worker runs outside any test transaction, as in production: db_worker closes and checks connections.
@pytest.mark.django_db(transaction=True)
def test_a_retried_workflow_email_is_not_sent_again_to_a_reviewer_who_already_received_it(
    settings, smtp_one_per_connection, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASK_MAX_ATTEMPTS = 5
    settings.TASK_RETRY_SECONDS = 10
    editor = role_user("editor", roles.EDITOR)
    first = role_user("reviewer1", roles.REVIEWER)
    second = role_user("reviewer2", roles.REVIEWER)
    assert first.email and second.email and first.email != second.email
    issue = factories.issue(status=Issue.Status.DRAFT)
    factories.article(issue)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(issue, workflow.SUBMIT, by=editor)

    run_worker_batch()  # one reviewer's message accepted, the other's refused: the task fails
    now = timezone.now()
    for attempt in range(1, 4):
        with time_machine.travel(now + datetime.timedelta(seconds=10 * 2**attempt)):
            run_worker_batch()  # the retries

    received = list(smtp_one_per_connection)
    # Seen: ['reviewer1@…', 'reviewer1@…', 'reviewer1@…'] — every retry re-sends to the one who had it.
    assert received.count(first.email) == 1, f"the server received: {received}"

