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


def test_the_plan_is_passed_on_to_the_checks_that_need_it(preflight):
    plan = {
        "services": {"traefik": {"host": "lab1", "published": [{"published": 80}, {"published": 443}]}},
        "platform": {"entry_proxy": "traefik"},
    }
    (error,) = preflight({"mediastack_entry_bind_address": "192.0.2.7"}, host="lab1", plan=plan)
    assert error.startswith("Invalid inventory variable mediastack_entry_bind_address for host lab1:")
    with pytest.raises(AnsibleFilterError, match=r"^preflight_errors: expected the plan \(a mapping\), got list"):
        preflight({}, host="lab1", plan=[])
