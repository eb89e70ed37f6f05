"""The container's ``Prefer`` header (RFC 7240, as the W3C protocol uses it)."""

from __future__ import annotations

import re
from dataclasses import dataclass

MINIMAL = "http://www.w3.org/ns/ldp#PreferMinimalContainer"
IRIS = "http://www.w3.org/ns/oa#PreferContainedIRIs"
DESCRIPTIONS = "http://www.w3.org/ns/oa#PreferContainedDescriptions"
_INCLUDE = re.compile(r'include\s*=\s*"([^"]*)"', re.I)


@dataclass(frozen=True)
class ContainerPreference:
    minimal: bool = False  # no embedded page: first and last as IRIs
    iris: bool = False  # pages list IRIs rather than descriptions
    applied: bool = False


def container_preference(header: str) -> ContainerPreference:
    if "return=representation" not in header.replace(" ", "").lower():
        return ContainerPreference()
    included = {iri for found in _INCLUDE.findall(header) for iri in found.split()}
    minimal = MINIMAL in included
    iris = IRIS in included and DESCRIPTIONS not in included
    return ContainerPreference(
        minimal=minimal, iris=iris, applied=bool(included & {MINIMAL, IRIS, DESCRIPTIONS})
    )
