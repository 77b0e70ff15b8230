"""Settings: read once from CASEBOOK_* environment variables and an optional .env file."""

from __future__ import annotations

import dataclasses
import os
import secrets
from pathlib import Path
from typing import Mapping

ENV_PREFIX = "CASEBOOK_"
SECRET_KEY_FILE = "secret_key"


@dataclasses.dataclass(frozen=True, kw_only=True)
class Settings:
    """Every knob of a casebook process. Build it directly in tests; `from_env` in processes."""

    data_dir: Path = Path("var")
    database_url: str = ""  # default: sqlite+aiosqlite:///<data_dir>/casebook.db
    cache_url: str = "memory://"
    bus_url: str = "memory://"
    blob_url: str = ""  # default: file://<data_dir>/blobs
    search_url: str = "db://"
    realtime_url: str = ""  # default: follows cache_url (redis:// shares the cache's server)
    geo_url: str = ""  # default: follows cache_url
    secret_key: str = ""  # default: generated once and kept in <data_dir>/secret_key
    log_format: str = "console"  # console | json
    log_level: str = "INFO"
    apps: tuple[str, ...] = ()  # empty: every registered app
    node_id: int | None = None  # snowflake worker bits; random when unset
    public_url: str = "http://localhost:8000"
    access_token_ttl_s: int = 15 * 60
    refresh_token_ttl_s: int = 30 * 24 * 3600
    session_ttl_s: int = 14 * 24 * 3600
    request_body_bytes_max: int = 10 * 1024 * 1024
    login_attempts_max: int = 5  # per account and per IP, per window
    login_window_s: int = 300
    idempotency_lock_s: int = 60  # a key whose first attempt crashed answers 409 "in progress" this long
    run_background: bool = True  # relay, consumers and scheduler inside this process
    cache_memory_items_max: int = 100_000
    secure_cookies: bool = False  # set true behind HTTPS
    access_log: bool = True
    migrate_on_start: bool | None = None  # None: yes on SQLite (embedded), no on PostgreSQL

    def __post_init__(self) -> None:
        data_dir = Path(self.data_dir)
        object.__setattr__(self, "data_dir", data_dir)
        if not self.database_url:
            object.__setattr__(self, "database_url", f"sqlite+aiosqlite:///{data_dir / 'casebook.db'}")
        if not self.blob_url:
            object.__setattr__(self, "blob_url", f"file://{data_dir / 'blobs'}")
        if not self.realtime_url:
            object.__setattr__(self, "realtime_url", self.cache_url)
        if not self.geo_url:
            object.__setattr__(self, "geo_url", self.cache_url)

    @property
    def is_embedded_bus(self) -> bool:
        return self.bus_url.startswith("memory://")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, env_file: str | Path = ".env") -> Settings:
        """Settings from `environ` (default os.environ) over an optional dotenv file."""
        values = dict(_read_env_file(Path(env_file)))
        values.update(environ if environ is not None else os.environ)
        fields = {f.name: f for f in dataclasses.fields(cls)}
        kwargs: dict[str, object] = {}
        for name, field in fields.items():
            raw = values.get(ENV_PREFIX + name.upper())
            if raw is None or raw == "":
                continue
            kwargs[name] = _coerce(field.type, raw)
        settings = cls(**kwargs)  # type: ignore[arg-type]
        return settings.with_secret_key()

    def with_secret_key(self) -> Settings:
        """The same settings with a secret key: given, or read from/created in the data directory."""
        if self.secret_key:
            return self
        path = self.data_dir / SECRET_KEY_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        try:  # O_EXCL: when several processes start at once, exactly one writes the key
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        return dataclasses.replace(self, secret_key=path.read_text().strip())

    def replace(self, **changes: object) -> Settings:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


def _coerce(annotation: object, raw: str) -> object:
    kind = str(annotation)
    if "bool" in kind and "None" in kind and raw.strip().lower() in {"", "auto"}:
        return None
    if "bool" in kind:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if "tuple" in kind:
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    if "int" in kind:
        return int(raw)
    if "Path" in kind:
        return Path(raw)
    return raw


def _read_env_file(path: Path) -> list[tuple[str, str]]:
    if not path.is_file():
        return []
    pairs = []
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        pairs.append((key.strip().removeprefix("export ").strip(), value.strip().strip("'\"")))
    return pairs
