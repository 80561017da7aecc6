import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import env, env_bool, env_int, env_list


def test_env_reads_a_secret_from_the_file_named_by_the_file_variant(tmp_path, monkeypatch):
    secret = tmp_path / "secret"
    secret.write_text("from-file\n", encoding="utf-8")
    monkeypatch.setenv("MELDPUNT_EXAMPLE", "plain")
    monkeypatch.setenv("MELDPUNT_EXAMPLE_FILE", str(secret))
    assert env("MELDPUNT_EXAMPLE") == "from-file"


def test_an_unreadable_secret_file_fails_loudly(tmp_path, monkeypatch):
    monkeypatch.setenv("MELDPUNT_EXAMPLE_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="MELDPUNT_EXAMPLE_FILE"):
        env("MELDPUNT_EXAMPLE")


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("on", True), ("No", False), ("", True)]
)
def test_env_bool(raw, expected, monkeypatch):
    monkeypatch.setenv("MELDPUNT_FLAG", raw)
    assert env_bool("MELDPUNT_FLAG", True) is expected


def test_bad_values_are_refused_with_the_setting_name(monkeypatch):
    monkeypatch.setenv("MELDPUNT_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="MELDPUNT_FLAG"):
        env_bool("MELDPUNT_FLAG", False)
    monkeypatch.setenv("MELDPUNT_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="MELDPUNT_NUMBER"):
        env_int("MELDPUNT_NUMBER", 1)


def test_env_list_splits_and_trims(monkeypatch):
    monkeypatch.setenv("MELDPUNT_HOSTS", " a.example , b.example,,")
    assert env_list("MELDPUNT_HOSTS", []) == ["a.example", "b.example"]
    monkeypatch.delenv("MELDPUNT_HOSTS")
    assert env_list("MELDPUNT_HOSTS", ["x"]) == ["x"]
