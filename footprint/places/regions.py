"""Where compute runs: one resolver for countries, aggregates, sub-national zones and cloud regions.

``resolve_region`` accepts, case-insensitively:

- a country: ISO 3166-1 alpha-2 (``FR``) or alpha-3 (``FRA``) code, English name
  (``France``) or alias (``UK``, ``South Korea``);
- an aggregate (``WORLD``, ``EU``, ``EUROPE``, ``OECD``...);
- a sub-national zone: US state (``US-VA``, ``Virginia``), US balancing authority
  (``US-CAL-CISO``), US EPA eGRID subregion (``CAMX``, ``WECC California``), Canadian
  province (``CA-QC``), bidding zone (``SE-SE3``);
- a cloud region written ``provider:code`` (``aws:us-east-1``, ``gcp:europe-west1``,
  ``azure:westeurope``, ``oci:us-ashburn-1``, ``coreweave:us-east-04``,
  ``lambda:us-south-1``); a bare code (``us-east-1``) works when one of AWS, Google Cloud,
  Azure and OCI has it (CoreWeave and Lambda reuse AWS-like codes: they need the prefix).

A region located only to a state or a country (its provider publishes no city) maps to
that state's or country's grid zone, which gives its intensity for every year.

A cloud region maps to its grid zone, its operator (for PUE/WUE defaults) and its
location. Where the operator publishes its own per-region grid factor and
carbon-free share (Google does), that factor comes first.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from footprint.catalogues.hardware import normalise_name
from footprint.core.errors import InputError, UnknownNameError, suggest
from footprint.data.loader import optional_float, read_records
from footprint.places.grid import all_zones, find_zone, intensity_years, lookup_zone
from footprint.places.water import mix_years

__all__ = [
    "Location",
    "PROVIDERS",
    "resolve_region",
    "cloud_regions",
    "cloud_factor_series",
    "cloud_intensity_series",
    "factor_basis",
    "zone_chain",
]

#: Cloud providers and the operator whose facility factors their regions use (``None``: no
#: published fleet PUE, the facility-class defaults apply).
PROVIDERS: dict[str, str | None] = {
    "aws": "aws",
    "gcp": "google",
    "azure": "microsoft",
    "oci": "oracle",
    "coreweave": None,
    "lambda": None,
}
#: Provider-name spellings users type.
_PROVIDER_ALIASES = {
    "aws": "aws",
    "amazon": "aws",
    "gcp": "gcp",
    "google": "gcp",
    "googlecloud": "gcp",
    "azure": "azure",
    "microsoft": "azure",
    "oci": "oci",
    "oracle": "oci",
    "oraclecloud": "oci",
    "coreweave": "coreweave",
    "lambda": "lambda",
    "lambdalabs": "lambda",
    "lambdacloud": "lambda",
}
#: Providers whose codes resolve without their prefix (the others reuse AWS-like codes).
_BARE_CODE_PROVIDERS = ("aws", "gcp", "azure", "oci")
#: Per-region factor datasets in order of preference (operator-published first).
_CLOUD_DATASET_RANK = ("google-cfe", "ccf")


@dataclass(frozen=True)
class Location:
    """A resolved region: what the user named and the grid zone behind it.

    Attributes
    ----------
    id : str
        Canonical id: a zone code (``FR``, ``US-VA``) or a cloud region (``aws:us-east-1``).
    kind : str
        ``country``, ``aggregate``, ``us-state``, ``us-ba``, ``egrid-subregion``,
        ``ca-province``, ``bidding-zone``, ``grid-region`` or ``cloud``.
    name : str
        Display name.
    zone : str
        Grid zone whose intensity and mix apply.
    country : str or None
        ISO-2 country, where one applies.
    provider, operator : str or None
        Cloud provider and data-centre operator (for PUE/WUE defaults).
    latitude, longitude : float or None
        Location in decimal degrees (cloud regions: the metro area).
    balancing_authority : str or None
        Grid balancing authority serving a US cloud region (Electricity Maps id).
    """

    def zones(self) -> list[str]:
        """Grid zones whose data may apply, finest first: BA, zone, parents, country."""
        chain = [self.balancing_authority] if self.balancing_authority else []
        chain += [z for z in zone_chain(self.zone) if z not in chain]
        if self.country and self.country not in chain:
            chain.append(self.country)
        return chain

    id: str
    kind: str
    name: str
    zone: str
    country: str | None = None
    provider: str | None = None
    operator: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    balancing_authority: str | None = None

    @property
    def is_cloud(self) -> bool:
        return self.kind == "cloud"


@cache
def cloud_regions() -> dict[str, dict[str, str]]:
    """Cloud regions by id (``provider:code``), as rows of ``cloud_regions.csv``."""
    return {row["region"]: row for row in read_records("cloud_regions")}


@cache
def _cloud_by_code() -> dict[str, list[str]]:
    codes: dict[str, list[str]] = {}
    for region_id, row in cloud_regions().items():
        if row["provider"] in _BARE_CODE_PROVIDERS:
            codes.setdefault(normalise_name(row["code"]), []).append(region_id)
    return codes


@cache
def cloud_factor_series(region_id: str) -> dict[int, dict[str, str]]:
    """Per-region factors by year, the operator's own dataset preferred over others."""

    def rank(row: dict[str, str]) -> int:
        for i, prefix in enumerate(_CLOUD_DATASET_RANK):
            if row["dataset"].startswith(prefix):
                return i
        return len(_CLOUD_DATASET_RANK)

    series: dict[int, dict[str, str]] = {}
    for row in read_records("cloud_region_factors"):
        if row["region"] != region_id:
            continue
        year = int(row["year"])
        if year not in series or rank(row) < rank(series[year]):
            series[year] = row
    return series


