"""The one pint registry of footprint, and parsing of user-given quantities.

The registry is pint's default registry plus ``units.txt`` beside this module
(CO2e as its own dimension, counting dimensions for request, token and FLOP,
currencies as separate dimensions), built by :mod:`footprint.core.unit_registry` from
definitions shipped already parsed (about 15 ms instead of pint's 120 ms, without
pint's pickle cache). It is created on first use, never at import time, so
``footprint --help`` stays fast::

    >>> from footprint import units
    >>> units.Q_(414, "gCO2e/kWh") * units.Q_(2, "kWh")
    <Quantity(828, 'gram_CO2e')>

Public functions of footprint take and return quantities of this registry.
"""

from __future__ import annotations

import math
import re
import threading
from decimal import Decimal, InvalidOperation
from functools import cache
from numbers import Real
from pathlib import Path
from typing import TYPE_CHECKING, Any

from footprint.core.errors import InputError, UnitError
from footprint.core.unit_registry import PrebuiltRegistry

if TYPE_CHECKING:  # pragma: no cover
    import pint

__all__ = [
    "get_registry",
    "DIMENSIONS",
    "parse_quantity",
    "check_dimension",
    "check_year",
    "parse_price",
    "parse_unit",
    "split_quantity",
    "to_quantity",
    "currency_of",
    "magnitude",
]

DEFINITIONS = Path(__file__).with_name("units.txt")

#: Named dimensions used in messages and checks: name -> (pint dimensionality, example unit).
DIMENSIONS: dict[str, tuple[str, str]] = {
    "power": ("[power]", "W"),
    "energy": ("[energy]", "kWh"),
    "time": ("[time]", "h"),
    "co2e": ("[co2e]", "kgCO2e"),
    "intensity": ("[co2e] / [energy]", "gCO2e/kWh"),
    "water": ("[volume]", "L"),
    "water_intensity": ("[volume] / [energy]", "L/kWh"),
    "dimensionless": ("", ""),
    "mass": ("[mass]", "kg"),
    "flop": ("[computation]", "FLOP"),
    "flop_rate": ("[computation] / [time]", "TFLOP/s"),
    "request_rate": ("[request] / [time]", "request/day"),
    "requests": ("[request]", "request"),
    "tokens": ("[token]", "token"),
    "angle": ("", "deg"),
}


#: Guards the creation of the registry: threads starting at once must share one.
_REGISTRY_LOCK = threading.Lock()
_REGISTRY: list[Any] = []


def get_registry() -> pint.UnitRegistry:
    """Create (once, thread-safely) and return footprint's unit registry.

    pint's on-disk cache of parsed definitions is not used: it unpickles files from
    the user's cache directory (whoever can write there would run code in every later
    call), and processes starting together raced on it. The definitions come parsed
    with the package instead, as plain JSON data (:mod:`footprint.core.unit_registry`).
    """
    if _REGISTRY:
        registry: pint.UnitRegistry = _REGISTRY[0]
        return registry
    with _REGISTRY_LOCK:
        if not _REGISTRY:
            _REGISTRY.append(_new_registry())
    registry = _REGISTRY[0]
    return registry


def _new_registry() -> pint.UnitRegistry:

    registry: pint.UnitRegistry = PrebuiltRegistry(
        autoconvert_offset_to_baseunit=True,
        on_redefinition="raise",
        cache_folder=None,
    )
    registry.load_definitions(str(DEFINITIONS))
    registry.formatter.default_format = "~P"
    return registry


def __getattr__(name: str) -> Any:
    # ``units.ureg`` and ``units.Q_`` resolve lazily to keep import cheap.
    if name == "ureg":
        return get_registry()
    if name == "Q_":
        return get_registry().Quantity
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _dimensionality(dimension: str) -> Any:
    registry = get_registry()
    spec = DIMENSIONS[dimension][0]
    return registry.get_dimensionality(spec) if spec else registry.dimensionless.dimensionality


def check_dimension(q: Any, dimension: str, name: str) -> None:
    """Raise :class:`UnitError` unless quantity ``q`` has the named ``dimension``."""
    expected = _dimensionality(dimension)
    if q.dimensionality != expected:
        example = DIMENSIONS[dimension][1] or "a plain number"
        raise UnitError(
            f"{name}: expected {dimension.replace('_', ' ')} (e.g. {example}), got {q:~P} "
            f"with dimension {q.dimensionality}"
        )


