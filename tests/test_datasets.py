"""crmlab.datasets: dictionary-driven loading, validation, variants and byte-for-byte regeneration."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from crmlab import datagen, datasets
from crmlab.datasets import DatasetError

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "datasets"))
import generate  # noqa: E402  (datasets/generate.py, the script that writes the CSVs)

EXPECTED = {"crm_costs", "crm_scorecard", "expert_rankings", "firm_financials", "scorecard_votes",
            "service_attributes", "service_survey", "transactions"}


def test_names_lists_every_dataset():
    assert set(datasets.names()) == EXPECTED
    assert set(datasets.names()) == set(datagen.GENERATORS)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_load_matches_dictionary(name):
    frame = datasets.load(name)
    spec = datasets.describe(name)
    assert list(frame.columns) == list(spec.index)
    kinds = {"int": "i", "float": "f", "date": "M"}
    for column, row in spec.iterrows():
        if row["type"] in kinds:
            assert frame[column].dtype.kind == kinds[row["type"]], column
        else:
            assert pd.api.types.is_string_dtype(frame[column]), column
    assert not frame.isna().any().any()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_generator_rebuilds_every_csv_byte_for_byte(name):
    assert generate.build(name) == (ROOT / "datasets" / f"{name}.csv").read_bytes()


def test_generate_check_mode_passes_on_shipped_files(capsys):
    assert generate.main(["--check"]) == 0


def test_sizes_the_chapters_rely_on():
    tx = datasets.load("transactions")
    assert tx["customer_id"].nunique() >= 2000
    assert (tx["date"].max() - tx["date"].min()).days >= 365
    assert (tx["amount"] > 0).all()
    costs = datasets.load("crm_costs")
    assert sorted(costs["year"].unique()) == [1, 2, 3, 4, 5]
    assert set(costs["component"]) == {"licenses", "maintenance", "hardware", "telecom", "external_services",
                                       "vendor_services", "internal_staff", "other"}
    assert datasets.load("crm_scorecard")["weight"].sum() == pytest.approx(1.0)
    votes = datasets.load("scorecard_votes")
    assert (votes[["excellent", "good", "fair", "poor"]].sum(axis=1) == 20).all()
    fin = datasets.load("firm_financials")
    assert (fin["invested_capital"] - fin["debt"] - fin["equity_book"]).abs().max() < 0.11


def test_load_returns_an_independent_copy():
    first = datasets.load("crm_costs")
    first.loc[0, "amount"] = -1.0
    assert datasets.load("crm_costs").loc[0, "amount"] >= 0


def test_unknown_name_lists_known_names():
    with pytest.raises(KeyError) as info:
        datasets.load("transaction")
    message = str(info.value)
    assert "did you mean 'transactions'" in message
    for name in EXPECTED:
        assert name in message
    with pytest.raises(KeyError, match="Known datasets"):
        datasets.describe(42)


def test_describe_and_about():
    spec = datasets.describe("service_survey")
    assert spec.loc["recommend", "range"] == "0 to 10"
    assert spec.loc["firm", "range"] == "one of: own, competitor"
    assert spec.attrs["title"].startswith("Retail service-quality survey")
    assert "halo" in datasets.about("service_survey")


@pytest.mark.parametrize("variant", [1, 2, 7])
def test_variants_keep_structure_and_change_numbers(variant):
    for name in ("service_survey", "crm_costs", "transactions", "expert_rankings", "crm_scorecard",
                 "firm_financials", "scorecard_votes"):
        base, var = datasets.load(name), datasets.load(name, variant=variant)
        assert list(var.columns) == list(base.columns)
        assert (var.dtypes == base.dtypes).all()
        assert not var.equals(base), name
        pd.testing.assert_frame_equal(var, datasets.load(name, variant=variant))  # reproducible


def test_variant_zero_and_none_are_the_shipped_file():
    pd.testing.assert_frame_equal(datasets.load("crm_costs", variant=0), datasets.load("crm_costs"))


@pytest.mark.parametrize("bad, exc", [(-1, ValueError), (1.5, TypeError), ("2", TypeError), (True, TypeError)])
def test_bad_variant(bad, exc):
    with pytest.raises(exc, match="variant must be"):
        datasets.load("crm_costs", variant=bad)


HEADER = "item,component,year,phase,purpose,amount\n"


@pytest.mark.parametrize(
    "body, message",
    [
        ("Servers,hardware,1,initial,implementation,-5\n", "column 'amount': row 1 (line 2 of the file): -5 is below the minimum 0"),
        ("Servers,hardware,1,initial,implementation,abc\n", "column 'amount': row 1 (line 2 of the file): 'abc' is not a number"),
        ("Servers,hardware,1,initial,implementation,1e999\n", "'1e999' is not a number"),
        ("Servers,hardware,1.5,initial,implementation,10\n", "column 'year': row 1 (line 2 of the file): '1.5' is not a whole number"),
        ("Servers,hardwear,1,initial,implementation,10\n", "'hardwear' is not one of licenses, maintenance"),
        ("Servers,hardware,1,initial,implementation,10\nDesks,other,2,ongoing,operations,\n", "column 'amount': row 2 (line 3 of the file) is empty"),
    ],
)
def test_corrupted_csv_names_file_column_and_row(tmp_path, body, message):
    bad = tmp_path / "crm_costs.csv"
    bad.write_text(HEADER + body, encoding="utf-8")
    with pytest.raises(DatasetError) as info:
        datasets.read_csv(bad, "crm_costs")
    assert str(bad) in str(info.value)
    assert message in str(info.value)


def test_missing_extra_and_unreadable_columns(tmp_path):
    with pytest.raises(DatasetError, match=r"missing column\(s\) \['amount'\]"):
        datasets.read_csv(io.StringIO("item,component,year,phase,purpose\nx,other,1,initial,operations\n"),
                          "crm_costs")
    with pytest.raises(DatasetError, match=r"unexpected column\(s\) \['note'\]"):
        datasets.read_csv(io.StringIO(HEADER.strip() + ",note\nx,other,1,initial,operations,5,hi\n"), "crm_costs")
    with pytest.raises(DatasetError, match="not a readable CSV"):
        datasets.read_csv(io.StringIO(""), "crm_costs")
    with pytest.raises(DatasetError, match="'2024-13-01' is not a date"):
        datasets.read_csv(io.StringIO("customer_id,date,amount,channel\nC1,2024-13-01,5,app\n"), "transactions")


def test_non_editable_install_finds_its_data(tmp_path):
    """A wheel carries the CSVs and the dictionary; load() works from any working directory."""
    wheel_dir, target = tmp_path / "wheel", tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(wheel_dir), str(ROOT)], check=True, capture_output=True)
    wheel = next(wheel_dir.glob("crmlab-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    code = ("import crmlab.datasets as d, pathlib; f = d.load('transactions'); "
            "print(pathlib.Path(d.__file__).parent.parent == pathlib.Path(%r), len(f), d._data_dir().name)" % str(target))
    out = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(target)!r}); {code}"],
                         cwd=tmp_path, check=True, capture_output=True, text=True).stdout.split()
    assert out == ["True", str(len(datasets.load("transactions"))), "_datasets"]
