"""Disclosure formats: Hugging Face model card metadata and SCI (ISO/IEC 21031:2024)."""

from __future__ import annotations

import json

import pytest
import yaml
from click.testing import CliRunner

from footprint.cli import cli
from footprint.cli.commands._options import RESULT_FORMATS as CLI_FORMATS
from footprint.render.report import RESULT_FORMATS

COMMANDS = {
    "estimate": [
        "estimate",
        "-a",
        "H100-SXM",
        "--gpu-hours",
        "39.3e6",
        "-r",
        "US",
        "--year",
        "2023",
    ],
    "train": [
        "train",
        "-a",
        "H100-SXM",
        "-m",
        "llama-3-70b",
        "--tokens",
        "15T",
        "--gpu-hours",
        "6.4e6",
        "-r",
        "US",
        "--year",
        "2023",
    ],
    "infer": [
        "infer",
        "-m",
        "llama-3.1-8b",
        "-n",
        "1e9 request/day",
        "--output-tokens",
        "300",
        "-r",
        "US",
        "--year",
        "2023",
    ],
    "energy": ["estimate", "--energy", "257 MWh", "-r", "FR", "--year", "2022"],
}


def run(args: list[str]) -> str:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return result.output


def test_the_option_offers_what_the_renderer_writes() -> None:
    assert tuple(CLI_FORMATS) == tuple(RESULT_FORMATS)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_model_card_yaml_parses_and_holds_the_json_grams(name) -> None:
    args = COMMANDS[name]
    card = run([*args, "--format", "hf-model-card"])
    front = card.split("---\n")[1]
    meta = yaml.safe_load(front)["co2_eq_emissions"]
    kg = json.loads(run([*args, "--format", "json"]))["results"]["co2e"]["value"]
    assert meta["emissions"] == pytest.approx(kg * 1000, rel=1e-12)
    assert {"source", "geographical_location", "hardware_used"} <= set(meta)
    assert "## Environmental impact" in card and "boundary" in card
    if name == "train":
        assert meta["training_type"] == "pre-training"


def test_model_card_escapes_user_strings() -> None:
    card = run(
        [
            "estimate",
            "--energy",
            "10 MWh",
            "-r",
            "FR",
            "--intensity",
            "50 g/kWh",
            "--format",
            "hf-model-card",
        ]
    )
    yaml.safe_load(card.split("---\n")[1])  # still valid YAML
    assert "<script" not in card


@pytest.mark.parametrize("name", ["estimate", "infer"])
def test_sci_is_e_times_i_plus_m_per_r(name) -> None:
    doc = json.loads(run([*COMMANDS[name], "--format", "json"]))["results"]
    text = run([*COMMANDS[name], "--format", "sci"])
    e = doc["facility_energy"]["value"]
    m = doc["embodied_co2e"]["value"] * 1000
    co2e_g = doc["co2e"]["value"] * 1000
    r = doc["requests"]["value"] if name == "infer" else 1.0
    sci = (co2e_g + m) / r  # E x I is the location-based CO2e
    unit = "request" if name == "infer" else "run"
    line = next(ln for ln in text.splitlines() if ln.startswith("| **SCI**"))
    shown = float(line.split("**")[3].split()[0].replace(",", ""))
    assert shown == pytest.approx(sci, rel=1e-3) and f"per {unit}" in line
    assert f"{e:,.0f}".split(",")[0] in text


def test_sci_shows_the_range_with_uncertainty() -> None:
    text = run([*COMMANDS["estimate"], "--format", "sci", "--uncertainty"])
    assert "SCI, 90% range" in text


def test_disclosures_need_one_run() -> None:
    out = CliRunner().invoke(
        cli,
        [
            "infer",
            "-m",
            "llama-3.1-8b",
            "-m",
            "llama-3.1-70b",
            "-n",
            "1e6",
            "--output-tokens",
            "30",
            "--format",
            "sci",
        ],
    )
    assert out.exit_code == 2 and "one model" in out.output


@pytest.mark.parametrize("name", ["train", "energy"])
def test_eu_ai_act_json_block_holds_the_estimate(name) -> None:
    args = COMMANDS[name]
    text = run([*args, "--format", "eu-ai-act"])
    block = json.loads(text.split("```json\n")[1].split("```")[0])
    doc = json.loads(run([*args, "--format", "json"]))["results"]
    energy = block["energy_consumption"]
    assert energy["value_mwh"] == pytest.approx(doc["facility_energy"]["value"] / 1000)
    assert energy["status"] == ("measured" if name == "energy" else "estimated")
    assert "Annex XI" in block["regulation"] and block["methodology"]
    for factor in block["factors"].values():
        assert factor["source"]  # every factor with its source
    if name == "train":
        res = block["computational_resources"]
        assert res["training_flops"] == pytest.approx(doc["training_flops"]["value"])
        assert res["accelerator_hours"] == pytest.approx(doc["accelerator_hours"]["value"])


def boamps_validator():
    """A validator of the BoAmps 1.1.0 report schema, its $refs served from tests/data."""
    from pathlib import Path

    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    root = Path(__file__).parent / "data" / "boamps"
    base = "https://raw.githubusercontent.com/Boavizta/BoAmps/main/model/"
    schemas = {
        name: json.loads((root / f"{name}_schema.json").read_text())
        for name in ("report", "algorithm", "dataset", "hardware", "measure")
    }
    registry = Registry().with_resources(
        (base + f"{name}_schema.json", Resource.from_contents(s, default_specification=DRAFT4))
        for name, s in schemas.items()
    )
    return jsonschema.Draft4Validator(schemas["report"], registry=registry)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_boamps_report_validates_against_the_published_schema(name) -> None:
    report = json.loads(run([*COMMANDS[name], "--format", "boamps"]))
    errors = sorted(boamps_validator().iter_errors(report), key=str)
    assert not errors, [e.message for e in errors]
    doc = json.loads(run([*COMMANDS[name], "--format", "json"]))["results"]
    assert report["measures"][0]["powerConsumption"] == pytest.approx(
        doc["facility_energy"]["value"]
    )
    assert report["header"]["formatVersion"] == "1.1.0"
    again = json.loads(run([*COMMANDS[name], "--format", "boamps"]))
    assert again["header"]["reportId"] == report["header"]["reportId"]  # same inputs, same id


def test_boamps_validator_catches_a_broken_report() -> None:
    """The $refs resolve: a measure without its method, a fractional count, fail."""
    report = json.loads(run([*COMMANDS["energy"], "--format", "boamps"]))
    del report["measures"][0]["measurementMethod"]
    report["infrastructure"]["components"][0]["nbComponent"] = 1.5
    messages = {e.message for e in boamps_validator().iter_errors(report)}
    assert messages == {
        "'measurementMethod' is a required property",
        "1.5 is not of type 'integer'",
    }


def test_ghg_protocol_scope_follows_who_runs_the_facility() -> None:
    own = run([*COMMANDS["estimate"], "--format", "hf-model-card"])
    assert "GHG Protocol: Scope 2 for the operator of the facility" in own
    cloud = run(
        [
            "estimate",
            "-a",
            "H100-SXM",
            "--gpu-hours",
            "1000",
            "-r",
            "aws:us-east-1",
            "--format",
            "sci",
        ]
    )
    assert "Scope 3, category 1 (purchased goods and services: cloud compute)" in cloud
    assert "lifecycle" in own or "combustion" in own  # the factor's basis is said
