"""The one base model every scenario section derives from.

Its rules hold for every field of every section: unknown keys are refused, a loaded
scenario is immutable, and no number may be NaN or infinite.
"""

from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticCustomError


class SettingsModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def at_field(loc: tuple, message: str) -> PydanticCustomError:
    """A model-level problem reported at one of its fields (loc below the model)."""
    return PydanticCustomError("field_problem", message, {"loc": loc})


def dotted(loc: tuple) -> str:
    """('spacecraft', 1, 'name') -> 'spacecraft[1].name'."""
    return "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in loc).lstrip(".")