def parse_quantity(
    value: Any,
    dimension: str,
    default_unit: str | None,
    name: str,
    *,
    mass_means_co2e: bool = False,
    allow_zero: bool = True,
    allow_negative: bool = False,
) -> pint.Quantity:
    """Turn ``value`` (Quantity, number or string like ``"700 W"``) into a checked Quantity.

    Parameters
    ----------
    value : pint.Quantity, float or str
        What the user gave. A bare number (or a string holding only a number)
        takes ``default_unit``.
    dimension : str
        Key of :data:`DIMENSIONS` the result must have.
    default_unit : str or None
        Unit for bare numbers; ``None`` means a unit is required.
    name : str
        Name of the input, used in error messages (e.g. ``"--power"``).
    mass_means_co2e : bool
        Accept a plain mass unit as CO2e mass (so ``"414 g/kWh"`` is read as
        gCO2e/kWh). Only for inputs that can only be a CO2e quantity.
    allow_zero, allow_negative : bool
        Range checks on the magnitude; NaN and infinity are always rejected.
    """
    registry = get_registry()
    q = to_quantity(expand_count_suffix(value, dimension, name), default_unit, name)
    if mass_means_co2e and dimension in {"intensity", "co2e"}:
        q = _mass_as_co2e(q, registry)
    check_dimension(q, dimension, name)
    _check_own_units(q, dimension, name)
    check_magnitude(q.magnitude, name, allow_zero=allow_zero, allow_negative=allow_negative)
    _check_convertible(q, name)
    if q.magnitude == 0:  # "-0" is zero: no negative zero in results ("co2e": -0.0)
        q = registry.Quantity(0.0, q.units)
    return q


#: Suffixes for thousands to trillions on counts and hours ("30.84M" GPU-hours, "15T"
#: tokens, "2.5k request/day"), as model cards write them. Attached to the number and
#: followed by a space or the end: "5kW" stays kilowatts and "5 M" (molar) stays an error.
COUNT_SUFFIXES = {"k": 3, "K": 3, "M": 6, "B": 9, "T": 12}
#: Dimensions whose numbers are counts or hours, where such a suffix is read.
COUNT_DIMENSIONS = frozenset({"time", "requests", "tokens", "request_rate", "flop"})
_SUFFIXED = re.compile(
    r"\s*(?P<number>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?P<suffix>[kKMBT])"
    r"(?P<rest>(?:\s.*)?)",
    re.DOTALL,
)


def expand_count_suffix(value: Any, dimension: str, name: str) -> Any:
    """``value`` with a thousands-to-trillions suffix written out ("30.84M h" -> "30840000.0 h").

    Anything but a string is returned as it is. Read only for :data:`COUNT_DIMENSIONS`;
    elsewhere a bare suffix gets one line saying how to write the number, instead of pint
    reading ``M`` as molar or ``T`` as tesla.
    """
    if not isinstance(value, str) or len(value) > MAX_QUANTITY_LENGTH:
        return value
    match = _SUFFIXED.fullmatch(value)
    if match is None:
        return value
    suffix = match["suffix"]
    if dimension not in COUNT_DIMENSIONS:
        power = COUNT_SUFFIXES[suffix]
        raise UnitError(
            f"{name}: cannot read {value.strip()!r}: the suffix {suffix} (x1e{power}) is read"
            f" on counts and hours only; write {match['number']}e{power} with a unit"
        )
    try:
        number = Decimal(match["number"]).scaleb(COUNT_SUFFIXES[suffix])
    except InvalidOperation:
        return value
    return f"{float(number)!r}{match['rest']}"


#: Units a ratio or an angle may be given in. pint counts bits, bytes, radians and
#: ratios such as ``GB/MB`` as dimensionless too: ``--pue "1 GB"`` would be a PUE of
#: 8e9 and a tilt of ``50%`` 28.6 degrees, so these dimensions accept only their own units.
OWN_UNITS: dict[str, frozenset[str]] = {
    "dimensionless": frozenset({"dimensionless", "percent", "permille", "ppm"}),
    "angle": frozenset({"degree", "radian", "arcminute", "arcsecond", "turn"}),
}


def _check_own_units(q: Any, dimension: str, name: str) -> None:
    allowed = OWN_UNITS.get(dimension)
    items = list(q.unit_items())
    if (
        allowed is None
        or not items
        or (len(items) == 1 and items[0][0] in allowed and items[0][1] == 1)
    ):
        return
    shown = ", ".join(sorted(format(get_registry().Unit(u), "~P") or u for u in allowed))
    raise UnitError(
        f"{name}: expected {'an angle' if dimension == 'angle' else 'a plain number or ratio'}"
        f" ({shown}), got {q:~P}"
    )


