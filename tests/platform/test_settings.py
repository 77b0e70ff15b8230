from pathlib import Path

from casebook.platform.settings import Settings


def test_defaults_are_the_embedded_adapters_under_the_data_dir(tmp_path: Path) -> None:
    settings = Settings.from_env({"CASEBOOK_DATA_DIR": str(tmp_path / "var")}, env_file=tmp_path / "missing.env")

    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'var' / 'casebook.db'}"
    assert settings.cache_url == "memory://"
    assert settings.bus_url == "memory://"
    assert settings.blob_url == f"file://{tmp_path / 'var' / 'blobs'}"
    assert settings.search_url == "db://"
    assert settings.realtime_url == "memory://"


def test_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    env = {"CASEBOOK_DATA_DIR": str(tmp_path)}
    first = Settings.from_env(env, env_file=tmp_path / "none")
    second = Settings.from_env(env, env_file=tmp_path / "none")

    assert len(first.secret_key) >= 40
    assert first.secret_key == second.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_environment_overrides_dotenv_and_values_are_typed(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("# comment\nCASEBOOK_CACHE_URL=redis://x:6379/0\nexport CASEBOOK_LOG_FORMAT='json'\n"
                        "CASEBOOK_APPS=a, b\nCASEBOOK_ACCESS_TOKEN_TTL_S=60\n")
    settings = Settings.from_env({"CASEBOOK_CACHE_URL": "redis://y:6379/1", "CASEBOOK_SECURE_COOKIES": "true",
                                  "CASEBOOK_SECRET_KEY": "k" * 40}, env_file=env_file)

    assert settings.cache_url == "redis://y:6379/1"
    assert settings.realtime_url == "redis://y:6379/1"  # follows the cache when not given
    assert settings.log_format == "json"
    assert settings.apps == ("a", "b")
    assert settings.access_token_ttl_s == 60
    assert settings.secure_cookies is True
    assert settings.secret_key == "k" * 40
