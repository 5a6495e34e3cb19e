"""The language-model catalogue: parameters and architecture of well-known LLMs.

Data: ``datasets/models.csv`` (built by ``scripts/datasets/models.py``, see
``datasets/SOURCES.md``), one row per model with a source on every row. Open-weight
models carry their published parameter counts and the architecture facts of their
``config.json``; closed models carry only a *range* of active parameters (EcoLogits'
estimates), because their developers publish none. Names match case-insensitively and
ignore spaces, hyphens, underscores, dots and slashes, so ``Llama 3.1 70B`` finds
``llama-3.1-70b``.

Parameter counts are plain numbers of parameters (``8.03e9``); the ``*_b`` attributes
give them in billions, as the catalogue stores them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

from footprint.core.errors import DataError, InputError, UnknownNameError
from footprint.data.loader import name_index, normalise_name, optional_float, read_records

__all__ = ["LlmModel", "get_model", "list_models", "model_table", "custom_model"]

TABLE = "models"

#: Most parameters a custom model may state [billions]: 1e5 billion (100 trillion), some
#: fifty times the largest published models (about 2 trillion). Counts are in billions
#: here (``custom_model(8)`` is 8B); ``custom_model(8e9)`` would mean 8e18 parameters,
#: a count written as if it were a plain number, and is refused with the spelling to use.
MAX_PARAMS_B = 1e5


@dataclass(frozen=True)
class LlmModel:
    """One language model of the catalogue (or a custom one).

    Attributes
    ----------
    name : str
        Canonical id (``llama-3.1-70b``).
    total_params_b, active_params_b : float
        Parameters in billions; ``active`` is what one token uses (MoE experts routed to),
        equal to ``total`` for dense models. For closed models ``active_params_b`` is the
        midpoint of ``params_low_b``-``params_high_b`` and ``total_params_b`` the
        estimated total (the active midpoint for a dense estimate).
    params_low_b, params_high_b : float or None
        Range of active parameters for closed models [billions]; ``None`` when published.
    n_layers : int or None
        Transformer layers.
    kv_elements_per_layer : int or None
        Key and value entries cached per token and layer (2 x KV heads x head size).
    context_tokens : int or None
        Maximum context length [token].
    open_weights : bool
        Whether the weights (hence the parameter count) are published.
    deployment_tps, deployment_ttft_s : float or None
        The provider's measured output speed [token/s] and time to first token [s], as
        EcoLogits uses them for closed models' generation time.
    disclosure : str
        For a closed model, the preset (``inference_presets.csv``) holding its developer's
        own per-request energy figure, or ``""`` when the developer publishes none.
    """

    name: str
    family: str
    developer: str
    architecture: str
    total_params_b: float
    active_params_b: float
    params_low_b: float | None
    params_high_b: float | None
    n_layers: int | None
    kv_elements_per_layer: int | None
    context_tokens: int | None
    open_weights: bool
    release_year: int | None
    aliases: tuple[str, ...]
    deployment_tps: float | None
    deployment_ttft_s: float | None
    source: str
    source_url: str
    notes: str
    disclosure: str = ""

    @classmethod
    def from_record(cls, row: dict[str, str]) -> LlmModel:
        def integer(col: str) -> int | None:
            value = optional_float(row.get(col, ""))
            return None if value is None else int(value)

        low = optional_float(row.get("params_low_b", ""))
        high = optional_float(row.get("params_high_b", ""))
        active = optional_float(row.get("active_params_b", ""))
        total = optional_float(row.get("total_params_b", ""))
        if active is None:
            if low is None or high is None:
                raise DataError(f"{TABLE}.csv: {row['name']} has neither active params nor range")
            active = (low + high) / 2
        if total is None:
            total = active
        return cls(
            name=row["name"],
            family=row.get("family", ""),
            developer=row.get("developer", ""),
            architecture=row.get("architecture", "dense"),
            total_params_b=total,
            active_params_b=active,
            params_low_b=low,
            params_high_b=high,
            n_layers=integer("n_layers"),
            kv_elements_per_layer=integer("kv_elements_per_layer"),
            context_tokens=integer("context_tokens"),
            open_weights=row.get("open_weights", "").strip().lower() == "true",
            release_year=integer("release_year"),
            aliases=tuple(a.strip() for a in row.get("aliases", "").split(";") if a.strip()),
            deployment_tps=optional_float(row.get("deployment_tps", "")),
            deployment_ttft_s=optional_float(row.get("deployment_ttft_s", "")),
            source=row.get("source", ""),
            source_url=row.get("source_url", ""),
            notes=row.get("notes", ""),
            disclosure=row.get("disclosure", "").strip(),
        )

    @property
    def total_params(self) -> float:
        """Total parameters (a count, e.g. ``7.06e10``)."""
        return self.total_params_b * 1e9

    @property
    def active_params(self) -> float:
        """Parameters used per token (a count)."""
        return self.active_params_b * 1e9

    @property
    def is_range(self) -> bool:
        """True for closed models known only as an estimated parameter range."""
        return self.params_low_b is not None

    @property
    def kv_cache_values_per_token(self) -> int | None:
        """Key/value entries cached per token over all layers, or ``None`` if unknown."""
        if self.n_layers is None or self.kv_elements_per_layer is None:
            return None
        return self.n_layers * self.kv_elements_per_layer

    def range_note(self) -> str:
        """The note every estimate made with a closed model's midpoint carries."""
        if not self.is_range:
            return ""
        return (
            f"{self.name}: {self.developer} publishes no parameter count; active parameters "
            f"estimated at {self.params_low_b:g}-{self.params_high_b:g}B ({self.source}); "
            f"midpoint {self.active_params_b:g}B used"
        )