#: Years footprint accepts: the span of its datasets with room for projections.
YEAR_RANGE = (1990, 2100)


def check_year(year: Any, name: str = "year") -> int | None:
    """``year`` as an int (``None`` stays ``None``), or an :class:`InputError`.

    Accepts an integer (or an integral float) between :data:`YEAR_RANGE`'s bounds.
    """
    if year is None:
        return None
    low, high = YEAR_RANGE
    message = f"{name}: expected a calendar year between {low} and {high}, got {year!r}"[:200]
    if isinstance(year, bool) or not isinstance(year, Real):
        raise InputError(message)
    value: Any = year
    # a huge int compares without overflow; NaN fails the comparison
    if not low <= value <= high or int(value) != value:
        raise InputError(message)
    return int(value)


def _check_convertible(q: Any, name: str) -> None:
    """Refuse a finite value whose size in SI base units overflows (``1e308 hp``)."""
    try:
        base = float(q.to_base_units().magnitude)
    except OverflowError:
        base = math.inf
    if not math.isfinite(base):
        raise InputError(
            f"{name}: {q.magnitude:g} {format_unit(q.units)} is too large "
            "(beyond 1e308 in SI units)"
        )


def currency_of(q: Any) -> str | None:
    """The currency code of a price per energy (``USD`` for USD/kWh), else ``None``."""
    dims = dict(q.dimensionality)
    currencies = [d for d in dims if d.startswith("[currency_")]
    if len(currencies) != 1 or dims[currencies[0]] != 1:
        return None
    rest = {d: p for d, p in dims.items() if d != currencies[0]}
    energy = dict(get_registry().get_dimensionality("[energy]"))
    if rest != {d: -p for d, p in energy.items()}:
        return None
    return currencies[0][len("[currency_") : -1]


def parse_price(value: Any, name: str) -> Any:
    """An electricity price in one currency per energy, e.g. ``"0.12 USD/kWh"``.

    Currencies are separate dimensions: a price keeps its currency, and nothing
    converts between currencies.
    """
    q = to_quantity(value, None, name)
    currency = currency_of(q)
    if currency is None:
        raise UnitError(
            f"{name}: expected a price per energy in one currency (e.g. 0.12 USD/kWh), got {q:~P}"
        )
    check_magnitude(q.magnitude, name)
    return q.to(f"{currency}/kWh")


def check_magnitude(
    m: Any, name: str, *, allow_zero: bool = True, allow_negative: bool = False
) -> None:
    """Reject NaN, infinite, negative (and optionally zero) magnitudes with a clear message."""
    if isinstance(m, bool) or not isinstance(m, Real):
        raise InputError(f"{name}: expected a number, got {m!r}")
    x = _as_float(m, name)
    if x < 0 and not allow_negative:
        raise InputError(f"{name}: must not be negative, got {m}")
    if x == 0 and not allow_zero:
        raise InputError(f"{name}: must be greater than zero, got {m}")


def to_quantity(value: Any, default_unit: str | None, name: str) -> Any:
    """``value`` (Quantity, number or string) as a Quantity of footprint's registry.

    Bare numbers (or strings holding only a number) take ``default_unit``; no
    dimension or range check (see :func:`parse_quantity` for those). A string must be
    one number and a unit (:func:`split_quantity`): pint never evaluates an expression
    of the user's (``10**10**10 W`` would take forever).
    """
    import pint

    registry = get_registry()
    if isinstance(value, registry.Quantity):
        return value
    if isinstance(value, pint.Quantity):
        raise UnitError(f"{name}: quantity from another unit registry; use footprint.core.units.Q_")
    if isinstance(value, Real) and not isinstance(value, bool):
        if default_unit is None:
            raise UnitError(f"{name}: a unit is required, got the bare number {value}")
        return registry.Quantity(_as_float(value, name), default_unit)
    if isinstance(value, str):
        number, unit = split_quantity(value, name)
        if not unit:
            return to_quantity(number, default_unit, name)
        try:
            return registry.Quantity(number, "1" + unit if unit.startswith("/") else unit)
        except Exception as exc:  # pint raises several types for unknown units
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise UnitError(f"{name}: cannot read {value!r} as a quantity ({reason})") from None
    raise InputError(f"{name}: expected a number or a quantity string, got {value!r}")


