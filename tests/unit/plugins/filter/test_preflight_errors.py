"""The preflight_errors filter as Ansible loads it: a thin wrapper over the pure check."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.newmedia.mediastack.plugins.filter.preflight_errors import FilterModule


@pytest.fixture(name="preflight")
def fixture_preflight():
    return FilterModule().filters()["preflight_errors"]


def test_sound_variables_give_no_errors(preflight):
    assert preflight({"mediastack_puid": 1000}, host="lab1") == []


def test_errors_name_the_host_and_variable(preflight):
    (error,) = preflight({"mediastack_data_root": "data"}, host="lab1")
    assert error.startswith("Invalid inventory variable mediastack_data_root for host lab1:")


def test_non_mapping_input_raises_a_filter_error(preflight):
    with pytest.raises(AnsibleFilterError, match=r"^preflight_errors: expected a host's variables"):
        preflight(["not", "a", "mapping"])
