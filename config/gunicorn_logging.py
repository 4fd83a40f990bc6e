"""gunicorn's access log without the load balancer's probes.

A balancer asks every replica for /healthz or /readyz every few seconds: one access line each would
bury the readers' requests. gunicorn's documented extension point for this is ``logger_class`` (see
config/gunicorn.conf.py); everything else is logged exactly as gunicorn's own Logger does.
"""

from gunicorn.glogging import Logger

# The probes answered by newsletter/health.py.
PROBE_PATHS = frozenset({"/healthz", "/readyz"})


class ProbeQuietLogger(Logger):
    def access(self, resp, req, environ, request_time):
        if environ.get("PATH_INFO") in PROBE_PATHS:
            return
        super().access(resp, req, environ, request_time)