def factor_basis(row: dict[str, str]) -> str:
    """``lifecycle`` or ``operational``: the basis a per-region grid factor states."""
    return "lifecycle" if "lifecycle" in row.get("source", "").lower() else "operational"


def cloud_intensity_series(region_id: str) -> dict[int, dict[str, str]]:
    """The per-region grid intensity series, one basis throughout: the basis of its newest
    year (Google's 2019-2020 lifecycle factors are not spliced with its 2021+ operational
    ones). Carbon-free shares keep every year (:func:`cloud_factor_series`)."""
    series = cloud_factor_series(region_id)
    if not series:
        return series
    basis = factor_basis(series[max(series)])
    return {year: row for year, row in series.items() if factor_basis(row) == basis}


def _cloud_location(region_id: str) -> Location:
    row = cloud_regions()[region_id]
    return Location(
        id=region_id,
        kind="cloud",
        name=f"{row['display_name']} ({row['provider'].upper()})",
        zone=row["grid_zone"],
        country=row["country"] or None,
        provider=row["provider"],
        operator=row["operator"] or PROVIDERS.get(row["provider"]),
        latitude=optional_float(row["latitude"]),
        longitude=optional_float(row["longitude"]),
        balancing_authority=row.get("balancing_authority") or None,
    )


def _resolve_cloud(name: str) -> Location | None:
    text = name.strip().lower()
    if ":" in text:
        provider, _, code = text.partition(":")
        provider = _PROVIDER_ALIASES.get(normalise_name(provider), provider)
        region_id = f"{provider}:{code.strip()}"
        if region_id in cloud_regions():
            return _cloud_location(region_id)
        pool = [r for r in cloud_regions() if r.startswith(f"{provider}:")] or list(cloud_regions())
        raise UnknownNameError(
            "cloud region", name, pool, hint="`footprint regions --kind cloud` lists them"
        )
    hits = _cloud_by_code().get(normalise_name(text), [])
    if len(hits) > 1:
        # "us-east-1" is AWS's code exactly; GCP's "us-east1" only matches once hyphens go
        exact = [r for r in hits if r.partition(":")[2].lower() == text]
        hits = exact if len(exact) == 1 else hits
    if len(hits) == 1:
        return _cloud_location(hits[0])
    if len(hits) > 1:
        raise InputError(
            f"ambiguous region {name!r}: it is a cloud region of several providers; "
            f"write one of {', '.join(sorted(hits))}"
        )
    return None


def resolve_region(name: str) -> Location:
    """Resolve any region name (zone or cloud region) to a :class:`Location`.

    Raises
    ------
    UnknownNameError
        With the closest zone and cloud-region names.
    InputError
        When a bare cloud-region code belongs to several providers.
    """
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"region: expected a zone or cloud-region name, got {name!r}")
    if ":" in name:
        cloud = _resolve_cloud(name)
        assert cloud is not None  # a provider:code name resolves or raises
        return cloud
    zone = lookup_zone(name)
    if zone is not None:
        country = zone.code if zone.kind == "country" else (zone.parent or None)
        return Location(zone.code, zone.kind, zone.name, zone.code, country)
    cloud = _resolve_cloud(name)
    if cloud is not None:
        return cloud
    _refuse_city(name)
    labels = [z.code for z in all_zones().values()] + [z.name for z in all_zones().values()]
    labels += list(cloud_regions())
    raise UnknownNameError("region", name, labels, hint="`footprint regions` lists them")


@cache
def _cloud_by_city() -> dict[str, list[str]]:
    """Cloud regions by the city they are in: its full name (``Frankfurt am Main``), its
    first word when that is a name of five letters or more (``Frankfurt``) and the city a
    provider's display name gives (``Europe (Frankfurt)``)."""
    cities: dict[str, list[str]] = {}
    for region_id, row in cloud_regions().items():
        city, display = row["city"], row["display_name"]
        first = city.split()[0] if city else ""
        names = {city, first if len(first) >= 5 else ""}
        if display.endswith(")") and "(" in display:
            names.add(display[display.rindex("(") + 1 : -1])
        for key in {normalise_name(n) for n in names if n}:
            cities.setdefault(key, []).append(region_id)
    return cities


