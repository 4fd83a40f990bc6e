"""gunicorn's access log (config/gunicorn.conf.py): every request but the load balancer's probes."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

from gunicorn.config import Config
from gunicorn.http.wsgi import Response

from config.gunicorn_logging import ProbeQuietLogger

ROOT = Path(__file__).resolve().parent.parent


def log_request(logger, cfg, path):
    response = Response(req=None, sock=None, cfg=cfg)
    response.status = "200 OK"
    response.sent = 2
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.20.30.40",
    }
    logger.access(response, [], environ, datetime.timedelta(milliseconds=3))


def test_the_access_log_has_a_line_for_a_page_and_none_for_healthz_or_readyz(tmp_path):
    access_log = tmp_path / "access.log"
    cfg = Config()
    cfg.set("accesslog", str(access_log))
    logger = ProbeQuietLogger(cfg)
    try:
        for path in ("/healthz", "/readyz", "/", "/healthz"):
            log_request(logger, cfg, path)
    finally:
        for handler in logger.access_log.handlers:
            handler.close()
    lines = access_log.read_text().splitlines()
    assert len(lines) == 1, lines
    assert '"GET / HTTP/1.1" 200 2' in lines[0]


def test_the_gunicorn_config_file_logs_access_to_stdout_through_that_logger():
    env = {**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--print-config", "-c", "config/gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    printed = dict(map(str.strip, line.split(" = ", 1)) for line in result.stdout.splitlines() if " = " in line)
    assert printed.get("logger_class") == "config.gunicorn_logging.ProbeQuietLogger", result.stdout
    assert printed.get("accesslog") == "-"
    assert printed.get("bind") == "['0.0.0.0:8000']"
