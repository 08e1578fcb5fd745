"""The built wheel carries rules/ inside the package and works outside the repository."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("git") is None and not (REPO / "pyproject.toml").exists(), reason="no source tree")
def test_wheel_carries_rules_and_runs_outside_repo(tmp_path):
    # hatchling is in the test extra: the wheel is built offline, without build isolation
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                          "-w", str(tmp_path / "dist"), str(REPO)], capture_output=True, text=True, timeout=300, check=False)
    assert out.returncode == 0, out.stderr
    wheel = next((tmp_path / "dist").glob("report_lint-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "report_lint/rules/templates/2021.toml" in names
    assert any(n.startswith("report_lint/rules/catalogue/") for n in names)
    assert "report_lint/rules/phrasing/counts.toml" in names  # the narrative facts' wording
    assert "report_lint/rules/examples/base-2021.txt" in names  # the rule samples' example reports
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    example = tmp_path / "example.txt"
    shutil.copy(REPO / "examples" / "jidong-2020.txt", example)
    code = ("import report_lint, sys; r = report_lint.parse(sys.argv[1]); "
            "assert r.tables.applications and r.meta.template == '2019', r.meta; "
            "assert any(f.kind == 'normative_issued' and f.value == 11 for f in r.facts), r.facts; "
            "from report_lint.engine.catalogue import cached_catalogue, render_rule_doc; "
            "assert '会报告本规则' in render_rule_doc(cached_catalogue().get('X103')); "
            "import report_lint.resources as res; print(res.rules_dir())")
    env = dict(os.environ, PYTHONPATH=str(site))
    run = subprocess.run([sys.executable, "-c", code, str(example)], capture_output=True, text=True,
                         cwd=tmp_path, env=env, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert str(site) in run.stdout  # the rules/ inside the installed package, not the repo's
