"""Form fields as command-line options: the arguments a form makes, parsed by the command.

A :class:`Field` names the option of a ``footprint`` command it stands for. A submitted
form becomes that command's arguments (:func:`arguments`), which the command's own click
parameters parse (:func:`parse`): the same types, the same checks and the same one-line
messages as the terminal. An error naming an option (``--gpu-hours: expected time ...``),
a click usage error of a parameter, or an unknown name (``unknown accelerator 'H999'``)
is shown next to its field (:func:`field_errors`); any other stays above the form. The
same arguments are the page's equivalent command (:func:`command_text`).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import click

from footprint.core.errors import FootprintError, UnknownNameError

__all__ = [
    "Field",
    "FormError",
    "arguments",
    "command_text",
    "field_errors",
    "parse",
    "MAX_TEXT",
]

#: Longest value of a one-line field (characters): longer is refused before parsing.
MAX_TEXT = 200


@dataclass(frozen=True)
class Field:
    """One input of a form and the command-line option it stands for.

    ``kind``: ``text``, ``select``, ``checkbox`` (a flag), ``radio``, ``textarea`` or
    ``file``. ``option`` is the option written in the command (``None``: the field chooses
    between commands, or holds a file). ``commands`` limits the field to those commands
    (empty: every command of the page). ``aliases``: other spellings of the option that
    messages may use (``--duration`` for ``--hours``).
    """

    name: str
    label: str
    option: str | None
    kind: str = "text"
    help: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    placeholder: str = ""
    default: str = ""
    datalist: str | None = None
    group: str = ""
    commands: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    numeric: bool = False

    def options(self) -> tuple[str, ...]:
        """Every spelling of the field's option."""
        return ((self.option,) if self.option else ()) + self.aliases


@dataclass
class FormError(Exception):
    """Errors of a submitted form: by field name, and those of no field (``general``)."""

    fields: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join([*self.fields.values(), *self.general])


def _value(values: Mapping[str, str], f: Field) -> str:
    return str(values.get(f.name, "") or "").strip()


def arguments(fields: Sequence[Field], values: Mapping[str, str], command: str) -> list[str]:
    """The command-line arguments of a form's ``values`` for ``command``, in field order.

    An empty field is left out (the command's default applies), a select at its default
    too; a checked checkbox is its flag. A value in a field of another command, or longer
    than :data:`MAX_TEXT`, raises :class:`FormError` on that field.
    """
    args: list[str] = []
    errors: dict[str, str] = {}
    for f in fields:
        if f.option is None:
            continue
        text = _value(values, f)
        if not text:
            continue
        if f.commands and command not in f.commands:
            if f.kind != "checkbox":
                errors[f.name] = (
                    f"{f.option}: not an option of footprint {command}; clear this field "
                    f"or choose the other way of giving the workload"
                )
            continue
        if len(text) > MAX_TEXT and f.kind not in ("textarea", "file"):
            errors[f.name] = f"{f.option}: at most {MAX_TEXT} characters, got {len(text):,}"
            continue
        if f.kind == "checkbox":
            args.append(f.option)
        elif f.kind == "select" and text == f.default:
            continue
        else:
            args += [f.option, text]
    if errors:
        raise FormError(errors)
    return args


def command_text(words: Sequence[str], args: Sequence[str]) -> str:
    """The shell command of ``args``: ``footprint estimate -a H100-SXM --gpu-hours 1000``."""
    return shlex.join(["footprint", *words, *args])


_OPTION = re.compile(r"(?:^|[\s'\"(])(--[a-z][a-z0-9-]*)")


def field_errors(exc: Exception, fields: Sequence[Field]) -> FormError:
    """Where the message of ``exc`` (a click or footprint error) goes: the field of the
    option it names first, or of the name it could not find, else above the form."""
    message = exc.format_message() if isinstance(exc, click.ClickException) else str(exc)
    by_option = {o: f.name for f in fields for o in f.options()}
    if isinstance(exc, click.BadParameter) and exc.param is not None:
        for opt in exc.param.opts:
            if opt in by_option:
                return FormError({by_option[opt]: message})
    if isinstance(exc, UnknownNameError):
        names = {f.name for f in fields}
        kind = _KIND_FIELDS.get(exc.kind, exc.kind)
        for target in (kind, f"{kind}s"):  # "region" is the field regions of a comparison
            if target in names:
                return FormError({target: message})
    match = _OPTION.search(message)
    if match and match.group(1) in by_option:
        return FormError({by_option[match.group(1)]: message})
    return FormError(general=[message])


#: Kind of an unknown name -> the field that holds it.
_KIND_FIELDS = {"zone": "region", "region kind": "region"}


def parse(
    command: click.Command, words: Sequence[str], args: Sequence[str], fields: Sequence[Field]
) -> dict[str, Any]:
    """The parameters of ``command`` for ``args``, as click converts them on the command
    line; a bad value raises :class:`FormError` with the command line's message."""
    try:
        ctx = command.make_context(" ".join(["footprint", *words]), list(args))
    except (click.ClickException, FootprintError) as exc:
        raise field_errors(exc, fields) from None
    except click.exceptions.Exit:  # --help and the like: no field asks for them
        raise FormError(general=["nothing to compute"]) from None
    return dict(ctx.params)
