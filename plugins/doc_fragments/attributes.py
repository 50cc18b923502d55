# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Attributes shared by the modules that wire the apps."""

from __future__ import annotations


class ModuleDocFragment:
    """Documentation fragments of newmedia.mediastack's module attributes.

    A module names the attributes whose description it makes more precise; the rest come from here.
    """

    # Full check and diff mode, idempotent.
    DOCUMENTATION = r"""
attributes:
  check_mode:
    support: full
    description: In check mode nothing is written; the result tells what would change.
  diff_mode:
    support: full
    description: The diff shows what the task manages, before and after, secrets masked.
  idempotent:
    support: full
    description: A second run with the same options changes nothing.
"""
