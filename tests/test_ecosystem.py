"""The CI ecosystem files are real: the composite Action's shell steps lint the bundled example when run
locally with the Action's own inputs, and the pre-commit hook declares the report formats."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from shared_paths import REPO

EXAMPLE = REPO / "examples" / "jidong-2020.txt"


def _env_with_venv(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["GITHUB_OUTPUT"] = str(tmp_path / "github_output")
    env["GITHUB_STEP_SUMMARY"] = str(tmp_path / "step_summary.md")
    env.update(extra)
    return env


def _expand(text: str, inputs: dict[str, str]) -> str:
    return re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: inputs[m.group(1)], text)


def test_action_lint_step_runs_locally_on_the_example(tmp_path):
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    inputs = {k: str(v.get("default", "")) for k, v in action["inputs"].items()}
    inputs["paths"] = str(EXAMPLE)
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "lint")
    env = _env_with_venv(tmp_path, **{k: _expand(v, inputs) for k, v in step.get("env", {}).items()})
    done = subprocess.run(["bash", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "::error" in done.stdout  # the example misses part 六: annotations in the job log
    assert (tmp_path / "github_output").read_text().strip() == "exit-code=1"
    sarif = json.loads((tmp_path / "report-lint.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]
    # the last step turns the recorded code into the job's result
    fail = next(s for s in action["runs"]["steps"] if s.get("name") == "Fail on findings")
    code = subprocess.run(["bash", "-c", fail["run"].replace("${{ steps.lint.outputs.exit-code }}", "1")], check=False).returncode
    assert code == 1


def test_pre_commit_hook_declares_report_formats():
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "report-lint")
    assert hook["entry"].split()[0] == "report-lint" and hook["language"] == "python"
    pattern = re.compile(hook["files"])
    for name in ("年报.docx", "a/b.pdf", "r.html", "r.htm", "r.md", "r.txt"):
        assert pattern.search(name), name
    for name in ("r.json", "setup.py", "r.docx.bak"):
        assert not pattern.search(name), name


def test_pre_commit_entry_lints_the_example(tmp_path):
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    entry = next(h for h in hooks if h["id"] == "report-lint")["entry"].split()
    # pre-commit appends the staged file names to the entry
    done = subprocess.run([*entry, str(EXAMPLE)], cwd=tmp_path, env=_env_with_venv(tmp_path),
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1 and "C101" in done.stdout
