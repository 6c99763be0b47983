"""Settings of a compute contract: what the tenant pays, over what term, for what compute,
under which service levels (pydantic v2, frozen).

The scenario holds one as its optional `contract` section; defaults come with their
sources from aether/data/cost_defaults.yaml (section `contract`).
"""

from datetime import date
from typing import Annotated, Literal

from pydantic import model_validator

from aether.constants import DAYS_PER_YEAR
from aether.settings.base import LAX, SettingsModel, at_field, bounded
from aether.settings.defaults import default_value
from aether.settings.fleet import PRICE_MAX_USD, DiscountRate, Share

# A deal of up to ten trillion dollars; terms and lead times of a few decades at most.
VALUE_MAX_USD = 1e13
MAX_TERM_YEARS = 30
MAX_LEAD_YEARS = 10


def _d(name: str):
    return default_value("contract", name)


class PromisedCompute(SettingsModel):
    """The compute the tenant buys: give one of a number of GPUs reserved all the time,
    GPU-hours a year, or a share of the fleet's nominal GPU-hours."""

    gpus: Annotated[int, bounded(1, 100_000_000, " GPUs")] | None = None
    gpu_hours_per_year: Annotated[float, bounded(0, 1e12, " GPU-hours", lo_open=True)] | None = None
    fleet_share: Annotated[float, bounded(0, 1, lo_open=True, hint=" as a fraction")] | None = None

    @model_validator(mode="after")
    def _one(self):
        given = [k for k in ("gpus", "gpu_hours_per_year", "fleet_share") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"{' and '.join(given) or 'nothing'} given (allowed: exactly one of gpus, "
                             "gpu_hours_per_year, fleet_share)")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in ("gpus", "gpu_hours_per_year", "fleet_share") if getattr(self, k) is not None)


class ServiceLevels(SettingsModel):
    """Service levels and the credits the operator owes when the twin predicts a miss.

    Each year, credits = (points of availability short x availability_credit_per_point
    + points of latency attainment short x latency_credit_per_point) x the year's share of
    the contract value, at most max_credit_share of it.
    """

    availability: Annotated[float, bounded(0, 1, lo_open=True)] = _d("availability")
    availability_credit_per_point: Share = _d("availability_credit_per_point")
    latency_slo_attainment: Annotated[float, bounded(0, 1, lo_open=True)] = _d("latency_slo_attainment")
    latency_credit_per_point: Share = _d("latency_credit_per_point")
    max_credit_share: Share = _d("max_credit_share")


class ContractSettings(SettingsModel):
    """A multi-year compute contract between an anchor tenant and the fleet's operator."""

    value_usd: Annotated[float, bounded(0, VALUE_MAX_USD, " USD", lo_open=True)]
    # Years of service, counted from the first ship's date.
    term_years: Annotated[int, bounded(1, MAX_TERM_YEARS, " years")]
    signed: Annotated[date, LAX]
    first_ship: Annotated[date, LAX]
    # upfront: the whole value at signing; even: equal payments in the middle of each
    # year of service; milestones: the given shares at the start of each year of service.
    payment: Literal["upfront", "even", "milestones"] = "even"
    milestones: list[Share] | None = None
    compute: PromisedCompute = PromisedCompute(fleet_share=1.0)
    service: ServiceLevels = ServiceLevels()
    # Money the operator may spend building and running the fleet over the term (None: the value).
    budget_usd: Annotated[float, bounded(0, VALUE_MAX_USD, " USD", lo_open=True)] | None = None
    # Launch cadence available to build the fleet (flights a year).
    launches_per_year: Annotated[int, bounded(1, 10_000, " flights/year")] = _d("launches_per_year")
    # Other tenants rent the capacity the anchor tenant leaves, at this price and share.
    market_usd_per_gpu_hour: Annotated[float, bounded(0, PRICE_MAX_USD)] = _d("market_usd_per_gpu_hour")
    market_utilisation: Share = _d("market_utilisation")
    # The operator's discount rate (None: cost.discount_rate).
    discount_rate: DiscountRate | None = None

    @model_validator(mode="after")
    def _dates_and_schedule(self):
        lead = (self.first_ship - self.signed).days / DAYS_PER_YEAR
        if not 0 <= lead <= MAX_LEAD_YEARS:
            raise at_field(("first_ship",), f"{self.first_ship} is {lead:.2f} years after signed {self.signed} "
                           f"(allowed: 0 to {MAX_LEAD_YEARS} years after signing)")
        if (self.payment == "milestones") != (self.milestones is not None):
            raise at_field(("milestones",), "milestones go with payment: milestones, and only with it "
                           "(allowed: one share per year of service)")
        if self.milestones is not None:
            if len(self.milestones) != self.term_years:
                raise at_field(("milestones",), f"{len(self.milestones)} shares for a {self.term_years}-year "
                               "term (allowed: one share per year of service)")
            if abs(sum(self.milestones) - 1.0) > 1e-9:
                raise at_field(("milestones",), f"the shares add up to {sum(self.milestones):g} "
                               "(allowed: shares adding up to 1)")
        return self

    @property
    def lead_years(self) -> float:
        """Years from signing to the first ship (Julian years of 365.25 days)."""
        return (self.first_ship - self.signed).days / DAYS_PER_YEAR

    @property
    def budget(self) -> float:
        return self.value_usd if self.budget_usd is None else self.budget_usd