def custom_model(
    total_params_b: float,
    active_params_b: float | None = None,
    name: str = "custom",
) -> LlmModel:
    """A model outside the catalogue, from its parameter counts [billions].

    The roofline model's KV-cache term needs the architecture, which a custom model lacks:
    it is left out (noted in the estimate).
    """
    for label, value in (("total_params_b", total_params_b), ("active_params_b", active_params_b)):
        if value is None:
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
        ):
            raise InputError(f"{label}: expected a number of parameters in billions, got {value!r}")
        if value <= 0:
            raise InputError(f"{label}: must be greater than zero, got {value}")
        if value > MAX_PARAMS_B:
            raise InputError(
                f"{label}: {value:g} is in billions of parameters ({value * 1e9:g} "
                f"parameters); write {value / 1e9:g} for {value:g} parameters"
            )
    active = total_params_b if active_params_b is None else active_params_b
    if active > total_params_b:
        raise InputError(
            f"active_params_b: {active:g}B active exceeds the {total_params_b:g}B total"
        )
    return LlmModel(
        name=name,
        family="custom",
        developer="",
        architecture="dense" if active == total_params_b else "moe",
        total_params_b=float(total_params_b),
        active_params_b=float(active),
        params_low_b=None,
        params_high_b=None,
        n_layers=None,
        kv_elements_per_layer=None,
        context_tokens=None,
        open_weights=True,
        release_year=None,
        aliases=(),
        deployment_tps=None,
        deployment_ttft_s=None,
        source="given by the user",
        source_url="",
        notes="",
    )


@cache
def _index() -> tuple[dict[str, LlmModel], dict[str, str]]:
    by_name = {m.name: m for m in map(LlmModel.from_record, read_records(TABLE))}
    return by_name, name_index(TABLE, ((m.name, m.aliases) for m in by_name.values()))


def get_model(name: str | LlmModel) -> LlmModel:
    """The catalogue model called ``name`` (canonical name or alias).

    Raises
    ------
    UnknownNameError
        With close matches among names and aliases.
    """
    if isinstance(name, LlmModel):
        return name
    by_name, keys = _index()
    hit = keys.get(normalise_name(str(name)))
    if hit is None:
        choices = [label for m in by_name.values() for label in (m.name, *m.aliases)]
        raise UnknownNameError(
            "model",
            str(name),
            choices,
            hint="`footprint infer --list-models` lists them; or give --params",
        )
    return by_name[hit]


def list_models(search: str | None = None) -> list[LlmModel]:
    """All models, or those whose name, alias, family or developer contain ``search``."""
    models = list(_index()[0].values())
    if not search:
        return models
    needle = normalise_name(search)
    return [
        m
        for m in models
        if any(needle in normalise_name(s) for s in (m.name, m.family, m.developer, *m.aliases))
    ]


def model_table(search: str | None = None) -> Any:
    """The catalogue (or the matches of ``search``) as a DataFrame, unit-suffixed columns."""
    import pandas as pd

    rows = []
    for m in list_models(search):
        rows.append(
            {
                "name": m.name,
                "developer": m.developer,
                "architecture": m.architecture,
                "total_params_b": m.total_params_b,
                "active_params_b": (
                    f"{m.params_low_b:g}-{m.params_high_b:g}" if m.is_range else m.active_params_b
                ),
                "context_tokens": m.context_tokens,
                "open_weights": m.open_weights,
                "release_year": m.release_year,
                "source": m.source,
            }
        )
    return pd.DataFrame(rows)
