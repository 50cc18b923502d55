# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: jellyfin_hwaccel
short_description: Choose Jellyfin's hardware acceleration from a host's GPU facts
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Returns the hardware options of M(newmedia.mediastack.jellyfin_encoding), by option name.
  - An NVIDIA GPU with its container runtime gives C(nvenc), and wins over an integrated GPU on the
    same host.
  - An Intel GPU with a render node gives C(qsv). On Linux QSV sits on top of VAAPI on the same
    render node and adds Intel's encoders and VPP tone mapping, so it beats plain VAAPI on every
    Intel GPU from Broadwell (5th generation) on; older Intel GPUs are not supported by the QSV
    runtime Jellyfin ships, and give C(vaapi) when the facts say C(qsv=false).
  - An AMD GPU with a render node gives C(vaapi) (AMF is for Windows).
  - Anything else (no render node, NVIDIA without its runtime, another vendor) gives C(none),
    transcoding on the CPU.
options:
  _input:
    description:
      - The host's GPU facts, a mapping with these keys.
      - C(nvidia) (bool) - an NVIDIA GPU and the NVIDIA container runtime are present.
      - C(render_nodes) (list of paths) - the host's C(/dev/dri/renderD*) nodes; the first is used.
      - C(vendor) (str) - the maker of the render node's GPU, C(intel), C(amd) or C(nvidia), or a
        PCI vendor id such as C(0x8086) as C(/sys/class/drm/renderD128/device/vendor) gives it;
        empty when there is none.
      - C(qsv) (bool, optional, default true) - false chooses VAAPI on an Intel GPU older than
        Broadwell.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Transcode on the host's GPU
  newmedia.mediastack.jellyfin_encoding:
    url: http://jellyfin:8096
    api_key: "{{ jellyfin_api_key_result.api_key }}"
    hardware_acceleration: "{{ jellyfin_hwaccel.hardware_acceleration }}"
    vaapi_device: "{{ jellyfin_hwaccel.vaapi_device }}"
    enable_hardware_encoding: "{{ jellyfin_hwaccel.enable_hardware_encoding }}"
    hardware_decoding_codecs: "{{ jellyfin_hwaccel.hardware_decoding_codecs }}"
    enable_tonemapping: "{{ jellyfin_hwaccel.enable_tonemapping }}"
    enable_vpp_tonemapping: "{{ jellyfin_hwaccel.enable_vpp_tonemapping }}"
  vars:
    jellyfin_hwaccel: >-
      {{ {'nvidia': false, 'render_nodes': ['/dev/dri/renderD128'], 'vendor': 'intel'}
         | newmedia.mediastack.jellyfin_hwaccel }}
"""

RETURN = r"""
_value:
  description:
    - C(hardware_acceleration), C(vaapi_device), C(enable_hardware_encoding),
      C(hardware_decoding_codecs), C(enable_decoding_10bit_hevc), C(enable_decoding_10bit_vp9),
      C(enable_tonemapping) and C(enable_vpp_tonemapping), as M(newmedia.mediastack.jellyfin_encoding)
      takes them.
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._hwaccel import HwaccelError, hwaccel_settings


def _jellyfin_hwaccel(facts):
    try:
        return hwaccel_settings(facts)
    except HwaccelError as error:
        raise AnsibleFilterError(f"jellyfin_hwaccel: {error}") from None


class FilterModule:
    """Jellyfin's hardware acceleration from GPU facts."""

    def filters(self):
        return {"jellyfin_hwaccel": _jellyfin_hwaccel}
