"""`install` from a remote index served by a loopback http.server (127.0.0.1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lmms_magenta_models.operations import install
from models_helpers import model_dir

from lmms_magenta.errors import ModelError


@pytest.fixture
def published(server, tmp_path: Path) -> dict:
    """Model remote-drums 1.0 (MLP, hidden 256: a ~300 kB ONNX file) in the index."""
    folder = model_dir(tmp_path / "pub" / "remote-drums", name="remote-drums", hidden=256)
    return server.publish(folder)


def _index(server) -> tuple[str, ...]:
    return (server.url + "index.json",)


def test_install_downloads_verifies_and_reports_progress(env, server, published) -> None:
    repo = env.repo()
    seen: list[tuple[str, int, int]] = []
    entry = install(
        repo,
        "remote-drums",
        indexes=_index(server),
        progress=lambda path, done, total: seen.append((path, done, total)),
    )
    assert entry.origin == "store"
    assert entry.folder == env.store / "remote-drums" / "1.0.0"
    onnx_size = next(f["size"] for f in published["files"] if f["path"] == "model.onnx")
    model_progress = [(d, t) for p, d, t in seen if p == "model.onnx"]
    assert model_progress[0] == (0, onnx_size)
    assert model_progress[-1] == (onnx_size, onnx_size)
    assert [d for d, _ in model_progress] == sorted(d for d, _ in model_progress)
    assert len(model_progress) > 3  # several chunks, not one jump
    stored = json.loads((entry.folder / "model.json").read_text())
    assert all("url" not in f for f in stored["files"])
    assert (
        repo.resolve("remote-drums").path().read_bytes()
        == (server.root / "files/remote-drums/1.0.0/model.onnx").read_bytes()
    )
    assert [p for p in env.store_listing() if p.startswith(".")] == []


def test_indexes_from_the_config_are_used(env, server, published) -> None:
    env.write_config({"indexes": [server.url + "index.json"]})
    assert install(env.repo(), "remote-drums@1.0.0").manifest.version == "1.0.0"


def test_sha_mismatch_is_refused_and_nothing_is_installed(env, server, tmp_path: Path) -> None:
    folder = model_dir(tmp_path / "pub" / "evil", name="evil-drums")
    server.publish(folder, tamper=True)
    with pytest.raises(
        ModelError,
        match=r"sha256 mismatch for http://127\.0\.0\.1:.*model\.onnx.*nothing was installed",
    ):
        install(env.repo(), "evil-drums", indexes=_index(server))
    assert not (env.store / "evil-drums").exists()
    # the bad download is deleted: the next attempt starts from byte 0
    assert not list(env.store.glob(".tmp-install-evil-drums-*/model.onnx"))


def test_dropped_connection_leaves_the_store_consistent_then_resumes(
    env, server, published
) -> None:
    server.drop_after["files/remote-drums/1.0.0/model.onnx"] = 100_000
    repo = env.repo()
    with pytest.raises(ModelError) as err:
        install(repo, "remote-drums", indexes=_index(server))
    assert "was interrupted after 100000 of" in str(err.value)
    assert "run the install again to resume" in str(err.value)
    assert not (env.store / "remote-drums").exists()
    assert repo.catalogue().matching("remote-drums") == []
    entry = install(repo, "remote-drums", indexes=_index(server))
    assert server.gets("model.onnx") == [None, "bytes=100000-"]
    assert repo.resolve("remote-drums").path() == entry.folder / "model.onnx"
    assert [p for p in env.store_listing() if p.startswith(".")] == []


def test_a_server_that_ignores_range_restarts_cleanly(env, server, published) -> None:
    server.drop_after["files/remote-drums/1.0.0/model.onnx"] = 50_000
    repo = env.repo()
    with pytest.raises(ModelError, match="interrupted"):
        install(repo, "remote-drums", indexes=_index(server))
    server.ignore_range = True
    install(repo, "remote-drums", indexes=_index(server))
    assert server.gets("model.onnx") == [None, "bytes=50000-"]
    repo.resolve("remote-drums").path()  # verified: the restart did not append to the old bytes


def test_already_installed_and_not_in_index(env, server, published) -> None:
    repo = env.repo()
    install(repo, "remote-drums", indexes=_index(server))
    with pytest.raises(ModelError, match="already installed"):
        install(repo, "remote-drums", indexes=_index(server))
    with pytest.raises(ModelError, match="model 'other' is not in any model index"):
        install(repo, "other", indexes=_index(server))


def test_unreachable_index_is_named_in_the_error(env, server) -> None:
    with pytest.raises(ModelError) as err:
        install(env.repo(), "remote-drums", indexes=(server.url + "missing.json",))
    assert "HTTP 404" in str(err.value)
    assert "missing.json" in str(err.value)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/index.json", "127.0.0.1/x"])
def test_non_http_urls_are_refused(env, url: str) -> None:
    with pytest.raises(ModelError, match="only http:// and https:// URLs are allowed"):
        install(env.repo(), "remote-drums", indexes=(url,))


def test_a_file_url_outside_http_is_refused(env, server, tmp_path: Path) -> None:
    folder = model_dir(tmp_path / "pub" / "sneaky", name="sneaky")
    manifest = server.publish(folder)
    manifest["files"][0]["url"] = "file:///etc/passwd"
    (server.root / "index.json").write_text(json.dumps({"index_version": 1, "models": [manifest]}))
    repo = env.repo()
    catalogue = repo.catalogue(remote=True, indexes=_index(server))
    assert [e for e in catalogue.entries if e.manifest.name == "sneaky"] == []
    assert any("only http:// and https://" in p for p in catalogue.problems)


def test_network_timeout_is_a_clean_error(env, server, published) -> None:
    env.write_config({"timeout_s": 0.3})
    server.delay = 1.5
    with pytest.raises(ModelError, match=r"cannot fetch http://127\.0\.0\.1:.*timed out"):
        install(env.repo(), "remote-drums", indexes=_index(server))


def test_files_over_the_size_limit_are_refused(env, server, published) -> None:
    env.write_config({"max_file_mb": 0.01})
    with pytest.raises(ModelError, match=r"more than max_file_mb = 0\.01; refusing"):
        install(env.repo(), "remote-drums", indexes=_index(server))
    assert server.gets("model.onnx") == []


def test_oversized_index_is_refused(env, server) -> None:
    from lmms_magenta_models.remote import fetch_json

    (server.root / "big.json").write_text("[" + "1," * 5000 + "1]")
    with pytest.raises(ModelError, match="larger than 1000 bytes"):
        fetch_json(server.url + "big.json", timeout=5, max_bytes=1000)


def test_redirects_only_to_http(env, server, published) -> None:
    server.redirects["moved.json"] = server.url + "index.json"
    assert install(env.repo(), "remote-drums", indexes=(server.url + "moved.json",))
    server.redirects["evil.json"] = "file:///etc/passwd"
    with pytest.raises(ModelError) as err:
        install(env.repo(), "other", indexes=(server.url + "evil.json",))
    message = str(err.value)
    assert message.startswith(f"model 'other' is not in any model index ({server.url}evil.json)")
    assert "Redirection to url 'file:///etc/passwd' is not allowed" in message
    assert "fx-broken" not in message  # only the index's problems, not unrelated ones
    server.redirects["ftp.json"] = "ftp://127.0.0.1/index.json"  # urllib alone would follow
    with pytest.raises(ModelError, match=r"refusing URL 'ftp://127\.0\.0\.1/index\.json'"):
        install(env.repo(), "other", indexes=(server.url + "ftp.json",))


def test_an_index_url_from_a_plugin_source(env, server, published, monkeypatch) -> None:
    monkeypatch.setenv("LMMS_MAGENTA_FX_INDEX", server.url + "index.json")
    repo = env.repo()
    assert "remote-drums" not in {e.manifest.name for e in repo.catalogue().entries}
    remote = repo.catalogue(remote=True).matching("remote-drums")
    assert [e.origin for e in remote] == ["remote"]
    assert install(repo, "remote-drums").origin == "store"
