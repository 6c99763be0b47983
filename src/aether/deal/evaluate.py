"""The deal from both sides: what the operator earns and the tenant pays, for many deals at once.

Time runs in years from signing. The fleet's year y starts at lead + y (lead: signing to the
first ship). Operator: capital at the start of each fleet year, operations and other
tenants' rent mid-year, service credits at the end of each year of service, the residual
value of hardware still flying credited at the end of the term; the tenant's payments by
the schedule. Tenant: the promised compute each year, what the fleet delivers of it
(availability) and the inference latency the twin measured, with the credits they earn.

Everything is an array over deals (`DealModel.evaluate`), grouped by term; a single deal
(`DealModel.deal`) is the same computation on arrays of one.
"""

from dataclasses import dataclass, field

import numpy as np

from aether.constants import HOURS_PER_YEAR
from aether.deal.finance import irr, npv, payback_years
from aether.deal.plan import FleetPricer, ground_block, ships_per_year, slot_plans
from aether.deal.prices import cloud_price_usd_per_gpu_hour
from aether.fleet import CostSettings, FleetSettings, GroundSettings, ShipSummary
from aether.settings.deal import ContractSettings

# Scalar results of a batch of deals: name -> [deal].
BATCH_FIELDS = ("value_usd", "term_years", "launch_price_factor", "gpu_usd", "budget_usd", "ships",
                "orbit_gpu_hours", "orbit_spend_usd", "ground_gpus", "ground_gpu_hours", "tenant_gpu_hours",
                "tenant_usd_per_gpu_hour", "credits_usd", "npv_usd", "irr", "payback_years",
                "breakeven_usd_per_gpu_hour")


@dataclass(frozen=True)
class DealInputs:
    """What the twin predicts and the deal takes as given: the ship (its delivered share of
    nominal compute: eclipse throttling), the tokens a GPU-hour serves at full load (the
    serving model; None without inference) and the share of inference requests meeting
    their latency SLO (None when not simulated)."""

    ship: ShipSummary
    tokens_per_gpu_hour: float | None = None
    latency_slo_attainment: float | None = None


@dataclass(frozen=True)
class DealBatch:
    """Scalar results of many deals, each an array [deal] named as in BATCH_FIELDS."""

    values: dict[str, np.ndarray]

    def __getitem__(self, name: str) -> np.ndarray:
        return self.values[name]

    def __len__(self) -> int:
        return int(self.values["value_usd"].size)


@dataclass(frozen=True)
class CashFlows:
    """Dated cash flows of one group of deals: [deal, event] at times [event], sorted."""

    times_years: np.ndarray
    kinds: np.ndarray              # [event] what each event is (payment, credit, capex, ...)
    operator_usd: np.ndarray       # [deal, event] signed, from the operator's side

    def by_year(self, kind: str) -> np.ndarray:
        """Sum of one kind of cash flow by calendar year from signing: [deal, year]."""
        years = int(np.floor(self.times_years.max())) + 1
        bins = np.floor(self.times_years).astype(int)
        out = np.zeros((self.operator_usd.shape[0], years))
        for b in range(years):
            mask = (bins == b) & (self.kinds == kind)
            out[:, b] = self.operator_usd[:, mask].sum(axis=-1)
        return out


@dataclass
class _Group:
    """The arrays of one term: inputs, fleets, tenant and operator figures, cash flows."""

    scalars: dict[str, np.ndarray]
    yearly: dict[str, np.ndarray] = field(default_factory=dict)
    cash: CashFlows | None = None


