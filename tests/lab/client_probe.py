"""The LAN client's requests: run inside the lab's client container (`lab.py client`), whose names
resolve to the entry's address and which has no route but the LAN.

Reads {"root": PEM path, "requests": [{"scheme", "host", "path"}, ...]} as JSON on stdin and
prints one JSON result per request: status, Location, whether the certificate verified against
the root with hostname checking, its issuer, and the error when the request failed. Standard
library only (Debian's python3 in the client); every request has a timeout; nothing is followed.
"""

from __future__ import annotations

import http.client
import json
import ssl
import sys

TIMEOUT_S = 10


def issuer_of(certificate: dict) -> str:
    """The issuer's common name of a verified peer certificate."""
    for rdn in certificate.get("issuer", ()):
        for key, value in rdn:
            if key == "commonName":
                return value
    return ""


def request(context: ssl.SSLContext, item: dict) -> dict:
    """One GET, as a browser on the LAN would send it, without following a redirect."""
    result = {**item, "status": None, "location": "", "verified": False, "issuer": "", "error": ""}
    host, path = item["host"], item["path"]
    try:
        if item["scheme"] == "https":
            connection = http.client.HTTPSConnection(host, 443, timeout=TIMEOUT_S, context=context)
        else:
            connection = http.client.HTTPConnection(host, 80, timeout=TIMEOUT_S)
        connection.request("GET", path, headers={"Accept": "text/html", "User-Agent": "mediastack-lab-client"})
        if item["scheme"] == "https":
            result["verified"] = True  # the handshake verified chain and hostname, or raised
            result["issuer"] = issuer_of(connection.sock.getpeercert() or {})
        answer = connection.getresponse()
        answer.read()
        result["status"] = answer.status
        result["location"] = answer.getheader("Location", "")
        connection.close()
    except (OSError, http.client.HTTPException) as error:
        result["error"] = f"{type(error).__name__}: {error}"
    return result


def main() -> int:
    order = json.load(sys.stdin)
    context = ssl.create_default_context(cafile=order["root"])
    context.check_hostname = True
    context.verify_mode = ssl.CERT_REQUIRED
    results = [request(context, item) for item in order["requests"]]
    json.dump(results, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
