"""HTTP for blobs: signed downloads (`/api/blobs/…`) and the resumable upload API (`/api/uploads`)."""

from __future__ import annotations

import time
from typing import Any

from litestar import Request, Response, get, head, patch, post
from litestar.response import Stream

from casebook.platform.blobs import BlobInfo, uploads
from casebook.platform.blobs.keys import validate_key
from casebook.platform.blobs.objects import DEFAULT_CONTENT_TYPE
from casebook.platform.blobs.ranges import Unsatisfiable, etag_matches, parse_range, quoted
from casebook.platform.blobs.schemas import BlobRead, UploadComplete, UploadCreate, UploadRead
from casebook.platform.blobs.signing import content_disposition
from casebook.platform.errors import Invalid, NotFound, RangeNotSatisfiable, UnsupportedMediaType
from casebook.platform.http.params import SnowflakeId
from casebook.platform.http.problems import problem_response
from casebook.platform.identity.principal import AuthenticatedAccount
from casebook.platform.uow import UnitOfWork

UPLOAD_CHUNK_MEDIA_TYPE = "application/offset+octet-stream"  # as in tus
# Uploaded bytes are served from our own origin: never let them run as a page.
BLOB_SECURITY_HEADERS = {"Content-Security-Policy": "default-src 'none'; sandbox", "X-Content-Type-Options": "nosniff"}


class _Download:
    """What a signed GET or HEAD answers, decided before any byte is read."""

    def __init__(self, request: Request, blobs: Any, key: str, expires: str | None, sig: str | None,
                 filename: str | None) -> None:
        self.request, self.blobs, self.filename = request, blobs, filename
        self.key = key.removeprefix("/")  # the path parameter keeps the slash after /api/blobs
        self.expires_at_s = blobs.signer.verify(self.key, expires=expires, sig=sig, filename=filename)
        try:
            validate_key(self.key)
        except Invalid as error:  # signed keys are valid; anything else simply does not exist here
            raise NotFound("no such blob") from error

    async def plan(self) -> tuple[BlobInfo, int, dict[str, str], tuple[int, int] | None]:
        info = await self.blobs.head(self.key)
        max_age_s = max(int(self.expires_at_s - time.time()), 0)
        # public: the signed URL is itself the capability, so a CDN may keep it as long as the URL lives.
        headers = {"ETag": quoted(info.etag), "Cache-Control": f"public, max-age={max_age_s}",
                   "Accept-Ranges": "bytes", **BLOB_SECURITY_HEADERS}
        if self.filename:
            headers["Content-Disposition"] = content_disposition(self.filename)
        if etag_matches(self.request.headers.get("if-none-match"), info.etag):
            return info, 304, headers, None
        range_header = self.request.headers.get("range")
        if_range = self.request.headers.get("if-range")
        if if_range is not None and not etag_matches(if_range, info.etag):
            range_header = None  # the client's copy is stale: send the whole object
        try:
            byte_range = parse_range(range_header, info.size_bytes)
        except Unsatisfiable:
            headers["Content-Range"] = f"bytes */{info.size_bytes}"
            return info, 416, headers, None
        if byte_range is None:
            headers["Content-Length"] = str(info.size_bytes)
            return info, 200, headers, None
        start, end = byte_range
        headers["Content-Range"] = f"bytes {start}-{end - 1}/{info.size_bytes}"
        headers["Content-Length"] = str(end - start)
        return info, 206, headers, byte_range


def _range_problem(request: Request, headers: dict[str, str]) -> Response:
    problem = RangeNotSatisfiable("the range is outside the object").to_problem(instance=request.url.path)
    return problem_response(problem, headers={"Content-Range": headers["Content-Range"]})


@get("/api/blobs/{key:path}", summary="Download a blob by signed URL", tags=["blobs"])
async def download_blob(request: Request, platform: Any, key: str, expires: str | None = None,
                        sig: str | None = None, filename: str | None = None) -> Response:
    download = _Download(request, platform.blobs, key, expires, sig, filename)
    info, status, headers, byte_range = await download.plan()
    if status == 416:
        return _range_problem(request, headers)
    if status == 304:
        return Response(content=b"", status_code=304, headers=headers)
    start, end = byte_range or (0, None)
    return Stream(download.blobs.stream(download.key, start=start, end=end), status_code=status,
                  media_type=info.content_type or DEFAULT_CONTENT_TYPE, headers=headers)


