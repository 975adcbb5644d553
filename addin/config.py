"""Local configuration: authority, school and ward lists, terms, suppression, store."""
from __future__ import annotations

import csv
import functools
import os
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

ENV_VAR = "SAFECONTEXT_CONFIG"
# A case code, never a name: letters, a hyphen and digits (HSB-0042). A regular expression, matched whole.
HSB_REFERENCE_PATTERN = "[A-Z]{2,5}-[0-9]{3,6}"
# The 'agency' of a partnership's agreed HSB audit scores (safecontext audit merge), offered beside the agencies.
PARTNERSHIP = "Partnership (agreed)"


class ConfigError(Exception):
    """A configuration file that cannot be used; the message says what to do."""


@dataclass(frozen=True)
class Config:
    authority: str
    schools: tuple[str, ...]
    wards: tuple[str, ...]
    store: str = "safecontext-store.sqlite"
    suppression_threshold: int = 5
    minimum_publishable_total: int = 20
    pgi_return_working_days: int = 10
    sites: tuple[str, ...] = ()       # the sites (areas, teams) meetings are held in; none listed: the authority
    agencies: tuple[str, ...] = ()    # the partnership's agencies (who completes an HSB audit); none: the statutory three
    hsb_reference_pattern: str = HSB_REFERENCE_PATTERN  # what an HSB framework's case code looks like
    analysis_key: str | None = None   # the secret key for hashed fields in exports (safecontext export)
    postcode_lookup: str | None = None
    terms: dict = field(default_factory=dict)
    path: Path | None = None  # the file it came from; None for the built-in demo

    def ward_for(self, postcode: str | None) -> str | None:
        """The ward of a postcode from the configured lookup file, or None (no file, or not listed)."""
        if not postcode or not self.postcode_lookup:
            return None
        return _postcode_wards(self.postcode_lookup).get(" ".join(postcode.upper().split()))

    def lists(self) -> dict[str, tuple[str, ...]]:
        """Configured drop-down lists, by the name a Field's `choices` refers to."""
        return {"schools": self.schools, "wards": self.wards, "sites": self.sites or (self.authority,),
                "agencies": (*(self.agencies or (self.authority, "Police", "Health")), PARTNERSHIP)}


@functools.lru_cache(maxsize=4)
def _postcode_wards(path: str) -> dict[str, str]:
    """postcode -> ward from a CSV with columns postcode,ward (read once)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as e:
        raise ConfigError(f"{path}: the postcode lookup file cannot be read ({e.strerror}). Fix "
                          "'postcode_lookup' in the configuration.") from None
    if rows and not {"postcode", "ward"} <= {k.strip().lower() for k in rows[0]}:
        raise ConfigError(f"{path}: the postcode lookup needs the columns postcode,ward.")
    out = {}
    for row in rows:
        row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        if row.get("postcode") and row.get("ward"):
            out[" ".join(row["postcode"].upper().split())] = row["ward"]
    return out


def demo_text() -> str:
    return resources.files("addin").joinpath("demo_config.toml").read_text(encoding="utf-8")


def demo_config() -> Config:
    """The built-in fictional authority, whatever configuration the user has."""
    return _parse(demo_text(), None)


def default_path() -> Path:
    """Where `safecontext init` writes and the tools look when nothing else is said."""
    base = os.environ.get("APPDATA") or os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "safecontext" / "config.toml"


def load_config(path: str | Path | None = None) -> Config:
    """The given file, else $SAFECONTEXT_CONFIG, else ./safecontext.toml, else the user's, else the demo."""
    candidates = [path, os.environ.get(ENV_VAR), "safecontext.toml", default_path()]
    for i, cand in enumerate(candidates):
        if not cand:
            continue
        p = Path(cand)
        if p.is_file():
            return _parse(p.read_text(encoding="utf-8"), p)
        if i < 2:  # named explicitly: say so rather than silently using another
            raise ConfigError(f"{p}: configuration file not found. Run 'safecontext init {p}' to create one.")
    return _parse(demo_text(), None)


def _parse(text: str, path: Path | None) -> Config:
    where = str(path) if path else "built-in demo configuration"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{where}: not a valid configuration file ({e}). Fix the line it names.") from None
    for key in ("authority", "schools", "wards"):
        if key not in data:
            raise ConfigError(f"{where}: '{key}' is missing. Add it (see 'safecontext init').")
    threshold = data.get("suppression_threshold", 5)
    if not isinstance(threshold, int) or threshold < 2:
        raise ConfigError(f"{where}: suppression_threshold must be a whole number of at least 2.")
    minimum = data.get("minimum_publishable_total", 20)
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 0:
        raise ConfigError(f"{where}: minimum_publishable_total must be a whole number of 0 or more.")
    days = data.get("pgi_return_working_days", 10)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 60:
        raise ConfigError(f"{where}: pgi_return_working_days must be a whole number from 1 to 60.")
    key = data.get("analysis_key")
    if key is not None and (not isinstance(key, str) or len(key) < 16):
        raise ConfigError(f"{where}: analysis_key must be a text of at least 16 characters (keep it secret).")
    sites = data.get("sites", [])
    if not isinstance(sites, list) or not all(isinstance(s, str) and s.strip() for s in sites):
        raise ConfigError(f"{where}: sites must be a list of names, e.g. sites = [\"North\", \"South\"].")
    agencies = data.get("agencies", [])
    if not isinstance(agencies, list) or not all(isinstance(a, str) and a.strip() and a.strip() != PARTNERSHIP
                                                 for a in agencies):
        raise ConfigError(f"{where}: agencies must be a list of names, e.g. agencies = [\"Police\", \"Health\"] "
                          f"(not '{PARTNERSHIP}', which is always offered).")
    pattern = data.get("hsb_reference_pattern", HSB_REFERENCE_PATTERN)
    try:
        re.compile(pattern)
    except (re.error, TypeError):
        raise ConfigError(f"{where}: hsb_reference_pattern is not a regular expression "
                          f"(the default is \"{HSB_REFERENCE_PATTERN}\").") from None
    store = str(data.get("store", "safecontext-store.sqlite"))
    lookup = data.get("postcode_lookup")
    if lookup and path is not None and not Path(lookup).is_absolute():
        lookup = str(path.parent / lookup)
    if lookup:
        _postcode_wards(str(lookup))  # a missing or malformed lookup is said now, not mid-batch
    if path is not None and "://" not in store and not Path(store).is_absolute():
        store = str(path.parent / store)
    return Config(
        authority=str(data["authority"]),
        schools=tuple(map(str, data["schools"])),
        wards=tuple(map(str, data["wards"])),
        store=store,
        suppression_threshold=threshold,
        minimum_publishable_total=minimum,
        pgi_return_working_days=days,
        sites=tuple(s.strip() for s in sites),
        agencies=tuple(a.strip() for a in agencies),
        hsb_reference_pattern=pattern,
        analysis_key=key,
        postcode_lookup=lookup,
        terms=dict(data.get("terms", {})),
        path=path,
    )
