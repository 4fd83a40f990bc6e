"""gunicorn settings for the web replicas (Dockerfile, docker-compose.yml): `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Each value can be overridden from the environment without rebuilding the image.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Per replica; more replicas add more machines. gunicorn's own WEB_CONCURRENCY is honoured too.
workers = int(os.environ.get("GUNICORN_WORKERS") or os.environ.get("WEB_CONCURRENCY") or "2")
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Access log to stdout (the container's log), without the balancer's /healthz and /readyz probes.
accesslog = "-"
errorlog = "-"
logger_class = "config.gunicorn_logging.ProbeQuietLogger"
# X-Forwarded-Proto is believed only from these addresses (gunicorn's default); docker compose sets "*"
# because its web containers have no host port: only the proxy reaches them.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
