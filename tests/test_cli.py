"""The ``crmlab`` command line."""

from __future__ import annotations

import subprocess
import sys

import pytest

from crmlab import cli, datasets


def test_help_lists_every_command(capsys):
    assert cli.main([]) == 0
    out = capsys.readouterr().out
    for command in ("lab", "datasets", "run", "app", "student-version", "grade", "execute"):
        assert command in out


def test_datasets_listing_and_dictionary(capsys):
    assert cli.main(["datasets"]) == 0
    listing = capsys.readouterr().out
    assert all(name in listing for name in datasets.names())
    assert cli.main(["datasets", "crm_costs"]) == 0
    assert "phase" in capsys.readouterr().out


def test_unknown_dataset_is_a_clear_error(capsys):
    assert cli.main(["datasets", "costs"]) == 2
    assert "unknown dataset 'costs'" in capsys.readouterr().err


def test_export(tmp_path, capsys):
    assert cli.main(["datasets", "--export", str(tmp_path / "out")]) == 0
    exported = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert exported == sorted([f"{n}.csv" for n in datasets.names()] + ["dictionary.yaml"])


def test_unknown_command_exits_with_usage():
    with pytest.raises(SystemExit) as info:
        cli.main(["grades"])
    assert info.value.code == 2


def test_console_script_is_installed():
    out = subprocess.run([sys.executable, "-m", "crmlab.cli", "datasets"], capture_output=True, text=True, check=True)
    assert "transactions" in out.stdout
