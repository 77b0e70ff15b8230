"""Subjects of the events the media engine emits."""

MEDIA_UPLOADED = "casebook.media.uploaded"  # {asset_id, namespace, owner_id, kind}
MEDIA_PROCESSED = "casebook.media.processed"  # {asset_id, namespace, owner_id, state}
