"""The test harness itself: nbval really compares outputs, and the project files agree with each other."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"


def _nbval(notebook: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "--nbval",
         "--nbval-current-env", "--nbval-sanitize-with", str(SANITIZE), "-o", "addopts=", str(notebook)],
        cwd=notebook.parent, capture_output=True, text=True, timeout=300,
    )


def test_nbval_reports_a_changed_stored_number(tmp_path):
    """Copy a notebook, change one stored output number, and nbval must fail naming the mismatch."""
    source = ROOT / "notebooks" / "00_start_here.ipynb"
    copy = tmp_path / source.name
    shutil.copy(source, copy)
    nb = json.loads(copy.read_text(encoding="utf-8"))
    target = next(c for c in nb["cells"] if c["cell_type"] == "code" and "crmlab.__version__" in "".join(c["source"]))
    stream = next(o for o in target["outputs"] if o["output_type"] == "stream")
    original = "".join(stream["text"])
    stream["text"] = [original.replace("0.1.0", "0.1.1")]
    assert stream["text"][0] != original
    copy.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    result = _nbval(copy)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "1 failed" in result.stdout
    assert "0.1.1" in result.stdout and "0.1.0" in result.stdout


def test_sanitizer_hides_memory_addresses():
    text = SANITIZE.read_text()
    pattern = re.search(r"regex: (0x\S+)", text).group(1)
    assert re.sub(pattern, "X", "<object at 0x7f3a2c1b9d50>") == "<object at X>"


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _names(requirements) -> dict[str, str]:
    out = {}
    for req in requirements:
        m = re.match(r"^\s*([A-Za-z0-9_.-]+)\s*(.*)$", req)
        out[m.group(1).lower().replace("_", "-")] = m.group(2).replace(" ", "")
    return out


def test_environment_yml_mirrors_pyproject():
    import yaml

    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    listed = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            listed += [d for d in dep["pip"] if not d.startswith((".", "-"))]
        elif not dep.startswith(("python", "pip")):
            listed.append(dep)
    conda = _names(listed)
    # The image repo2docker builds from environment.yml also serves the course hub: it carries the hub extra.
    project = _pyproject()["project"]
    project = _names(project["dependencies"] + project["optional-dependencies"]["hub"])
    assert conda == project


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    assert "make test" in (ROOT / "README.md").read_text()
    assert re.search(r"^test:", (ROOT / "Makefile").read_text(), re.M)


@pytest.mark.parametrize("folder", ["notebooks", "cases"])
def test_committed_notebooks_have_outputs_and_no_pip_installs(folder):
    for path in sorted((ROOT / folder).glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        sources = "\n".join("".join(c["source"]) for c in code)
        assert "pip install" not in sources, path.name
        if folder == "notebooks":
            assert any(c.get("outputs") for c in code), f"{path.name} is stored without outputs"
