"""The server catalogue: AI servers and racks with their maximum system power.

Data: ``datasets/servers.csv`` (built by ``scripts/datasets/servers.py``; see
``datasets/SOURCES.md``), one row per system whose vendor (or a paper) publishes a maximum
system power, with the accelerator it holds (a name of :mod:`footprint.catalogues.hardware`)
and how many. Names match as accelerator names do: case-insensitively, ignoring spaces,
hyphens and underscores (``dgx h100`` finds ``DGX-H100``).

A fleet of these servers (:class:`footprint.workloads.installed.InstalledFleet`) draws a
utilisation of their maximum power, as de Vries (2023) estimated NVIDIA's AI servers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from footprint.catalogues.hardware import (
    Accelerator,
    find_named,
    get_accelerator,
    normalise_name,
)
from footprint.core import units
from footprint.data.loader import name_index, optional_float, read_records

__all__ = ["Server", "get_server", "list_servers", "server_table"]

TABLE = "servers"


@dataclass(frozen=True)
class Server:
    """One AI server (or rack-scale system) of the catalogue; powers carry units.

    Attributes
    ----------
    name, vendor : str
    form : {"server", "rack"}
    accelerator : str
        Name of its accelerator in :mod:`footprint.catalogues.hardware`.
    accelerators_per_server : int
    max_power : Quantity [kW]
        The vendor's maximum system power (input power of the whole system).
    typical_power : Quantity [kW] or None
        A published typical or average draw, where one exists.
    release_year : int
    aliases : tuple[str, ...]
    source, source_url, notes : str
    """

    name: str
    vendor: str
    form: str
    accelerator: str
    accelerators_per_server: int
    max_power: Any
    typical_power: Any
    release_year: int
    aliases: tuple[str, ...]
    source: str
    source_url: str
    notes: str

    @classmethod
    def from_record(cls, row: dict[str, str]) -> Server:
        typical = optional_float(row.get("typical_power_kw", ""))
        return cls(
            name=row["name"],
            vendor=row["vendor"],
            form=row["form"],
            accelerator=row["accelerator"],
            accelerators_per_server=int(row["accelerators_per_server"]),
            max_power=units.Q_(float(row["max_system_power_kw"]), "kW"),
            typical_power=None if typical is None else units.Q_(typical, "kW"),
            release_year=int(row["release_year"]),
            aliases=tuple(a.strip() for a in row.get("aliases", "").split(";") if a.strip()),
            source=row["source"],
            source_url=row.get("source_url", ""),
            notes=row.get("notes", ""),
        )

    @property
    def hardware(self) -> Accelerator:
        """The catalogue entry of the server's accelerator."""
        return get_accelerator(self.accelerator)

    @property
    def citation(self) -> str:
        """The source with its address, for a factor's provenance."""
        return self.source + (f" <{self.source_url}>" if self.source_url else "")

    def implied_host_share(self) -> Any:
        """Maximum power left per accelerator besides the accelerators' TDP [W].

        ``(max system power - n x TDP) / n``: the host's share (CPUs, memory, network,
        fans, power-supply losses) at the rated maximum, or ``None`` when the catalogue
        has no TDP for the accelerator.
        """
        tdp = self.hardware.tdp
        if tdp is None:
            return None
        n = self.accelerators_per_server
        return ((self.max_power - tdp * n) / n).to("W")


@cache
def _index() -> tuple[dict[str, Server], dict[str, str]]:
    by_name = {s.name: s for s in map(Server.from_record, read_records(TABLE))}
    return by_name, name_index(TABLE, ((s.name, s.aliases) for s in by_name.values()))


def get_server(name: str) -> Server:
    """The server called ``name`` (canonical name or alias).

    Raises
    ------
    InputError
        When ``name`` is not a non-empty string.
    UnknownNameError
        With close matches among names and aliases.
    """
    return find_named(name, "server", "DGX-H100", "`footprint fleet --list` lists them", _index())


def list_servers(search: str | None = None) -> list[Server]:
    """All servers, or those whose name, alias, vendor or accelerator contain ``search``."""
    servers = list(_index()[0].values())
    if not search:
        return servers
    needle = normalise_name(search, "search")
    return [
        s
        for s in servers
        if any(
            needle in normalise_name(text) for text in (s.name, s.vendor, s.accelerator, *s.aliases)
        )
    ]


def server_table(search: str | None = None) -> Any:
    """The catalogue (or the matches of ``search``) as a DataFrame, units in column names."""
    import pandas as pd

    rows = []
    for s in list_servers(search):
        host = s.implied_host_share()
        rows.append(
            {
                "name": s.name,
                "vendor": s.vendor,
                "form": s.form,
                "accelerator": s.accelerator,
                "accelerators_per_server": s.accelerators_per_server,
                "max_system_power_kw": float(s.max_power.m_as("kW")),
                "implied_host_w_per_accelerator": None
                if host is None
                else round(float(host.m_as("W")), 1),
                "release_year": s.release_year,
                "aliases": "; ".join(s.aliases),
                "source": s.source,
            }
        )
    return pd.DataFrame(rows)