def _refuse_city(name: str) -> None:
    """A place with cloud regions is not a grid zone: say which zones and regions it has.

    ``Frankfurt`` does not silently become Germany: the line names the grid zone of each
    cloud region there (``DE``) and the regions, so the user picks one.
    """
    hits = _cloud_by_city().get(normalise_name(name), [])
    if not hits:
        return
    zones = sorted({cloud_regions()[r]["grid_zone"] for r in hits})
    raise InputError(
        f"region {name!r} is a place with cloud regions, not a grid zone: write its grid zone "
        f"({' or '.join(zones)}) or one of its cloud regions ({', '.join(sorted(hits))})"
    )


def zone_chain(zone: str) -> list[str]:
    """``zone`` and its parents up to the country (never to continents), finest first."""
    chain = [zone]
    zones = all_zones()
    while chain[-1] in zones and zones[chain[-1]].kind not in ("country", "aggregate"):
        parent = zones[chain[-1]].parent
        if not parent or parent in chain:
            break
        chain.append(parent)
    return chain


def region_suggestions(name: str) -> list[str]:
    """Close matches of ``name`` among zone codes, names and cloud regions."""
    labels: list[Any] = [z.code for z in all_zones().values()]
    labels += [z.name for z in all_zones().values()] + list(cloud_regions())
    return suggest(name, labels)


#: Kinds of region, in the order listings show them.
KINDS = (
    "country",
    "aggregate",
    "us-state",
    "us-ba",
    "egrid-subregion",
    "ca-province",
    "bidding-zone",
    "grid-region",
    "cloud",
)


def _all_locations() -> list[Location]:
    locations = []
    for zone in all_zones().values():
        country = zone.code if zone.kind == "country" else (zone.parent or None)
        locations.append(Location(zone.code, zone.kind, zone.name, zone.code, country))
    locations += [_cloud_location(r) for r in cloud_regions()]
    return locations


def _matches(location: Location, needle: str) -> bool:
    labels = [location.id, location.name]
    if location.is_cloud:
        row = cloud_regions()[location.id]
        labels += [row["code"], row["city"], row["display_name"]]
    else:
        zone = all_zones()[location.id]
        labels += [zone.iso3, *zone.aliases]
    return any(needle in normalise_name(x) for x in labels if x)


def select_locations(
    search: str | None = None,
    kind: str | None = None,
    provider: str | None = None,
    country: str | None = None,
) -> list[Location]:
    """Locations filtered by substring, kind, cloud provider and country."""
    if kind is not None and kind not in KINDS:
        raise UnknownNameError("region kind", kind, KINDS)
    if provider is not None:
        given = provider
        provider = _PROVIDER_ALIASES.get(normalise_name(given))
        if provider is None:
            raise UnknownNameError("provider", given, list(PROVIDERS), hint=", ".join(PROVIDERS))
    country_code = find_zone(country).code if country else None
    needle = normalise_name(search) if search else ""
    out = []
    for loc in _all_locations():
        if kind and loc.kind != kind:
            continue
        if provider and loc.provider != provider:
            continue
        if country_code and loc.country != country_code and loc.id != country_code:
            continue
        if needle and not _matches(loc, needle):
            continue
        out.append(loc)
    return out


def coverage() -> Any:
    """Counts of regions by kind, and how many have an intensity and a generation mix."""
    import pandas as pd

    rows = []
    locations = _all_locations()
    for kind in KINDS:
        locs = [loc for loc in locations if loc.kind == kind]
        if kind == "cloud":
            for provider in PROVIDERS:
                sub = [loc for loc in locs if loc.provider == provider]
                own = sum(1 for loc in sub if cloud_factor_series(loc.id))
                rows.append(
                    {
                        "kind": f"cloud ({provider})",
                        "regions": len(sub),
                        "with_own_intensity": own,
                        "with_mix": sum(1 for loc in sub if any(mix_years(z) for z in loc.zones())),
                        "newest_year": max(
                            (max(cloud_factor_series(loc.id), default=0) for loc in sub),
                            default=None,
                        ),
                    }
                )
            continue
        rows.append(
            {
                "kind": kind,
                "regions": len(locs),
                "with_own_intensity": sum(1 for loc in locs if intensity_years(loc.zone)),
                "with_mix": sum(1 for loc in locs if mix_years(loc.zone)),
                "newest_year": max(
                    (max(intensity_years(loc.zone), default=0) for loc in locs), default=None
                ),
            }
        )
    return pd.DataFrame(rows)
