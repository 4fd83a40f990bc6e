"""Figures and PDFs in an S3-compatible bucket (django-storages), as private objects.

``url(name)`` is the app's own ``/media/<name>``: that path is what pages, feeds, stored body HTML,
renditions and the PDF's figure fetcher contain, so no bucket address and no signed URL (which
expires) is ever baked into stored HTML. The media view (``newsletter/media.py``) decides who may
fetch a file and redirects to the public copy or to a short-lived signed URL made here.
"""

from botocore.exceptions import ClientError
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name, setting

PUBLIC_PREFIX = "public/"


class MediaStorage(S3Storage):
    """Private objects (no ACL: the bucket's default), never overwritten, addressed through /media/."""

    default_acl = None
    file_overwrite = False
    querystring_auth = True

    def get_default_settings(self):
        defaults = super().get_default_settings()
        # AWS_S3_CUSTOM_DOMAIN is a CDN in front of the public copies only: django-storages would also
        # use it for signed URLs (unsigned there without CloudFront keys), so it is kept apart.
        defaults["public_domain"] = setting("AWS_S3_CUSTOM_DOMAIN")
        defaults["custom_domain"] = None
        defaults["public_acl"] = setting("MEDIA_PUBLIC_ACL", "")
        defaults["media_url"] = setting("MEDIA_URL", "/media/")
        return defaults

    def url(self, name, parameters=None, expire=None, http_method=None):
        return self.media_url + filepath_to_uri(clean_name(name))

    def signed_url(self, name, *, content_type=None, disposition=None, expire=None):
        """A short-lived URL of the private object ``name`` (django-storages' own signing), at which the
        bucket answers with this Content-Type and Content-Disposition whatever the object says."""
        parameters = {}
        if content_type:
            parameters["ResponseContentType"] = content_type
        if disposition:
            parameters["ResponseContentDisposition"] = disposition
        return super().url(name, parameters=parameters, expire=expire)

    def public_url(self, key):
        """The unsigned address of a public copy (``public/…``): on the CDN if one is set, else the bucket's."""
        if not key.startswith(PUBLIC_PREFIX):
            raise ValueError(f"不是公开副本：{key}")
        if self.public_domain:
            return f"{self.url_protocol}//{self.public_domain}/{filepath_to_uri(key)}"
        client = self.unsigned_connection.meta.client
        return client.generate_presigned_url("get_object", Params={"Bucket": self.bucket_name, "Key": key})

    def head_bytes(self, name, size=16):
        """The first ``size`` bytes of an object (one ranged GET, not the whole file); None if it is missing."""
        try:
            answer = self.connection.meta.client.get_object(
                Bucket=self.bucket_name, Key=self._normalize_name(clean_name(name)), Range=f"bytes=0-{size - 1}"
            )
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            if code in {"NoSuchKey", "404"}:
                return None
            if code == "InvalidRange":  # an empty object
                return b""
            raise
        return answer["Body"].read()

    def create_once(self, name):
        """Write an empty object ``name`` unless it exists; True for the one caller that wrote it.

        S3's conditional write (If-None-Match: *): of any number of requests on any machines, exactly
        one succeeds — what ``os.rename`` of a folder gives on one machine.
        """
        try:
            self.client.put_object(
                Bucket=self.bucket_name, Key=self._normalize_name(clean_name(name)), Body=b"", IfNoneMatch="*"
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"PreconditionFailed", "ConditionalRequestConflict"}:
                return False
            raise
        return True

    @property
    def client(self):
        return self.connection.meta.client


def bucket_storage(storage):
    """``storage`` if it is the bucket (``default_storage`` is lazy: compare its real class), else None."""
    return storage if isinstance(storage, MediaStorage) else None
