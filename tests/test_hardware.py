"""The accelerator catalogue lookup: names, aliases and bad names."""

import pytest

import footprint as fp
from footprint.catalogues.hardware import get_accelerator
from footprint.core.errors import InputError, UnknownNameError


@pytest.mark.parametrize("name", [5, None, "", "   "])
def test_non_names_are_input_errors(name):
    """5 and None raised AttributeError; " " listed unrelated suggestions (regression)."""
    with pytest.raises(InputError, match="accelerator: expected an accelerator name"):
        get_accelerator(name)
    with pytest.raises(InputError):
        fp.GpuJob(name, gpu_hours=1)


def test_unknown_name_suggests_close_matches():
    with pytest.raises(UnknownNameError, match="H100"):
        get_accelerator("H100-SMX")


def test_aliases_ignore_case_spaces_and_hyphens():
    assert get_accelerator("h100 sxm").name == get_accelerator("H100-SXM").name
