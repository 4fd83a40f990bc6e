"""A small HTTP client over urllib for the cluster test: cookies, Django's CSRF token, multipart forms,
and redirects NOT followed (the test checks where a redirect points: a bucket URL, a login page).

(Not named ``http.py``: run as a script, ``tests/cluster`` is first on sys.path and that name would
shadow the standard library's ``http`` package, which urllib itself imports.)
"""

import http.cookiejar
import mimetypes
import re
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field


@dataclass
class Response:
    status: int | None  # None: no answer (connection refused, timeout)
    body: bytes = b""
    headers: dict = field(default_factory=dict)  # lower-cased names
    url: str = ""

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    @property
    def location(self):
        return self.headers.get("location", "")

    def __repr__(self):
        return f"<{self.status} {self.url} {self.location or ''}>"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _opener(*handlers):
    return urllib.request.build_opener(_NoRedirect(), *handlers)


def _send(opener, request, timeout):
    try:
        with opener.open(request, timeout=timeout) as answer:
            return Response(
                answer.status, answer.read(), {k.lower(): v for k, v in answer.headers.items()}, request.full_url
            )
    except urllib.error.HTTPError as error:
        return Response(error.code, error.read(), {k.lower(): v for k, v in error.headers.items()}, request.full_url)
    except OSError:
        return Response(None, url=request.full_url)


def fetch_url(url, timeout=10):
    """An anonymous GET of an absolute URL (a bucket's object), no cookies, no redirects followed."""
    return _send(_opener(), urllib.request.Request(url), timeout)


def multipart(fields, files):
    """(body, content type) for ``fields`` {name: str} and ``files`` {name: (filename, bytes)}."""
    boundary = "----cluster" + secrets.token_hex(12)
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content) in files.items():
        kind = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {kind}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Client:
    """One browser session against one replica (``base`` = http://127.0.0.1:port)."""

    def __init__(self, base, timeout=30):
        self.base = base.rstrip("/")
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = _opener(urllib.request.HTTPCookieProcessor(self.jar))

    def url(self, path):
        return path if path.startswith("http") else self.base + path

    def get(self, path):
        return _send(self.opener, urllib.request.Request(self.url(path)), self.timeout)

    def cookie(self, name):
        return next((cookie.value for cookie in self.jar if cookie.name == name), "")

    def post(self, path, fields=None, files=None):
        """A form POST with the CSRF cookie's token (fetch a page that sets it first)."""
        fields = {"csrfmiddlewaretoken": self.cookie("csrftoken"), **(fields or {})}
        if files:
            body, kind = multipart(fields, files)
        else:
            body, kind = urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
        request = urllib.request.Request(
            self.url(path), data=body, method="POST", headers={"Content-Type": kind, "Referer": self.url(path)}
        )
        return _send(self.opener, request, self.timeout)

    def login(self, username, password):
        """Sign in through the admin's login form; True when the admin answers with its index."""
        page = self.get("/admin/login/?next=/admin/")
        if page.status != 200 or not self.cookie("csrftoken"):
            raise RuntimeError(f"admin login page: {page.status}")
        answer = self.post(
            "/admin/login/?next=/admin/", {"username": username, "password": password, "next": "/admin/"}
        )
        return answer.status == 302 and self.get("/admin/").status == 200


def hrefs(html, pattern):
    """The distinct href/src values in ``html`` matching the regular expression ``pattern``, in order."""
    found = []
    for value in re.findall(r'(?:href|src)="([^"]+)"', html):
        if re.search(pattern, value) and value not in found:
            found.append(value)
    return found