class DealModel:
    """A contract on a fleet: the ship, fleet rules, prices and ground site are fixed; value,
    term, launch price and GPU price may vary per deal. The fleet stage's one-slot plans and
    ground blocks are computed once per term and reused by every deal."""

    def __init__(self, inputs: DealInputs, contract: ContractSettings, fleet: FleetSettings,
                 cost: CostSettings, ground: GroundSettings):
        self.inputs, self.contract, self.fleet, self.cost, self.ground = inputs, contract, fleet, cost, ground
        self.per_year = ships_per_year(inputs.ship, fleet, contract.launches_per_year)
        self.discount_rate = cost.discount_rate if contract.discount_rate is None else contract.discount_rate
        self._pricers: dict[int, FleetPricer] = {}
        self._ground: dict[int, object] = {}

    def pricer(self, years: int) -> FleetPricer:
        if years not in self._pricers:
            slots = slot_plans(self.inputs.ship, self.fleet, self.ground, years)
            self._pricers[years] = FleetPricer(self.inputs.ship, self.fleet, self.cost, slots, self.per_year)
        return self._pricers[years]

    def ground_block(self, years: int):
        if years not in self._ground:
            self._ground[years] = ground_block(self.inputs.ship, self.fleet, self.cost, self.ground, years)
        return self._ground[years]

    def evaluate(self, value_usd=None, term_years=None, launch_price_factor=1.0, gpu_usd=None,
                 budget_usd=None) -> DealBatch:
        """Many deals at once (arguments broadcast; None: the contract's or cost settings'
        figure). The budget is the value unless the contract or `budget_usd` names one."""
        c = self.contract
        value = np.asarray(c.value_usd if value_usd is None else value_usd, float)
        if budget_usd is None:
            budget_usd = value if c.budget_usd is None else c.budget_usd
        arrays = np.broadcast_arrays(
            value, np.asarray(c.term_years if term_years is None else term_years, np.int64),
            np.asarray(launch_price_factor, float),
            np.asarray(self.cost.gpu_usd if gpu_usd is None else gpu_usd, float),
            np.asarray(budget_usd, float))
        value, term, factor, gpu, budget = (np.ravel(a) for a in arrays)
        out = {k: np.zeros(value.size) for k in BATCH_FIELDS}
        for years in np.unique(term):
            rows = term == years
            group = self._group(int(years), value[rows], factor[rows], gpu[rows], budget[rows])
            for k in BATCH_FIELDS:
                out[k][rows] = group.scalars[k]
        return DealBatch({k: v.reshape(arrays[0].shape) for k, v in out.items()})

    def deal(self) -> "DealResult":
        """The scenario's contract as it stands, with its yearly figures and cash flows."""
        c = self.contract
        group = self._group(c.term_years, np.array([c.value_usd]), np.array([1.0]), np.array([self.cost.gpu_usd]),
                            np.array([c.budget]))
        return DealResult(self, group)

    def _group(self, years: int, value, factor, gpu, budget) -> _Group:
        c, sla = self.contract, self.contract.service
        pricer = self.pricer(years)
        fleets = pricer.fleets(pricer.most_ships(budget, factor, gpu), factor, gpu)

        # The tenant's compute: promised, delivered (availability) and what is left for others.
        delivered, nominal = fleets.gpu_hours, fleets.nominal_gpu_hours
        promise = c.compute
        if promise.kind == "fleet_share":
            promised = promise.fleet_share * nominal
            tenant = promise.fleet_share * delivered
        else:
            per_year = (promise.gpus * HOURS_PER_YEAR if promise.kind == "gpus" else promise.gpu_hours_per_year)
            promised = np.full_like(delivered, per_year)
            tenant = np.minimum(promised, delivered)
        with np.errstate(invalid="ignore", divide="ignore"):
            availability = np.where(promised > 0, tenant / np.where(promised > 0, promised, 1.0), 1.0)
        spare = delivered - tenant
        market = spare * c.market_utilisation * c.market_usd_per_gpu_hour

        # Service credits: points short of each level, as a share of the year's value.
        points = sla.availability_credit_per_point * np.maximum(0.0, sla.availability - availability) * 100
        attainment = self.inputs.latency_slo_attainment
        if attainment is not None:
            points = points + sla.latency_credit_per_point * max(0.0, sla.latency_slo_attainment - attainment) * 100
        credit_share = np.minimum(points, sla.max_credit_share)
        year_value = value[:, None] / years
        credits = credit_share * year_value

        # Dated cash flows from the operator's side.
        lead, y = c.lead_years, np.arange(years, dtype=float)
        if c.payment == "upfront":
            pay_t, pay_share = np.array([0.0]), np.array([1.0])
        elif c.payment == "even":
            pay_t, pay_share = lead + y + 0.5, np.full(years, 1.0 / years)
        else:
            pay_t, pay_share = lead + y, np.asarray(c.milestones, float)
        per_value = [("payment", pay_t, pay_share[None, :].repeat(value.size, 0)),
                     ("credit", lead + y + 1.0, -credit_share / years)]
        fixed = [("capex", lead + y, -fleets.capex_usd), ("opex", lead + y + 0.5, -fleets.opex_usd),
                 ("market", lead + y + 0.5, market),
                 ("residual", np.array([lead + years]), fleets.residual_usd[:, None])]
        times = np.concatenate([t for _, t, _ in per_value + fixed])
        kinds = np.concatenate([[k] * len(t) for k, t, _ in per_value + fixed])
        unit = np.concatenate([v for _, _, v in per_value] + [np.zeros((value.size, len(t))) for _, t, _ in fixed], 1)
        base = np.concatenate([np.zeros((value.size, len(t))) for _, t, _ in per_value] + [v for _, _, v in fixed], 1)
        order = np.argsort(times, kind="stable")
        times, kinds, unit, base = times[order], kinds[order], unit[:, order], base[:, order]
        cash = base + value[:, None] * unit

        # NPV is affine in the value (payments and credits scale with it): the break-even
        # value sets it to zero; the break-even price spreads that over the tenant's GPU-hours.
        rate = self.discount_rate
        pv_unit, pv_base = npv(unit, times, rate), npv(base, times, rate)
        tenant_hours = tenant.sum(axis=-1)
        credits_total = credits.sum(axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            breakeven_value = np.where(pv_unit > 0, -pv_base / pv_unit, np.nan)
            price = np.where(tenant_hours > 0, (value - credits_total) / tenant_hours, np.nan)
            breakeven_price = np.where(tenant_hours > 0, breakeven_value / tenant_hours, np.nan)

        block = self.ground_block(years)
        blocks = budget / block.spend_usd(gpu)
        scalars = {
            "value_usd": value, "term_years": np.full(value.size, years, float), "launch_price_factor": factor,
            "gpu_usd": gpu, "budget_usd": budget, "ships": fleets.ships.astype(float),
            "orbit_gpu_hours": delivered.sum(axis=-1), "orbit_spend_usd": fleets.spend_usd,
            "ground_gpus": blocks * block.gpus, "ground_gpu_hours": blocks * block.gpu_hours,
            "tenant_gpu_hours": tenant_hours, "tenant_usd_per_gpu_hour": price, "credits_usd": credits_total,
            "npv_usd": npv(cash, times, rate), "irr": irr(cash, times), "payback_years": payback_years(cash, times),
            "breakeven_usd_per_gpu_hour": breakeven_price,
            # Single-deal extras.
            "orbit_energy_mwh": fleets.energy_mwh, "orbit_residual_usd": fleets.residual_usd,
            "ground_energy_mwh": blocks * block.energy_mwh, "ground_spend_usd": blocks * block.spend_usd(gpu),
            "ground_usd_per_gpu_hour": block.spend_usd(gpu) / block.gpu_hours,
            "market_gpu_hours": (spare * c.market_utilisation).sum(axis=-1),
        }
        yearly = {"ships_launched": fleets.launched, "ships_in_service": fleets.in_service,
                  "flights": fleets.flights, "gpu_hours": delivered, "nominal_gpu_hours": nominal,
                  "tenant_gpu_hours": tenant, "promised_gpu_hours": promised, "availability": availability,
                  "credits_usd": credits, "market_usd": market, "capex_usd": fleets.capex_usd,
                  "opex_usd": fleets.opex_usd}
        return _Group(scalars, yearly, CashFlows(times, kinds, cash))


def _f(x) -> float | None:
    """A plain float, or None for NaN (not defined) and infinities."""
    x = float(x)
    return x if np.isfinite(x) else None


class DealResult:
    """One deal: the fleet it buys in orbit and on the ground, the operator's cash flows and
    returns, the tenant's price against public clouds, and a one-line verdict."""

    def __init__(self, model: DealModel, group: _Group):
        self.model, self.contract = model, model.contract
        self.s = {k: v[0] for k, v in group.scalars.items()}
        self.yearly = {k: v[0] for k, v in group.yearly.items()}
        self.cash = group.cash

    def _tokens(self, gpu_hours: float) -> float | None:
        tokens = self.model.inputs.tokens_per_gpu_hour
        return None if tokens is None else gpu_hours * tokens

    def usd_per_million_tokens(self, usd_per_gpu_hour: float | None) -> float | None:
        tokens = self.model.inputs.tokens_per_gpu_hour
        return None if tokens is None or usd_per_gpu_hour is None else usd_per_gpu_hour / tokens * 1e6

    def cash_by_year(self) -> dict[str, np.ndarray]:
        """The operator's cash flows by year from signing, by kind (USD, signed)."""
        return {k: self.cash.by_year(k)[0] for k in ("payment", "credit", "market", "capex", "opex", "residual")}

    @property
    def verdict(self) -> str:
        s = self.s
        price, breakeven, npv_usd = _f(s["tenant_usd_per_gpu_hour"]), _f(s["breakeven_usd_per_gpu_hour"]), s["npv_usd"]
        if price is None:
            return "the budget buys no ship within the term, so the deal delivers nothing in orbit"
        cloud = self.cloud_usd_per_gpu_hour()
        side = (f"the operator {'gains' if npv_usd >= 0 else 'loses'} ${abs(npv_usd) / 1e9:,.2f} B (NPV) at "
                f"${price:,.2f} per GPU-hour, break-even ${breakeven:,.2f}" if breakeven is not None else
                f"NPV ${npv_usd / 1e9:,.2f} B at ${price:,.2f} per GPU-hour")
        if cloud is None:
            return side
        return side + (f"; the tenant pays {'less' if price <= cloud else 'more'} than ${cloud:,.2f} "
                       f"for {self.model.inputs.ship.gpu_model} from public clouds")

    def cloud_usd_per_gpu_hour(self) -> float | None:
        """The cloud price compared with: committed use where the table has one, else on-demand."""
        gpu = self.model.inputs.ship.gpu_model
        committed = cloud_price_usd_per_gpu_hour(gpu, "committed")
        return committed if committed is not None else cloud_price_usd_per_gpu_hour(gpu, "on_demand")

    def metrics(self) -> dict:
        """JSON-ready summary (keys documented in docs/metrics.md)."""
        s, c, m = self.s, self.contract, self.model
        gpu = m.inputs.ship.gpu_model
        price = _f(s["tenant_usd_per_gpu_hour"])
        cloud = {kind: cloud_price_usd_per_gpu_hour(gpu, kind) for kind in ("on_demand", "committed")}
        by_year = self.cash_by_year()
        tenant_hours = float(s["tenant_gpu_hours"])
        return {
            "contract": {
                "value_usd": c.value_usd, "term_years": c.term_years, "lead_years": c.lead_years,
                "payment": c.payment, "compute": c.compute.kind, "budget_usd": c.budget,
                "discount_rate": m.discount_rate,
            },
            "orbit": {
                "ships": int(s["ships"]), "ships_per_year_max": m.per_year,
                "gpus": int(s["ships"]) * m.inputs.ship.gpus, "gpu_hours": float(s["orbit_gpu_hours"]),
                "tokens": self._tokens(float(s["orbit_gpu_hours"])), "energy_mwh": float(s["orbit_energy_mwh"]),
                "spend_usd": float(s["orbit_spend_usd"]), "residual_usd": float(s["orbit_residual_usd"]),
                "usd_per_gpu_hour": _f(s["orbit_spend_usd"] / s["orbit_gpu_hours"]) if s["orbit_gpu_hours"] else None,
                "ships_launched": self.yearly["ships_launched"].tolist(),
                "flights": self.yearly["flights"].astype(int).tolist(),
                "gpu_hours_by_year": self.yearly["gpu_hours"].tolist(),
            },
            "ground": {
                "gpus": float(s["ground_gpus"]), "gpu_hours": float(s["ground_gpu_hours"]),
                "tokens": self._tokens(float(s["ground_gpu_hours"])), "energy_mwh": float(s["ground_energy_mwh"]),
                "spend_usd": float(s["ground_spend_usd"]), "usd_per_gpu_hour": float(s["ground_usd_per_gpu_hour"]),
            },
            "operator": {
                "npv_usd": float(s["npv_usd"]), "irr": _f(s["irr"]), "payback_years": _f(s["payback_years"]),
                "breakeven_usd_per_gpu_hour": _f(s["breakeven_usd_per_gpu_hour"]),
                "market_gpu_hours": float(s["market_gpu_hours"]),
                "by_year": {f"{k}_usd": v.tolist() for k, v in by_year.items()},
            },
            "tenant": {
                "gpu_hours": tenant_hours, "tokens": self._tokens(tenant_hours),
                "availability_by_year": self.yearly["availability"].tolist(),
                "latency_slo_attainment": m.inputs.latency_slo_attainment,
                "credits_usd": float(s["credits_usd"]), "usd_per_gpu_hour": price,
                "usd_per_million_tokens": self.usd_per_million_tokens(price),
                "cloud_gpu": gpu,
                "cloud_usd_per_gpu_hour": cloud,
                "cloud_usd": {k: None if v is None else v * tenant_hours for k, v in cloud.items()},
            },
            "verdict": self.verdict,
        }