#: Longest quantity string read (a number and a unit are far shorter).
MAX_QUANTITY_LENGTH = 200

#: One number (decimal or exponent notation), then the rest: the unit.
_NUMBER_AND_REST = re.compile(
    r"\s*(?P<number>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?P<rest>.*)", re.DOTALL
)
#: Tokens of a unit expression: names, ``*`` ``/`` ``·`` ``(`` ``)``, small exponents.
_UNIT_TOKEN = re.compile(
    r"\s*(?:(?P<name>[^\W\d][\w]*|%|°[A-Za-z]*)"
    r"|(?P<power>(?:\*\*|\^)\s*[+-]?\d{1,2}(?!\d))"
    r"|(?P<op>[*/·()]))"
)


def split_quantity(value: str, name: str) -> tuple[float, str]:
    """Split a quantity string into its number and its unit text, refusing the rest.

    Accepted: one number (``700``, ``-1.5``, ``3e9``, ``.5``) followed by an optional
    unit made of unit names, ``*``, ``/``, ``·``, parentheses and integer exponents of
    at most two digits (``m^3``, ``m**-2``). Refused, with one line: expressions
    (``10**10**10 W``, ``2*3 W``), a number inside the unit, comma or space-separated
    digit groups, non-finite or overflowing numbers and strings longer than
    :data:`MAX_QUANTITY_LENGTH`.
    """
    text = value.strip()
    if not text:
        raise UnitError(f"{name}: empty value")
    if len(text) > MAX_QUANTITY_LENGTH:
        raise UnitError(
            f"{name}: cannot read a value of {len(text):,} characters as a quantity "
            f"(at most {MAX_QUANTITY_LENGTH})"
        )
    try:  # a bare number, "nan" and "inf" included (refused with their own message)
        bare: float | None = float(text)
    except ValueError:
        bare = None
    if bare is not None:
        return _as_float(bare, name), ""
    _check_number_syntax(text, value, name)
    match = _NUMBER_AND_REST.fullmatch(text)
    if match is None:
        raise UnitError(
            f"{name}: cannot read {value!r}: expected a number followed by a unit "
            "(e.g. '700 W', '3 days', '414 g/kWh')"
        )
    number = _as_float(match["number"], name)
    unit = match["rest"].strip()
    if unit:
        _check_unit_text(unit, value, name)
    return number, unit


def parse_unit(text: str, name: str) -> Any:
    """A unit written by a user (a column header's ``[kW]``, a config value) as a pint Unit.

    The same grammar as the unit part of :func:`split_quantity`: names, operators and
    small integer exponents, never an expression for pint to evaluate.
    """
    unit = str(text).strip()
    if not unit:
        raise UnitError(f"{name}: empty unit")
    if len(unit) > MAX_QUANTITY_LENGTH:
        raise UnitError(f"{name}: a unit of {len(unit):,} characters is too long")
    _check_unit_text(unit, unit, name, "a unit such as kW or gCO2e/kWh")
    try:
        return get_registry().Unit(unit)
    except Exception as exc:  # pint raises several types for unknown units
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UnitError(f"{name}: cannot read the unit {unit!r} ({reason})") from None


def _check_unit_text(
    unit: str,
    value: str,
    name: str,
    expected: str = "one number followed by a unit (e.g. '1000 W', '1e9 request/day')",
) -> None:
    """Refuse a unit text that is not names, operators and small integer exponents."""
    pos, depth, previous = 0, 0, ""
    while pos < len(unit):
        token = _UNIT_TOKEN.match(unit, pos)
        if (
            token is None
            or token.end() == pos
            or (token["power"] and previous not in {"name", ")"})
        ):
            raise UnitError(
                f"{name}: cannot read {value!r}: expected {expected}; expressions are not evaluated"
            )
        op = token["op"]
        if op == "(":
            depth += 1
        elif op == ")":
            depth -= 1
        if depth < 0 or depth > 3:
            raise UnitError(f"{name}: cannot read {value!r}: unbalanced or deep parentheses")
        previous = "name" if token["name"] else "power" if token["power"] else op
        pos = token.end()
    if depth:
        raise UnitError(f"{name}: cannot read {value!r}: unbalanced parentheses")


