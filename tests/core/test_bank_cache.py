"""Parsed banks are kept between starts by the bytes of each file: a second start reads the
JSON instead of parsing the YAML, a changed or damaged entry is never trusted."""

from __future__ import annotations

import shutil

import pytest

import trainer.core.banks as banks
from trainer.core.bank_cache import BankCache
from trainer.core.paths import question_bank_dir


@pytest.fixture
def folder(tmp_path):
    shutil.copy(question_bank_dir() / "uids.yaml", tmp_path / "uids.yaml")
    return tmp_path


def no_yaml(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the YAML was parsed again")

    monkeypatch.setattr(banks, "load_model_file", refuse)


def test_a_second_load_reads_the_cache_and_gives_the_same_questions(folder, tmp_path, monkeypatch):
    cache = BankCache(tmp_path / "cache")
    first = banks.load_banks([folder], cache=cache)
    no_yaml(monkeypatch)
    again = banks.load_banks([folder], cache=cache)
    assert [q.model_dump() for q in again.questions] == [q.model_dump() for q in first.questions]
    assert [q.full_id for q in again.questions] == [q.full_id for q in first.questions]


def test_a_changed_file_is_parsed_again_and_its_old_entry_goes(folder, tmp_path):
    cache = BankCache(tmp_path / "cache")
    banks.load_banks([folder], cache=cache)
    path = folder / "uids.yaml"
    path.write_text(path.read_text("utf-8").replace("title:", "title: Changed\nold_title:", 1))
    changed = banks.load_banks([folder], cache=cache)
    assert changed.errors and "old_title" in str(changed.errors[0])  # the file, not the cache
    path.write_text((question_bank_dir() / "uids.yaml").read_text("utf-8"))
    banks.load_banks([folder], cache=cache)
    assert len(list((tmp_path / "cache").glob("*.json"))) == 1


def test_a_damaged_entry_is_not_trusted(folder, tmp_path):
    cache = BankCache(tmp_path / "cache")
    banks.load_banks([folder], cache=cache)
    [entry] = (tmp_path / "cache").glob("*.json")
    entry.write_text('{"id": "uids", "title": "forged"}')
    again = banks.load_banks([folder], cache=cache)
    assert not again.errors and again.banks[0].title != "forged"
