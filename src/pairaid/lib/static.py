"""Static files named by the hash of their content once collected, plain names before.

`pairaid serve` runs `collectstatic` (compressed copies, a manifest of hashed names) and
WhiteNoise sends those names with a ten-year cache lifetime. Anything that renders a page
before a collectstatic — a test, `pairaid shell`, a report — gets the plain name, which
WhiteNoise serves from the apps' folders (WHITENOISE_USE_FINDERS).
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


# (whitenoise ships no types: its class is Any to the checker.)
class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    manifest_strict = False

    def stored_name(self, name: str) -> str:
        if not self.hashed_files:  # nothing collected (yet): the plain name
            return name
        stored: str = super().stored_name(name)
        return stored
