"""deploy/jupyterhub/: the Zero-to-JupyterHub values agree with the measurements and the course link works."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy" / "jupyterhub"
UNITS = {"K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}  # KubeSpawner's byte suffixes are binary


def _bytes(spec) -> int:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([KMGT])", str(spec))
    assert m, f"memory {spec!r} is not a number with one of the suffixes {sorted(UNITS)}"
    return int(float(m.group(1)) * UNITS[m.group(2)])


@pytest.fixture(scope="module")
def config():
    return yaml.safe_load((DEPLOY / "config.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def readme():
    return (DEPLOY / "README.md").read_text(encoding="utf-8")


def test_resources_are_the_measured_recommendation(config, readme):
    user = config["singleuser"]
    guarantee, limit = _bytes(user["memory"]["guarantee"]), _bytes(user["memory"]["limit"])
    assert 0 < guarantee <= limit
    assert 0 < user["cpu"]["guarantee"] <= user["cpu"]["limit"]
    measured = re.search(r"memory guarantee \*\*(\d+) MiB\*\*.*?limit \*\*(\d+) MiB\*\*", readme, re.S)
    assert measured, "the README has no measured recommendation (run benchmarks/bench_hub.py --update-readme)"
    assert (guarantee // 2**20, limit // 2**20) == tuple(map(int, measured.groups()))


def test_idle_servers_are_culled_and_the_image_is_named(config):
    assert config["cull"]["enabled"] is True and config["cull"]["timeout"] > 0
    assert config["singleuser"]["image"]["name"] and config["singleuser"]["image"]["tag"]


def test_the_readme_link_pulls_the_workbook_and_opens_a_chapter(readme):
    links = re.findall(r"https://\S+/hub/user-redirect/git-pull\?\S+", readme)
    assert links, "the README gives no nbgitpuller link"
    for link in links:
        parts = urlsplit(link.rstrip(")`"))
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        assert {"repo", "branch", "targetpath", "urlpath"} <= set(query), link
        prefix = f"lab/tree/{query['targetpath']}/"
        assert query["urlpath"].startswith(prefix), link
        assert (ROOT / query["urlpath"][len(prefix):]).exists(), f"{link} opens a file the workbook lacks"
