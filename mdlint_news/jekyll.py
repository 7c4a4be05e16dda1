"""What a Jekyll site's ``_config.yml`` says about its public URLs: the permalink patterns of
the site, of its collections and of its front-matter defaults. Read from the configuration's
folder (the repository root) by the settings; rules see the result in the profile, never the
file. The file is the site's, not ours: one that cannot be read or parsed says nothing."""

from __future__ import annotations

from pathlib import Path

import yaml

from .profile import read_small_file

CONFIG_NAME = "_config.yml"
CONFIG_MAX_BYTES = 1_000_000
# Jekyll's built-in permalink styles, as patterns
STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}


def site_permalinks(root: Path) -> str:
    """The permalink patterns of the site at ``root``, space-separated ('' when there are none,
    or no readable ``_config.yml``)."""
    try:
        data = yaml.load(read_small_file(root / CONFIG_NAME, CONFIG_MAX_BYTES),
                         Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, ValueError, yaml.YAMLError, RecursionError):
        return ""
    return " ".join(STYLES.get(p, p) for p in _patterns(data))


def _patterns(data) -> list[str]:
    if not isinstance(data, dict):
        return []
    found = [data.get("permalink")]
    collections = data.get("collections")
    if isinstance(collections, dict):
        found += [c.get("permalink") for c in collections.values() if isinstance(c, dict)]
    defaults = data.get("defaults")
    if isinstance(defaults, list):
        found += [d["values"].get("permalink") for d in defaults
                  if isinstance(d, dict) and isinstance(d.get("values"), dict)]
    return [p for p in found if isinstance(p, str)]
