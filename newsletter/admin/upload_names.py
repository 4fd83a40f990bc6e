"""Finding the uploaded files Django leaves out because their names are not UTF-8.

Browsers send file names in UTF-8, but a script or an old client on a GBK system may send the name's
raw bytes. Django cannot read such a part's header and skips the whole part without a word, so an
import of three files would show two, or "this field is required" for one. This upload handler
reads the request body before Django parses it, notes the names it will skip, and then lets
Django's own parser do the work on the same bytes.
"""

import io
import re

from django.core.files.uploadhandler import FileUploadHandler
from django.http.multipartparser import MultiPartParser

FILENAME = re.compile(rb'filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))', re.IGNORECASE)


def _readable(raw):
    """The name as the person most likely typed it: GB18030 is what a Chinese system would have sent."""
    for encoding in ("gb18030", "latin-1"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")  # latin-1 decodes anything; kept for clarity


class UndecodableNames(FileUploadHandler):
    """Put first in ``request.upload_handlers``; after parsing, ``names`` holds the skipped files' names."""

    def __init__(self, request=None, max_bytes=None):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.names = []

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if self.max_bytes is not None and content_length > self.max_bytes:
            return None  # too big to hold; the form refuses it anyway
        body = input_data.read(content_length)
        separator = b"--" + boundary
        for part in body.split(separator)[1:]:
            header = part.split(b"\r\n\r\n", 1)[0]
            for line in header.split(b"\r\n"):
                if not line.lower().startswith(b"content-disposition"):
                    continue
                try:
                    line.decode()
                except UnicodeDecodeError:
                    match = FILENAME.search(line)
                    if match:
                        self.names.append(_readable(match.group(1) or match.group(2) or b""))
        others = [handler for handler in self.request.upload_handlers if handler is not self]
        return MultiPartParser(META, io.BytesIO(body), others, encoding).parse()

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None
