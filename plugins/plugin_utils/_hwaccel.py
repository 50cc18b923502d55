# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Choosing Jellyfin's hardware acceleration from a host's GPU facts.

A pure function: it takes a mapping of facts and returns the options of
``newmedia.mediastack.jellyfin_encoding`` (by option name). The rules, after Jellyfin's
hardware acceleration guide:

- NVIDIA with the container runtime present -> ``nvenc``. It wins over an integrated GPU on the
  same host: NVENC sessions are faster and CUDA tone mapping needs no extra runtime.
- Intel with a render node -> ``qsv``. On Linux QSV runs on top of VAAPI on the same render node
  and adds Intel's own encoders and VPP tone mapping, so it is faster and better than plain VAAPI
  on every Intel GPU from Broadwell (5th generation) on. Older Intel GPUs are not supported by the
  oneVPL runtime Jellyfin ships; for those give ``qsv: false`` and VAAPI is chosen.
- AMD with a render node -> ``vaapi`` (Mesa's radeonsi driver; AMF is for Windows).
- Anything else (no GPU, no render node, NVIDIA without its runtime, other vendors) -> ``none``.
"""

from __future__ import annotations

from collections.abc import Mapping

#: PCI vendor ids as /sys/class/drm/*/device/vendor gives them.
PCI_VENDORS = {"0x8086": "intel", "0x1002": "amd", "0x1022": "amd", "0x10de": "nvidia"}
ALL_CODECS = ["h264", "hevc", "mpeg2video", "mpeg4", "vc1", "vp8", "vp9", "av1"]
INTEL_CODECS = ["h264", "hevc", "mpeg2video", "vc1", "vp8", "vp9", "av1"]
INTEL_LEGACY_CODECS = ["h264", "mpeg2video", "vc1"]
AMD_CODECS = ["h264", "hevc", "mpeg2video", "vc1", "vp9", "av1"]


class HwaccelError(ValueError):
    """The facts are not in the documented shape."""


def software() -> dict:
    """The settings that transcode on the CPU."""
    return {
        "hardware_acceleration": "none",
        "vaapi_device": "",
        "enable_hardware_encoding": False,
        "hardware_decoding_codecs": [],
        "enable_decoding_10bit_hevc": False,
        "enable_decoding_10bit_vp9": False,
        "enable_tonemapping": False,
        "enable_vpp_tonemapping": False,
    }


def _gpu(kind: str, device: str, codecs: list[str], ten_bit: bool, vpp: bool) -> dict:
    return {
        "hardware_acceleration": kind,
        "vaapi_device": device,
        "enable_hardware_encoding": True,
        "hardware_decoding_codecs": list(codecs),
        "enable_decoding_10bit_hevc": ten_bit,
        "enable_decoding_10bit_vp9": ten_bit,
        "enable_tonemapping": True,
        "enable_vpp_tonemapping": vpp,
    }


def _checked(facts) -> tuple[bool, list[str], str, bool]:
    if not isinstance(facts, Mapping):
        raise HwaccelError(f"expected a mapping of GPU facts, got {type(facts).__name__}")
    nvidia = facts.get("nvidia", False)
    if not isinstance(nvidia, bool):
        raise HwaccelError(f"'nvidia' must be true or false, got {nvidia!r}")
    nodes = facts.get("render_nodes") or []
    if isinstance(nodes, str) or not isinstance(nodes, list) or not all(isinstance(n, str) for n in nodes):
        raise HwaccelError(f"'render_nodes' must be a list of device paths, got {nodes!r}")
    vendor = facts.get("vendor") or ""
    if not isinstance(vendor, str):
        raise HwaccelError(f"'vendor' must be a string such as intel, amd or nvidia, got {vendor!r}")
    vendor = vendor.strip().lower()
    vendor = PCI_VENDORS.get(vendor, vendor)
    qsv = facts.get("qsv", True)
    if not isinstance(qsv, bool):
        raise HwaccelError(f"'qsv' must be true or false, got {qsv!r}")
    return nvidia, [node for node in nodes if node], vendor, qsv


def hwaccel_settings(facts) -> dict:
    """The jellyfin_encoding options for a host with ``facts``.

    ``facts``: ``nvidia`` (bool: an NVIDIA GPU and its container runtime are present),
    ``render_nodes`` (list of ``/dev/dri/renderD*`` paths, the first is used), ``vendor`` (the
    render node's GPU maker: ``intel``, ``amd``, ``nvidia``, a PCI vendor id like ``0x8086``, or
    empty), and optionally ``qsv`` (bool, default true: false picks VAAPI on an old Intel GPU).
    """
    nvidia, nodes, vendor, qsv = _checked(facts)
    if nvidia:
        return _gpu("nvenc", "", ALL_CODECS, ten_bit=True, vpp=False)
    if not nodes:
        return software()
    if vendor == "intel":
        if qsv:
            return _gpu("qsv", nodes[0], INTEL_CODECS, ten_bit=True, vpp=True)
        return _gpu("vaapi", nodes[0], INTEL_LEGACY_CODECS, ten_bit=False, vpp=False)
    if vendor == "amd":
        return _gpu("vaapi", nodes[0], AMD_CODECS, ten_bit=True, vpp=False)
    return software()
