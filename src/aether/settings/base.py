"""The one base model every scenario section derives from, and the field types they share.

The base model's rules hold for every field of every section: unknown keys are refused,
a loaded scenario is immutable, no number may be NaN or infinite, and types are strict,
so `true` is not a number and "5" is not 5. A field whose YAML form differs from its
Python type (a list for a tuple, text for a time or a path) relaxes strictness with LAX.
"""

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Strict
from pydantic_core import PydanticCustomError

# A field marked LAX accepts what YAML gives for its type (a list for a tuple, text for a
# path or a time); the numbers inside it stay strict.
LAX = Strict(False)

NAME_MAX_CHARS = 100


class SettingsModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)


def at_field(loc: tuple, message: str) -> PydanticCustomError:
    """A model-level problem reported at one of its fields (loc below the model)."""
    return PydanticCustomError("field_problem", message, {"loc": loc})


def dotted(loc: tuple) -> str:
    """('spacecraft', 1, 'name') -> 'spacecraft[1].name'."""
    return "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in loc).lstrip(".")


def bounded(lo: float, hi: float, unit: str = "", *, lo_open: bool = False, hi_open: bool = False,
            hint: str = ""):
    """A validator: lo <= value <= hi (open ends where asked), with a message naming the range.

    Every number has both ends: nothing physical is unbounded, and caps keep totals finite.
    """
    allowed = (f"{lo:g}{unit} {'(exclusive) ' if lo_open else ''}to "
               f"{hi:g}{unit}{' (exclusive)' if hi_open else ''}{hint}")

    def check(value):
        if (value <= lo if lo_open else value < lo) or (value >= hi if hi_open else value > hi):
            raise ValueError(f"{value:g}{unit} is not allowed (allowed: {allowed})")
        return value

    return AfterValidator(check)


def unique_names(items: list, what: str) -> list:
    """The items, refused when two share a name (`what` names them in the message)."""
    names = [item.name for item in items]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"{what} names must be unique; repeated: {', '.join(repeated)}")
    return items


def _text(value: str, *, empty: bool) -> str:
    allowed = f"{'0' if empty else '1'} to {NAME_MAX_CHARS} printable characters"
    if not value and not empty:
        raise ValueError(f"the name is empty (allowed: {allowed})")
    if len(value) > NAME_MAX_CHARS:
        raise ValueError(f"{len(value)} characters is too long (allowed: {allowed})")
    bad = next((ch for ch in value if not ch.isprintable()), None)
    if bad is not None:
        raise ValueError(f"{value!r} holds the control character {bad!r} (allowed: {allowed})")
    if value != value.strip():
        raise ValueError(f"{value!r} has spaces at an end (allowed: {allowed}, none at the ends)")
    return value


def _seed(value: int) -> int:
    """Seeds seed numpy's generators; they stay within a signed 64-bit integer."""
    if not 0 <= value < 2**63:
        raise ValueError(f"{value} is not allowed (allowed: 0 to 2**63 - 1)")
    return value


_IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.\-]*")


def _identifier(value: str) -> str:
    _text(value, empty=False)
    if not _IDENTIFIER.fullmatch(value):
        raise ValueError(f"{value!r} is not allowed (allowed: letters, digits, spaces and _ . -, "
                         "starting with a letter or digit)")
    return value


# A name is data (quoted in messages, routes and metrics keys): printable and short.
Name = Annotated[str, AfterValidator(lambda v: _text(v, empty=False))]
# A name that also names satellites and jobs: plain ASCII, as TLE files and tools expect.
Identifier = Annotated[str, AfterValidator(_identifier)]
# A label that may be empty (a jurisdiction, a provider).
Label = Annotated[str, AfterValidator(lambda v: _text(v, empty=True))]
Seed = Annotated[int, AfterValidator(_seed)]
