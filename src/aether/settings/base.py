"""The one base model every scenario section derives from.

Its rules hold for every field of every section: unknown keys are refused, a loaded
scenario is immutable, and no number may be NaN or infinite.
"""

from pydantic import BaseModel, ConfigDict


class SettingsModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
