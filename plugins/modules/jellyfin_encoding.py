#!/usr/bin/python
# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: jellyfin_encoding
short_description: Set Jellyfin's transcoding and hardware acceleration settings
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Reads the encoding settings (C(GET /System/Configuration/encoding)), lays the options given
    over them and writes the whole object back (C(POST /System/Configuration/encoding)) when
    something differs. Options left out keep the server's values.
  - The filter P(newmedia.mediastack.jellyfin_hwaccel#filter) chooses the hardware options from the
    host's GPU facts; its result names these options.
  - The container must be given the device (C(/dev/dri) for VAAPI and QSV, the NVIDIA runtime for
    NVENC); this module only sets what Jellyfin uses.
extends_documentation_fragment:
  - newmedia.mediastack.jellyfin
  - newmedia.mediastack.jellyfin.CREDENTIALS
  - newmedia.mediastack.connection
  - newmedia.mediastack.attributes
attributes:
  diff_mode:
    description: The diff shows the managed settings before and after.
options:
  hardware_acceleration:
    description: The acceleration API (C(HardwareAccelerationType)); C(none) transcodes in software.
    type: str
    choices: [none, amf, qsv, nvenc, v4l2m2m, vaapi, videotoolbox, rkmpp]
  vaapi_device:
    description: The render node VAAPI (and QSV on Linux) opens, for example C(/dev/dri/renderD128).
    type: str
  qsv_device:
    description: The device QSV opens, when it is not the VAAPI one.
    type: str
  enable_hardware_encoding:
    description: Whether the GPU also encodes (else it only decodes).
    type: bool
  hardware_decoding_codecs:
    description: The codecs the GPU decodes, for example C([h264, hevc, vp9, av1]); the order does not matter.
    type: list
    elements: str
  enable_decoding_10bit_hevc:
    description: Whether the GPU decodes 10-bit HEVC.
    type: bool
  enable_decoding_10bit_vp9:
    description: Whether the GPU decodes 10-bit VP9.
    type: bool
  enable_tonemapping:
    description: Whether HDR is tone-mapped to SDR on the GPU (OpenCL or CUDA).
    type: bool
  enable_vpp_tonemapping:
    description: Whether Intel's VPP tone mapping is used (QSV and VAAPI on Intel).
    type: bool
  allow_hevc_encoding:
    description: Whether transcodes may be encoded as HEVC.
    type: bool
  allow_av1_encoding:
    description: Whether transcodes may be encoded as AV1.
    type: bool
  transcoding_temp_path:
    description: Where transcodes are written, for example the container's C(/cache/transcodes).
    type: str
  extra_options:
    description:
      - Further fields of Jellyfin's C(EncodingOptions), by their Jellyfin names (for example
        C(EnableThrottling)), laid over the server's values as they are.
    type: dict
seealso:
  - module: newmedia.mediastack.jellyfin_api_key
    description: Another step of Jellyfin's setup.
  - module: newmedia.mediastack.jellyfin_library
    description: Another step of Jellyfin's setup.
  - module: newmedia.mediastack.jellyfin_startup
    description: Another step of Jellyfin's setup.
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
  vars:
    jellyfin_hwaccel: >-
      {{ {'nvidia': false, 'render_nodes': ['/dev/dri/renderD128'], 'vendor': 'intel'}
         | newmedia.mediastack.jellyfin_hwaccel }}

- name: Transcode in software
  newmedia.mediastack.jellyfin_encoding:
    url: http://jellyfin:8096
    api_key: "{{ jellyfin_api_key_result.api_key }}"
    hardware_acceleration: none
"""

RETURN = r"""
encoding:
  description: The managed settings after the run, by option name.
  returned: success
  type: dict
  sample:
    hardware_acceleration: vaapi
    vaapi_device: /dev/dri/renderD128
    enable_hardware_encoding: true
    hardware_decoding_codecs: [h264, hevc]
    enable_tonemapping: false
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.newmedia.mediastack.plugins.module_utils._api import run
from ansible_collections.newmedia.mediastack.plugins.module_utils._jellyfin import (
    CREDENTIAL_RULES,
    HARDWARE_ACCELERATION,
    connect,
    connection_options,
    ensure_encoding,
)


def main():
    argument_spec = connection_options()
    argument_spec.update(
        hardware_acceleration={"type": "str", "choices": list(HARDWARE_ACCELERATION)},
        vaapi_device={"type": "str"},
        qsv_device={"type": "str"},
        enable_hardware_encoding={"type": "bool"},
        hardware_decoding_codecs={"type": "list", "elements": "str"},
        enable_decoding_10bit_hevc={"type": "bool"},
        enable_decoding_10bit_vp9={"type": "bool"},
        enable_tonemapping={"type": "bool"},
        enable_vpp_tonemapping={"type": "bool"},
        allow_hevc_encoding={"type": "bool"},
        allow_av1_encoding={"type": "bool"},
        transcoding_temp_path={"type": "str"},
        extra_options={"type": "dict"},
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        **CREDENTIAL_RULES,
        supports_check_mode=True,
    )
    run(module, lambda params, check_mode: ensure_encoding(connect(params), params, check_mode))


if __name__ == "__main__":
    main()
