"""Static files: hashed, compressed names (gzip and Brotli) once ``collectstatic`` has run, served by
WhiteNoise with far-future cache headers; the plain name before it has run (tests, ``run --dev``),
served from the package through WhiteNoise's finders."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def stored_name(self, name: str) -> str:
        try:
            return str(super().stored_name(name))
        except ValueError:  # not collected: neither in the manifest nor under STATIC_ROOT
            return name