def _as_float(number: Any, name: str) -> float:
    """``number`` as a finite float; overflow and NaN are one-line errors."""
    try:
        x = float(number)
    except OverflowError:
        x = math.inf
    except (TypeError, ValueError):
        raise InputError(f"{name}: expected a number, got {number!r}") from None
    if not math.isfinite(x):
        shown = number if not isinstance(number, int) or abs(number) < 10**30 else "a huge number"
        raise InputError(f"{name}: expected a finite number, got {shown}")
    return x


#: Two numbers side by side ("1 000 W", "2 3 W"): pint multiplies them silently.
_ADJACENT_NUMBERS = re.compile(r"(?<![A-Za-z_\d.])(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s+\.?\d")
#: A run of digits and points not inside a unit name (``CO2e``), e.g. ``1.5.2``.
_DIGIT_RUN = re.compile(r"(?<![A-Za-z_\d.])[\d.]+")


def _check_number_syntax(text: str, value: Any, name: str) -> None:
    """Reject number spellings pint would read as another number, without a word.

    pint reads ``"1,5 kW"`` as 15 kW and ``"0,3 L/kWh"`` as 0 L/kWh (commas dropped),
    ``"1 000 W"`` as 0 W and ``"2 3 W"`` as 6 W (implicit multiplication) and
    ``"1.5.2 W"`` as 0.3 W: each a wrong number with no error.
    """
    if "," in text:
        raise UnitError(
            f"{name}: cannot read {value!r}: write numbers with a decimal point and no "
            "commas or thousands separators (e.g. '1.5 kW', '1000 W')"
        )
    if _ADJACENT_NUMBERS.search(text) or any(
        run.count(".") > 1 for run in _DIGIT_RUN.findall(text)
    ):
        raise UnitError(
            f"{name}: cannot read {value!r}: expected one number followed by a unit "
            "(e.g. '1000 W', '1e9 request/day'), without spaces inside the number"
        )


def _mass_as_co2e(q: Any, registry: Any) -> Any:
    """Read a plain mass in ``q`` as CO2e mass: g/kWh -> gCO2e/kWh, t -> tCO2e."""
    for plain, co2e in (("g/kWh", "gCO2e/kWh"), ("g", "gCO2e")):
        if q.is_compatible_with(plain):
            return registry.Quantity(q.m_as(plain), co2e)
    return q


def magnitude(q: Any, unit: str) -> float:
    """Magnitude of ``q`` in ``unit`` as a float (for canonical outputs)."""
    return float(q.m_as(unit))


def format_unit(u: Any) -> str:
    """Short, conventional unit label: pint's ``~P`` with litres written ``L`` (``mL``,
    ``GL``) and periods as words (``kWh/day`` beside ``kWh/month`` and ``kWh/year``)."""
    text = format(u, "~P")
    if text == "dimensionless":
        return ""
    text = re.sub(r"(?<![A-Za-z])([mµkMGT]?)l(?![A-Za-z])", r"\1L", text)
    # pint's symbols for the day and its (Julian) year are "d" and "a"; people read words
    text = re.sub(r"(?<![A-Za-z])d(?![A-Za-z])", "day", text)
    return re.sub(r"(?<![A-Za-z])a(?![A-Za-z])", "year", text)


def input_text(value: Any) -> str:
    """An input echoed in results: a Quantity as its magnitude and :func:`format_unit`
    (litres ``L``, as in every output), anything else as text."""
    if hasattr(value, "magnitude") and hasattr(value, "units"):
        return f"{value.magnitude} {format_unit(value.units)}".strip()
    return str(value)


# --- fast unit handling (pint parses unit strings on every call) -------------------------


@cache
def unit_of(text: str) -> Any:
    """The pint Unit of ``text`` (empty: dimensionless), parsed once per process."""
    return get_registry().Unit(text or "dimensionless")


@cache
def unit_scale(source: Any, target: Any) -> float:
    """Factor from unit ``source`` to ``target`` (unit objects or strings)."""
    one = get_registry().Quantity(1.0, source)
    return float(one.m_as(unit_of(target) if isinstance(target, str) else target))


def magnitude_in(q: Any, unit: Any) -> float:
    """Magnitude of quantity ``q`` in ``unit`` (a cached, multiplicative conversion)."""
    return float(q.magnitude) * unit_scale(q.units, unit)


def quantity(value: Any, unit: str) -> Any:
    """``Q_(value, unit)`` with the unit parsed once per process."""
    return get_registry().Quantity(value, unit_of(unit))
