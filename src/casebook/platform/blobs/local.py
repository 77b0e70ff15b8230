"""The embedded blob adapter: a directory through obstore's LocalStore, HMAC-signed URLs."""

from __future__ import annotations

import os
from pathlib import Path

import obstore
from obstore.store import LocalStore

from casebook.platform.blobs import BlobInfo
from casebook.platform.blobs.objects import ObstoreBlobs, bare_etag, guess_content_type
from casebook.platform.blobs.signing import UrlSigner
from casebook.platform.errors import Unavailable

# Content types the caller gave are kept beside the object: a local file has no attributes.
# Keys never have a segment starting with a dot, so this prefix cannot collide with one.
META_PREFIX = ".meta/"


class LocalBlobs(ObstoreBlobs):
    """Objects are files under one directory.

    obstore writes each object to a staging file next to it and renames it into place, so a
    reader sees the whole old object or the whole new one, never a half-written file.
    """

    def __init__(self, url: str, *, secret_key: str, public_url: str) -> None:
        assert url.startswith("file://"), url
        self.root = Path(url.removeprefix("file://")).expanduser().resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        store = LocalStore(self.root, automatic_cleanup=True)
        super().__init__(store, signer=UrlSigner(secret_key, public_url))

    async def _after_put(self, key: str, content_type: str | None) -> None:
        meta_key = META_PREFIX + key
        if content_type is not None and content_type != guess_content_type(key):
            await obstore.put_async(self.store, meta_key, content_type.encode(), use_multipart=False)
        else:
            await self._after_delete(key)

    async def _after_delete(self, key: str) -> None:
        try:
            await obstore.delete_async(self.store, META_PREFIX + key)
        except FileNotFoundError:
            pass

    async def _head(self, key: str) -> BlobInfo:
        meta = await obstore.head_async(self.store, key)
        try:
            content_type = bytes(await (await obstore.get_async(self.store, META_PREFIX + key)).bytes_async()).decode()
        except FileNotFoundError:
            content_type = guess_content_type(key)
        return BlobInfo(key=key, size_bytes=meta["size"], etag=bare_etag(meta["e_tag"]), content_type=content_type)

    def signed_url(self, key: str, *, expires_s: int = 3600, filename: str | None = None) -> str:
        return self.signer.sign(key, expires_s=expires_s, filename=filename)

    async def ping(self) -> None:
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise Unavailable(f"blob directory {self.root} is not writable")
