"""Fixtures of the module tests: SABnzbd, real and stand-in."""

from __future__ import annotations

import pytest

from tests.contract.sabnzbd import SabnzbdStandIn, SabnzbdState

from .download_clients import SabnzbdServer, SabnzbdStandInReader, sabnzbd_seed


@pytest.fixture(params=["real", "standin"])
def sabnzbd(request, tmp_path):
    """A SABnzbd started from the collection's seed: Debian's sabnzbdplus (``real``, SABnzbd 3.7) or the
    contract stand-in (``standin``, modelled on 4.5/5.0). A test limited to one of them says why with
    ``@pytest.mark.parametrize("sabnzbd", [...], indirect=True)``."""
    if request.param == "real":
        server = SabnzbdServer(tmp_path / "sabnzbd")
        try:
            yield server.start()
        finally:
            server.stop()
        return
    with SabnzbdStandIn(SabnzbdState.from_ini(sabnzbd_seed(8085))) as stand_in:
        reader = SabnzbdStandInReader(stand_in)
        yield reader
        assert reader.violations == []
