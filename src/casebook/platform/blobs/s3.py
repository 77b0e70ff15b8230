"""The distributed blob adapter: an S3-compatible bucket through obstore, presigned downloads."""

from __future__ import annotations

import contextlib
import urllib.parse
from datetime import timedelta
from typing import Any

import obstore
from obstore.store import S3Store

from casebook.platform.blobs import BlobInfo
from casebook.platform.blobs.keys import validate_key
from casebook.platform.blobs.objects import ObstoreBlobs, bare_etag, translate_errors
from casebook.platform.blobs.signing import SIGNED_URL_EXPIRES_S_MAX, UrlSigner
from casebook.platform.errors import NotFound

# Query parameters of `s3://bucket[/prefix]?…` handed to obstore's S3 config; anything missing
# (credentials above all) falls back to the AWS_* environment variables obstore reads itself.
URL_CONFIG_KEYS = ("endpoint", "region", "access_key_id", "secret_access_key", "session_token",
                   "virtual_hosted_style_request")
PING_KEY = "casebook-ping"


def parse_s3_url(url: str) -> tuple[str, str | None, dict[str, Any]]:
    """(bucket, prefix, config) from `s3://bucket[/prefix]?endpoint=…&region=…`."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError(f"an S3 blob URL looks like s3://bucket?endpoint=…: {url}")
    query = dict(urllib.parse.parse_qsl(parts.query))
    unknown = set(query) - set(URL_CONFIG_KEYS)
    if unknown:
        raise ValueError(f"unknown S3 URL parameters: {', '.join(sorted(unknown))}")
    config: dict[str, Any] = dict(query)
    if "virtual_hosted_style_request" in config:
        config["virtual_hosted_style_request"] = config["virtual_hosted_style_request"].lower() in {"1", "true"}
    return parts.netloc, parts.path.strip("/") or None, config


class S3Blobs(ObstoreBlobs):
    """Objects in a bucket. Puts are atomic (single PUT or multipart completed at the end)."""

    def __init__(self, url: str, *, secret_key: str, public_url: str) -> None:
        bucket, prefix, config = parse_s3_url(url)
        endpoint = config.get("endpoint", "")
        client_options = {"allow_http": True} if endpoint.startswith("http://") else None
        store = S3Store(bucket, prefix=prefix, client_options=client_options, **config)
        super().__init__(store, signer=UrlSigner(secret_key, public_url))
        self.bucket = bucket

    def _put_attributes(self, content_type: str | None) -> dict[str, str] | None:
        return {"Content-Type": content_type} if content_type else None

    async def _head(self, key: str) -> BlobInfo:
        # A HEAD through get() also returns the attributes (Content-Type) that head() leaves out.
        result = await obstore.get_async(self.store, key, options={"head": True})
        meta = result.meta
        return BlobInfo(key=key, size_bytes=meta["size"], etag=bare_etag(meta["e_tag"]),
                        content_type=result.attributes.get("Content-Type"))

    def signed_url(self, key: str, *, expires_s: int = 3600, filename: str | None = None) -> str:
        """A presigned S3 GET, so the client downloads from the bucket directly.

        With a `filename` (or an expiry outside 1 s..7 days), the URL is our own signed route,
        which streams from the bucket: a presigned URL cannot carry Content-Disposition without
        signing the response-content-disposition parameter, which obstore does not expose.
        """
        validate_key(key)
        if filename is not None or not 1 <= expires_s <= SIGNED_URL_EXPIRES_S_MAX:
            return self.signer.sign(key, expires_s=expires_s, filename=filename)
        with translate_errors(key):
            return obstore.sign(self.store, "GET", key, timedelta(seconds=expires_s))

    async def ping(self) -> None:
        with contextlib.suppress(NotFound):  # an answer about a missing key: the bucket is reachable
            await self.head(PING_KEY)
