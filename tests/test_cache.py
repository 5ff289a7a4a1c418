"""The build cache file: records saved in shards, unchanged shards copied, damage tolerated."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from gaepod.speed import cache as cache_module
from gaepod.speed.cache import (
    CACHE_FILE,
    SHARDS,
    BuildCache,
    ValidationRecord,
    load_cache,
    save_cache,
)


def record(path: Path, note: str = "") -> ValidationRecord:
    return ValidationRecord("ctx", {path: (1, 2, 3)}, None, None, None, [], digest=note)


def filled(folder: Path, count: int = 300) -> BuildCache:
    cache = BuildCache()
    for i in range(count):
        path = folder / f"{i:04d}.yaml"
        cache.validations[path] = record(path, f"v{i}")
    cache.outputs["feed.xml"] = cache_module.OutputRecord("key", (4, 5, 6))
    return cache


@pytest.fixture
def pickled_dicts(monkeypatch) -> list[int]:
    """Counts the shards pickled anew (dicts of records) by save_cache."""
    sizes: list[int] = []
    dump = pickle.dump

    def counting(value, handle, protocol=None):
        if isinstance(value, dict):
            sizes.append(len(value))
        return dump(value, handle, protocol=protocol)

    monkeypatch.setattr(cache_module.pickle, "dump", counting)
    return sizes


def test_records_survive_a_save_and_a_load(tmp_path: Path) -> None:
    original = filled(tmp_path)
    save_cache(tmp_path, original)
    loaded = load_cache(tmp_path)
    assert loaded.validations == original.validations
    assert loaded.outputs == original.outputs
    assert loaded.loaded is not None and len(loaded.loaded.spans) == SHARDS


def test_a_changed_record_pickles_only_its_shard_again(tmp_path: Path, pickled_dicts) -> None:
    save_cache(tmp_path, filled(tmp_path))
    cache = load_cache(tmp_path)
    changed = tmp_path / "0042.yaml"
    cache.validations[changed] = record(changed, "edited")
    del cache.validations[tmp_path / "0007.yaml"]
    pickled_dicts.clear()

    save_cache(tmp_path, cache)

    assert 1 <= len(pickled_dicts) <= 2  # the shards of 0042 and 0007, nothing else
    again = load_cache(tmp_path)
    assert again.validations == cache.validations
    assert again.validations[changed].digest == "edited"
    assert tmp_path / "0007.yaml" not in again.validations
    assert len(again.validations) == 299


def test_a_cache_file_replaced_since_loading_is_not_copied_from(
    tmp_path: Path, pickled_dicts
) -> None:
    save_cache(tmp_path, filled(tmp_path))
    cache = load_cache(tmp_path)
    other = filled(tmp_path, 50)
    for path, value in other.validations.items():
        other.validations[path] = record(path, "other " + value.digest)
    save_cache(tmp_path, other)  # another file now lies where the records came from
    pickled_dicts.clear()

    save_cache(tmp_path, cache)

    assert len(pickled_dicts) == SHARDS  # every shard pickled from memory
    assert load_cache(tmp_path).validations == cache.validations


@pytest.mark.parametrize("damage", ["cut in a shard", "cut in the head", "empty", "foreign"])
def test_a_damaged_cache_file_means_no_cache(tmp_path: Path, damage: str) -> None:
    save_cache(tmp_path, filled(tmp_path))
    path = tmp_path / CACHE_FILE
    data = path.read_bytes()
    if damage == "cut in a shard":
        path.write_bytes(data[: len(data) * 2 // 3])
    elif damage == "cut in the head":
        path.write_bytes(data[:40])
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        path.write_bytes(pickle.dumps({"format": "something else"}))
    loaded = load_cache(tmp_path)
    assert loaded.validations == {} and loaded.outputs == {} and loaded.loaded is None


def test_episodes_are_hashed_for_the_cache_only_when_there_is_one(make_show, monkeypatch) -> None:
    """`gaepod check` keeps no cache: it does not pay for the digests a build keeps."""
    from gaepod.show import check as check_module

    hashed: list[object] = []
    digest_of = check_module.digest_of
    monkeypatch.setattr(check_module, "digest_of", lambda v: hashed.append(v) or digest_of(v))
    root = make_show(3)

    assert check_module.check_show(root).is_ok
    assert hashed == []
    cache = BuildCache()
    assert check_module.check_show(root, cache).is_ok
    assert len(hashed) == 3
    assert all(r.digest == digest_of(r.episode) for r in cache.validations.values() if r.episode)


def test_a_cache_an_older_gaepod_pickled_is_ignored_not_a_crash(make_show, tmp_path: Path) -> None:
    """An older class under the same format string lacks a field: a build that used it
    once died with AttributeError. It must build as with no cache."""
    from typer.testing import CliRunner

    from gaepod.cli import app

    show, out = make_show(2), tmp_path / "public"
    args = ["build", "-q", "--show", str(show), "--out", str(out)]
    assert CliRunner().invoke(app, args).exit_code == 0
    state = show / ".gaepod"
    old = BuildCache()
    del old.__dict__["parsed"]  # as an older version's object unpickles
    with (state / "cache.pickle").open("wb") as handle:
        pickle.dump(old, handle)
        for _ in range(cache_module.SHARDS):
            pickle.dump({}, handle)
    (state / "quick.marshal").unlink()
    episode = show / "001-episode.yaml"
    episode.write_text(episode.read_text().replace("Guest 1", "Guest One"))

    result = CliRunner().invoke(app, args)

    assert result.exit_code == 0, result.output
    assert b"Guest One" in (out / "feed.xml").read_bytes()
    assert load_cache(state).parsed  # the build saved a whole cache again
