"""The deal: what a multi-year compute contract buys in orbit and on the ground, and who profits.

Built on the fleet stage's public parts: a budget buys the fleet of whole ships that
delivers the most GPU-hours over the term (along the launch cadence) or a ground data
centre of the same GPUs; the operator's cash flows give NPV, IRR, payback and the
break-even price per GPU-hour; the tenant's price is compared with dated public cloud list
prices, after the service credits the twin's availability and latency predict.

    model = DealModel(DealInputs(ship), contract, fleet, cost, ground)
    model.deal().metrics()                          # the scenario's contract
    model.evaluate(value_usd=[5e9, 15e9], term_years=[3, 5])   # many deals at once
"""

from aether.deal.evaluate import BATCH_FIELDS, DealBatch, DealInputs, DealModel, DealResult
from aether.deal.finance import irr, npv, payback_years
from aether.deal.prices import cloud_offers, cloud_price_table, cloud_price_usd_per_gpu_hour
from aether.settings.deal import ContractSettings, PromisedCompute, ServiceLevels

__all__ = [
    "BATCH_FIELDS", "ContractSettings", "DealBatch", "DealInputs", "DealModel", "DealResult",
    "PromisedCompute", "ServiceLevels", "cloud_offers", "cloud_price_table", "cloud_price_usd_per_gpu_hour",
    "irr", "npv", "payback_years",
]
