"""What the package says about itself: licence, classifiers and addresses."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_the_license_file_is_the_mit_license_pyproject_declares() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")

    assert PROJECT["license"] == "MIT"
    assert text.startswith("MIT License\n")
    assert "Permission is hereby granted, free of charge" in text


def test_classifiers_name_the_supported_python_and_no_second_licence() -> None:
    classifiers = PROJECT["classifiers"]

    assert "Programming Language :: Python :: 3.11" in classifiers
    # Beside an SPDX licence expression, PEP 639 lets build tools refuse "License ::".
    assert not [c for c in classifiers if c.startswith("License ::")]


def test_project_urls_lead_somewhere_real() -> None:
    for label, target in PROJECT["urls"].items():
        assert (ROOT / target).is_file() or target.startswith("https://"), label
        assert "example" not in target, label
