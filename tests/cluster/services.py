"""The processes of the cluster test, each started on a free loopback port, recorded by PID and stopped by PID.

Every service runs in its own session (process group = its PID), so stopping it also stops the
processes it forked (gunicorn's workers, a worker's children) and nothing else on the machine.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
BIN = Path(PYTHON).parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, process, seconds=30, name="service"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{name} did not listen on 127.0.0.1:{port} within {seconds} s")


class Services:
    """What this run started: processes by name (stopped in reverse order) and clean-up callbacks."""

    def __init__(self, workdir):
        self.workdir = Path(workdir)
        self.processes = {}  # name -> Popen
        self.cleanups = []  # (name, callable), run last-in first-out

    def start(self, name, command, env=None, cwd=ROOT):
        log_path = self.workdir / f"{name}.log"
        with log_path.open("ab") as log_file:
            process = subprocess.Popen(
                command,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes[name] = process
        return process

    def run(self, name, command, env=None, timeout=600):
        """A short-lived command, recorded by PID while it runs (a signal stops it with the rest):
        (exit status, stdout, stderr)."""
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        key = f"{name} ({process.pid})"
        self.processes[key] = process
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            out, err = process.communicate()
            err += f"\n(stopped after {timeout} s)"
        finally:
            self.processes.pop(key, None)
        return process.returncode, out, err

    def log_of(self, name):
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def log_tail(self, name, lines=40):
        """The last ``lines`` lines of a service's log that are not access-log lines (one per request)."""
        kept = [line for line in self.log_of(name).splitlines() if not line.startswith("127.0.0.1 - - [")]
        return "\n".join(kept[-lines:])

    def kill(self, name, sig=signal.SIGKILL):
        """Send ``sig`` to the service's process group (its own PID) and reap it."""
        process = self.processes.pop(name)
        if process.poll() is None:
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                pass
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        return process.returncode

    def stop(self, name):
        """SIGTERM, then SIGKILL after 20 s."""
        return self.kill(name, signal.SIGTERM)

    def on_cleanup(self, name, callback):
        self.cleanups.append((name, callback))

    def stop_all(self):
        for name in reversed(list(self.processes)):
            try:
                self.stop(name)
            except Exception as error:  # noqa: BLE001 - stopping the rest matters more
                print(f"[cluster] could not stop {name}: {error}", flush=True)
        while self.cleanups:
            name, callback = self.cleanups.pop()
            try:
                callback()
            except Exception as error:  # noqa: BLE001
                print(f"[cluster] clean-up {name} failed: {error}", flush=True)


def start_redis(services):
    port = free_port()
    process = services.start(
        "redis",
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        + ["--dir", str(services.workdir)],
    )
    wait_for_port(port, process, name="redis-server")
    return f"redis://127.0.0.1:{port}/0"


def start_moto(services, bucket):
    """moto's S3 server and an empty bucket in it; returns the endpoint URL."""
    port = free_port()
    process = services.start("moto", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)])
    wait_for_port(port, process, name="moto_server")
    endpoint = f"http://127.0.0.1:{port}"
    s3_client(endpoint).create_bucket(Bucket=bucket)
    return endpoint


def s3_client(endpoint):
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="cluster-test",
        aws_secret_access_key="cluster-test",
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}),
    )


def postgres_admin_url(database_url):
    """The maintenance database on DATABASE_URL's server, or on the CI server (postgres@127.0.0.1:5432)."""
    if database_url and database_url.startswith(("postgres://", "postgresql://")):
        parts = urllib.parse.urlsplit(database_url)
        return urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    return "postgres://postgres@127.0.0.1:5432/postgres"


def create_database(services, admin_url, name):
    """A fresh database ``name`` next to ``admin_url``, dropped at the end; returns its URL."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    services.on_cleanup(f"database {name}", lambda: drop_database(admin_url, name))
    parts = urllib.parse.urlsplit(admin_url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def drop_database(admin_url, name):
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(services, env, *args, timeout=600):
    """``manage.py`` with the cluster's environment; its output, or RuntimeError with it."""
    code, out, err = services.run(f"manage.py {args[0]}", [PYTHON, "manage.py", *args], env=env, timeout=timeout)
    if code != 0:
        raise RuntimeError(f"manage.py {' '.join(args[:2])} failed:\n{out}\n{err}")
    return out


def start_replica(services, name, env, port, workers=2):
    command = [str(BIN / "gunicorn"), "config.wsgi"]
    conf = ROOT / "config" / "gunicorn.conf.py"
    if conf.exists():
        command += ["-c", str(conf)]
    # Without --no-control-socket every gunicorn on the machine shares ~/.gunicorn/gunicorn.ctl.
    command += ["--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--no-control-socket"]
    process = services.start(name, command, env=env)
    wait_for_port(port, process, seconds=60, name=name)
    return f"http://127.0.0.1:{port}"


def start_worker(services, env, name="worker"):
    return services.start(name, [PYTHON, "manage.py", "run_worker"], env=env)


def install_signal_handlers(services):
    """SIGINT/SIGTERM stop what was started, then exit (the ``finally`` would not run on SIGTERM)."""

    def handler(signum, frame):
        print(f"\n[cluster] signal {signum}: stopping everything started", flush=True)
        services.stop_all()
        sys.exit(130 if signum == signal.SIGINT else 143)

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