@head("/api/blobs/{key:path}", summary="Blob headers by signed URL", tags=["blobs"])
async def head_blob(request: Request, platform: Any, key: str, expires: str | None = None,
                    sig: str | None = None, filename: str | None = None) -> Response[None]:
    download = _Download(request, platform.blobs, key, expires, sig, filename)
    info, status, headers, _ = await download.plan()
    return Response(content=b"", status_code=status, headers=headers,
                    media_type=info.content_type or DEFAULT_CONTENT_TYPE)


@post("/api/uploads", summary="Start a resumable upload", tags=["uploads"], status_code=201)
async def start_upload(data: UploadCreate, account: AuthenticatedAccount, uow: UnitOfWork) -> Response[UploadRead]:
    own_prefix = f"{uploads.FINAL_KEY_PREFIX}{account.id}/"
    if data.key is not None and not data.key.startswith(own_prefix):
        raise Invalid(f"an uploaded key must start with {own_prefix}", field="key")
    upload = await uploads.create_upload(uow, owner_id=account.id, key=data.key, content_type=data.content_type,
                                         size_bytes_max=data.size_bytes)
    return Response(UploadRead.from_upload(upload), status_code=201,
                     headers={"Location": f"/api/uploads/{upload.id}", "Upload-Offset": "0"})


@patch("/api/uploads/{upload_id:int}", summary="Append a chunk at Upload-Offset", tags=["uploads"],
       status_code=204)
async def append_chunk(request: Request, upload_id: SnowflakeId, account: AuthenticatedAccount,
                       uow: UnitOfWork) -> Response[None]:
    media_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if media_type != UPLOAD_CHUNK_MEDIA_TYPE:
        raise UnsupportedMediaType(f"send chunks as {UPLOAD_CHUNK_MEDIA_TYPE}")
    offset = _upload_offset(request.headers.get("upload-offset"))
    upload = await uploads.append_upload(uow, upload_id=upload_id, owner_id=account.id, offset=offset,
                                         data=await request.body())
    return Response(content=None, status_code=204, headers={"Upload-Offset": str(upload.offset_bytes)})


@head("/api/uploads/{upload_id:int}", summary="The committed offset of an upload", tags=["uploads"])
async def head_upload(upload_id: SnowflakeId, account: AuthenticatedAccount, uow: UnitOfWork) -> Response[None]:
    upload = await uploads.get_upload(uow, upload_id=upload_id, owner_id=account.id)
    return Response(content=None, headers={"Upload-Offset": str(upload.offset_bytes), "Cache-Control": "no-store"})


@get("/api/uploads/{upload_id:int}", summary="An upload and its committed offset", tags=["uploads"])
async def read_upload(upload_id: SnowflakeId, account: AuthenticatedAccount, uow: UnitOfWork) -> Response[UploadRead]:
    upload = await uploads.get_upload(uow, upload_id=upload_id, owner_id=account.id)
    return Response(UploadRead.from_upload(upload),
                    headers={"Upload-Offset": str(upload.offset_bytes), "Cache-Control": "no-store"})


@post("/api/uploads/{upload_id:int}/complete", summary="Finish an upload after checking its SHA-256",
      tags=["uploads"], status_code=200)
async def finish_upload(upload_id: SnowflakeId, data: UploadComplete, account: AuthenticatedAccount,
                        uow: UnitOfWork) -> BlobRead:
    info = await uploads.complete_upload(uow, upload_id=upload_id, owner_id=account.id, sha256_hex=data.sha256)
    return BlobRead.from_info(info)


def _upload_offset(raw: str | None) -> int:
    if raw is None or not raw.isdigit() or len(raw) > 19:
        raise Invalid("Upload-Offset must be a non-negative integer", field="Upload-Offset")
    return int(raw)


blob_routes = [download_blob, head_blob, start_upload, append_chunk, head_upload, read_upload, finish_upload]
