"""platform: resumable uploads and the search index

Revision ID: 0004_blobs_search
Revises: 0003_identity

Besides the two tables of Base.metadata, this creates full-text objects per dialect that the
metadata does not describe: on SQLite the FTS5 table `search_fts` (with its shadow
tables `search_fts_{data,idx,docsize,config}`) and the triggers
`search_documents_{ai,ad,au}`; on PostgreSQL the extension `unaccent` (if absent), the text search
configuration `search_simple`, the generated column `search_documents.search_vector` and the GIN
index `ix_search_documents_search_vector`.
"""

import sqlalchemy as sa
from alembic import op

from casebook.platform.db import types

revision = "0004_blobs_search"
down_revision = "0003_identity"
branch_labels = None
depends_on = None

SQLITE_FTS = [
    # External content: FTS5 keeps only the index; the text stays in search_documents.
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        title, body, content='search_documents', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
    """CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN
        INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    """CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END""",
    """CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
]
POSTGRES_FTS = [
    # 'simple' (no stemming, no stop words, so names and hashtags stay as written) plus unaccent,
    # so "cafe" finds "café" as FTS5's remove_diacritics does. unaccent is a trusted extension.
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION search_simple (COPY = pg_catalog.simple)",
    "ALTER TEXT SEARCH CONFIGURATION search_simple ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple",
    """ALTER TABLE search_documents ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('search_simple', title), 'A')
        || setweight(to_tsvector('search_simple', body), 'B')) STORED""",
    "CREATE INDEX ix_search_documents_search_vector ON search_documents USING gin (search_vector)",
]


def upgrade() -> None:
    op.create_table(
        "blob_uploads",
        sa.Column("id", types.Snowflake(), autoincrement=False, nullable=False),
        sa.Column("owner_id", types.Snowflake(), nullable=True),
        sa.Column("key", sa.String(length=512), nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=False),
        sa.Column("offset_bytes", sa.BigInteger(), nullable=False),
        sa.Column("size_bytes_max", sa.BigInteger(), nullable=False),
        sa.Column("created_at", types.UTCDateTime(), nullable=False),
        sa.Column("expires_at", types.UTCDateTime(), nullable=False),
        sa.Column("completed_at", types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blob_uploads")),
    )
    op.create_index(op.f("ix_blob_uploads_owner_id"), "blob_uploads", ["owner_id"])
    op.create_index(op.f("ix_blob_uploads_expires_at"), "blob_uploads", ["expires_at"])
    op.create_table(
        "search_documents",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("doc_id", sa.String(length=128), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("attributes", types.JSONDocument, nullable=False),
        sa.Column("updated_at", types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_documents")),
        sa.UniqueConstraint("kind", "doc_id", name=op.f("uq_search_documents_kind")),
    )
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_FTS if dialect == "sqlite" else POSTGRES_FTS if dialect == "postgresql" else []:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("search_documents_au", "search_documents_ad", "search_documents_ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_documents_search_vector")
    op.drop_table("search_documents")
    if dialect == "postgresql":  # after the table: its generated column uses the configuration
        op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS search_simple")
    op.drop_index(op.f("ix_blob_uploads_expires_at"), table_name="blob_uploads")
    op.drop_index(op.f("ix_blob_uploads_owner_id"), table_name="blob_uploads")
    op.drop_table("blob_uploads")
