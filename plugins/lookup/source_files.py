# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: source_files
short_description: The text files of a source folder on the controller, by path relative to it
version_added: 0.1.0
author: newmedia.mediastack maintainers (@newmedia)
description:
  - Reads every regular file under a folder on the controller, hidden ones included, and returns
    one mapping of its path relative to the folder to its text.
  - The deploy writes these files to a host as they are, so they stay under version control on the
    controller. The collection reads the source of Traefik's CrowdSec bouncer plugin this way when
    C(mediastack_crowdsec_bouncer_plugin_source) names one.
  - Fails, naming the variable given in O(variable), when the folder is missing, when it lacks one
    of the files named in O(required), when a file is not UTF-8 text, is a symbolic link, or when
    the folder holds more than O(max_bytes) bytes.
options:
  _terms:
    description: The folder, one term.
    type: list
    elements: str
    required: true
  variable:
    description: The inventory variable that named the folder, for the error messages.
    type: str
    default: the folder
  required:
    description: Files (relative paths) the folder must hold.
    type: list
    elements: str
    default: []
  max_bytes:
    description: The most bytes the folder's files may hold together.
    type: int
    default: 4194304
"""

EXAMPLES = r"""
- name: Show the files of a local plugin source
  ansible.builtin.debug:
    msg: "{{ lookup('newmedia.mediastack.source_files', '/srv/plugins/bouncer', required=['.traefik.yml']) | list }}"
"""

RETURN = r"""
_raw:
  description: One mapping of relative path to text.
  type: list
  elements: dict
"""

from pathlib import Path

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._sources import source_files


class LookupModule(LookupBase):
    """Return the files of a source folder."""

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        if len(terms) != 1:
            raise AnsibleLookupError(f"source_files: give one folder, not {len(terms)} terms")
        variable = self.get_option("variable")
        try:
            return [
                source_files(
                    Path(str(terms[0])), variable, list(self.get_option("required")), self.get_option("max_bytes")
                )
            ]
        except (OSError, ValueError) as error:
            raise AnsibleLookupError(f"source_files: {error}") from error
