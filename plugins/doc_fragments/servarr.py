# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options shared by the Servarr modules (Sonarr, Radarr, Lidarr, Readarr, Prowlarr)."""

from __future__ import annotations


class ModuleDocFragment:
    """Documentation fragments of newmedia.mediastack's Servarr modules."""

    # Which app, where, and its API key.
    DOCUMENTATION = r"""
seealso:
  - name: Sonarr API
    link: https://sonarr.tv/docs/api/
    description: The Sonarr API reference, for O(app=sonarr).
  - name: Radarr API
    link: https://radarr.video/docs/api/
    description: The Radarr API reference, for O(app=radarr).
  - name: Lidarr API
    link: https://lidarr.audio/docs/api/
    description: The Lidarr API reference, for O(app=lidarr).
  - name: Readarr API
    link: https://readarr.com/docs/api/
    description: The Readarr API reference, for O(app=readarr).
  - name: Prowlarr API
    link: https://prowlarr.com/docs/api/
    description: The Prowlarr API reference, for O(app=prowlarr).
options:
  app:
    description:
      - The application. Sonarr and Radarr speak C(/api/v3); Lidarr, Readarr and Prowlarr C(/api/v1).
      - The module checks that O(url) answers as this application.
    type: str
    required: true
    choices: [lidarr, prowlarr, radarr, readarr, sonarr]
  url:
    description:
      - Base URL of the application as the host running the task reaches it, with its URL base if
        it has one, for example C(http://sonarr:8989) or C(https://media.example.com/sonarr).
    type: str
    required: true
  api_key:
    description:
      - The application's API key (C(ApiKey) in its C(config.xml), or its C(<APP>__AUTH__APIKEY)
        setting), sent as C(X-Api-Key).
    type: str
    required: true
notes:
  - Everything the task names (tags, profiles, custom formats, qualities) is looked up by name
    before anything is written; a name the application does not have fails the task naming the
    option, and nothing changes.
"""

    # Whether the object exists.
    STATE = r"""
options:
  state:
    description: Whether the object exists. V(absent) removes it; removing one that is not there changes nothing.
    type: str
    choices: [present, absent]
    default: present
"""

    # Objects carrying secrets the application answers masked.
    SECRETS = r"""
options:
  update_secrets:
    description:
      - The applications answer a stored password or API key as C(********), so its value cannot be
        compared. By default such a masked secret is neither compared nor sent (the application
        keeps it); a secret that is not set yet, or that the application answers in clear, is
        compared and set like any value. New objects get every secret given.
      - With V(true), the given secrets are sent even where masked; as they cannot be compared, the
        task then reports a change on every run. Use it once after rotating a secret.
    type: bool
    default: false
"""

    # Providers that test their peer when saved.
    FORCE_SAVE = r"""
options:
  force_save:
    description:
      - When the object is enabled, the application tests the connection to its peer on every create
        and update and refuses to save if the test fails. V(true) saves anyway, for wiring a peer that
        is not up yet (the first run of a new stack).
    type: bool
    default: false
"""

    # Objects built on one of the application's implementations, with fields and tags:
    # download clients, indexers, notifications and Prowlarr's applications.
    PROVIDER = r"""
options:
  name:
    description: The object's name in the application, unique there.
    type: str
    required: true
  implementation:
    description: What the object is, as the application names its implementation. Required to create one.
    type: str
  fields:
    description:
      - The object's settings by field name, as the application names them (camelCase).
      - A name the implementation does not have fails the task.
    type: dict
    default: {}
  secret_fields:
    description: Fields holding secrets, such as C(password) or C(apiKey); kept out of logs. See O(update_secrets).
    type: dict
    default: {}
  tags:
    description: Names of the object's tags. Omit to leave them as they are.
    type: list
    elements: str
"""
