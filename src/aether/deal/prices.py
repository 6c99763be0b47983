"""Public cloud GPU rental prices: a bundled, dated and sourced table (data/cloud_gpu_prices.yaml).

Dated list prices, for comparison only: each offer names its page, the date the page gives
and the date it was read. `cloud_price_usd_per_gpu_hour(gpu, kind)` is the median offer.
"""

from functools import cache
from importlib import resources

import numpy as np
import yaml

KINDS = ("on_demand", "committed")


@cache
def cloud_price_table() -> dict:
    """{"read": date, "offers": [{provider, offer, gpu, kind, usd_per_gpu_hour, source, as_of}]}."""
    return yaml.safe_load(resources.files("aether.data").joinpath("cloud_gpu_prices.yaml").read_text())


def cloud_offers(gpu: str, kind: str) -> list[dict]:
    """The table's offers of one GPU model and kind (on_demand or committed)."""
    return [o for o in cloud_price_table()["offers"] if o["gpu"] == gpu and o["kind"] == kind]


def cloud_price_usd_per_gpu_hour(gpu: str, kind: str) -> float | None:
    """Median listed price per GPU-hour of a GPU model and kind; None when the table has none."""
    offers = cloud_offers(gpu, kind)
    return float(np.median([o["usd_per_gpu_hour"] for o in offers])) if offers else None
