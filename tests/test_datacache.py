"""The JSON copy of the built-in data files (datacache.py): used when every file is unchanged, rebuilt
when one changes, never a reason for a run to fail, and the loaders still validate what it holds."""
from __future__ import annotations

import os
import shutil
import tomllib

import pytest

from report_lint import datacache
from report_lint.resources import rules_dir


@pytest.fixture
def rules_copy(tmp_path, monkeypatch):
    """A private copy of rules/ and an empty cache directory."""
    copy = tmp_path / "rules"
    shutil.copytree(rules_dir(), copy)
    monkeypatch.setattr(datacache, "rules_dir", lambda: copy)
    monkeypatch.setattr(datacache, "_loaded", None)
    monkeypatch.setenv(datacache.ENV, str(tmp_path / "cache"))
    return copy


def _forget(monkeypatch):
    monkeypatch.setattr(datacache, "_loaded", None)  # as a new process


def test_the_copy_is_written_once_and_then_read_instead_of_the_toml(rules_copy, tmp_path, monkeypatch):
    first = datacache.builtin_data()
    assert (tmp_path / "cache" / datacache.FILE).is_file()
    assert {os.path.basename(p) for p in first} >= {"2019.toml", "2021.toml", "parse.toml", "_redirects.toml"}
    _forget(monkeypatch)

    def no_toml(*a, **k):
        raise AssertionError("TOML parsed although the copy is current")

    monkeypatch.setattr(datacache.tomllib, "load", no_toml)
    assert datacache.builtin_data() == first


def test_a_changed_file_is_read_again(rules_copy, monkeypatch):
    datacache.builtin_data()
    _forget(monkeypatch)
    template = rules_copy / "templates" / "2021.toml"
    template.write_text(template.read_text("utf-8").replace('name = "政府信息公开工作年度报告格式"',
                                                            'name = "改过的名称"', 1), "utf-8")
    assert datacache.read_toml(template)["name"] == "改过的名称"


def test_switched_off_or_unwritable_cache_only_costs_parsing(rules_copy, tmp_path, monkeypatch):
    monkeypatch.setenv(datacache.ENV, "")
    assert datacache.cache_dir() is None
    assert datacache.builtin_data()
    assert not (tmp_path / "cache").exists()
    _forget(monkeypatch)
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv(datacache.ENV, str(blocker / "cache"))
    assert datacache.builtin_data()  # mkdir fails: no error, no copy


def test_a_damaged_copy_is_ignored(rules_copy, tmp_path, monkeypatch):
    datacache.builtin_data()
    _forget(monkeypatch)
    (tmp_path / "cache" / datacache.FILE).write_text("{not json", "utf-8")
    assert datacache.read_toml(rules_copy / "templates" / "2019.toml")["id"] == "2019"


def test_a_broken_file_is_not_copied_and_its_loader_names_it(rules_copy, tmp_path, monkeypatch):
    broken = rules_copy / "catalogue" / "parse.toml"
    broken.write_text("[[rules]\nid = ", "utf-8")
    data = datacache.builtin_data()
    assert str(broken) not in data and not (tmp_path / "cache").exists()
    with pytest.raises(tomllib.TOMLDecodeError):
        datacache.read_toml(broken)


def test_loaders_validate_what_the_copy_holds(rules_copy, monkeypatch):
    from report_lint.templates import load_template

    datacache.builtin_data()
    path = rules_copy / "templates" / "2021.toml"
    datacache._loaded["files"][str(path)]["unexpected"] = 1  # as if the copy had been tampered with
    with pytest.raises(Exception, match="unexpected"):
        load_template(path)
