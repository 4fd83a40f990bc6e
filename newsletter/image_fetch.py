"""Downloading an image an editor pasted by address (「下载此图」), without letting the address reach
inside our network (server-side request forgery).

Only http and https. The host name is resolved here, every address it resolves to must be a public
one (not private, loopback, link-local, shared, multicast, reserved or unspecified), and the
connection goes to the address that was checked — a second lookup by the HTTP library could answer
differently (DNS rebinding). TLS is still verified against the host name. Redirects are followed by
hand, a few at most, each checked like the first address. The whole download has a deadline and a
size limit (``FIGURE_MAX_BYTES``); what arrives is only bytes, handed to the same validation and
re-encoding as an uploaded file.

``FIGURE_FETCH_ALLOWED_NETWORKS`` (CIDRs, empty by default) lets tests reach a server of their own
on the loopback address; nothing else does.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

TIMEOUT_SECONDS = 5
MAX_REDIRECTS = 3
CHUNK = 64 * 1024
UNREACHABLE = "无法下载该图片，请上传图片文件。"
NOT_PUBLIC = "该网址不是公开网站上的图片，服务器不会下载它。请上传图片文件。"
NOT_HTTP = "只能下载 http 或 https 网址上的图片，请上传图片文件。"


class FetchRefused(Exception):
    """The image cannot be fetched; ``message`` says why in Chinese."""

    def __init__(self, message):
        self.message = message
        super().__init__(message)


def fetch_image(url):
    """The image at ``url`` as an uploaded file (not yet validated), or ``FetchRefused``."""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    for _ in range(MAX_REDIRECTS + 1):
        parts = _checked_url(url)
        address = _public_address(parts)
        response, connection = _get(parts, address, deadline)
        try:
            if response.status in (301, 302, 303, 307, 308) and response.getheader("Location"):
                url = urljoin(url, response.getheader("Location"))
                continue
            if response.status != 200:
                raise FetchRefused(UNREACHABLE)
            data = _read_limited(response, deadline)
        finally:
            connection.close()
        name = parts.path.rsplit("/", 1)[-1] or "image"
        return SimpleUploadedFile(name[-60:], data, content_type=response.getheader("Content-Type") or "")
    raise FetchRefused(UNREACHABLE)


def _checked_url(url):
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchRefused(NOT_HTTP)
    try:
        parts.port  # noqa: B018  (raises on a port out of range)
    except ValueError as error:
        raise FetchRefused(UNREACHABLE) from error
    return parts


def _allowed(address):
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for network in getattr(settings, "FIGURE_FETCH_ALLOWED_NETWORKS", ()):
        if ip in ipaddress.ip_network(network, strict=False):
            return True
    return ip.is_global and not ip.is_multicast


def _public_address(parts):
    """The (family, address) to connect to; every address the name has must be public."""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise FetchRefused(UNREACHABLE) from error
    if not infos or not all(_allowed(info[4][0]) for info in infos):
        raise FetchRefused(NOT_PUBLIC)
    return infos[0][4][0], port


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to an address already checked, with the certificate verified for the host name."""

    def __init__(self, address, port, server_hostname, timeout):
        super().__init__(address, port, timeout=timeout, context=ssl.create_default_context())
        self._server_hostname = server_hostname

    def connect(self):
        sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self._server_hostname)


def _get(parts, address, deadline):
    ip, port = address
    timeout = max(0.1, deadline - time.monotonic())
    if parts.scheme == "https":
        connection = _PinnedHTTPSConnection(ip, port, parts.hostname, timeout)
    else:
        connection = http.client.HTTPConnection(ip, port, timeout=timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    host = parts.netloc.rsplit("@", 1)[-1]  # never send the URL's user name and password on
    try:
        connection.request(
            "GET", path, headers={"Host": host, "Accept": "image/*", "User-Agent": "sszjc-figure-fetch/1"}
        )
        return connection.getresponse(), connection
    except (OSError, http.client.HTTPException, ValueError) as error:
        connection.close()
        raise FetchRefused(UNREACHABLE) from error


def _read_limited(response, deadline):
    max_bytes = settings.FIGURE_MAX_BYTES
    too_large = FetchRefused(f"该图片超过 {max_bytes // 1024} KB 的上限，请压缩后上传图片文件。")
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise too_large
    chunks, size = [], 0
    try:
        while True:
            if time.monotonic() > deadline:
                raise FetchRefused(UNREACHABLE)
            chunk = response.read(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise too_large
            chunks.append(chunk)
    except (OSError, http.client.HTTPException) as error:
        raise FetchRefused(UNREACHABLE) from error
    return b"".join(chunks)
