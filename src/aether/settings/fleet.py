"""Settings of the fleet, cost and ground-baseline models (pydantic v2, frozen).

Every default comes from aether/data/cost_defaults.yaml, where each figure carries its
source. Out-of-range values fail with a message that says what is allowed. The scenario
holds these as its `fleet`, `cost` and `ground_dc` sections.
"""

from typing import Annotated, Literal

from pydantic import Field, model_validator

from aether.settings.base import Seed, SettingsModel, bounded
from aether.settings.defaults import default_value


def _d(section: str, name: str):
    return default_value(section, name)


# Money: never negative, and below a trillion dollars a unit, so every total stays finite.
PRICE_MAX_USD = 1e12
Price = Annotated[float, bounded(0, PRICE_MAX_USD, hint="; a price cannot be negative")]
Share = Annotated[float, bounded(0, 1, hint=" as a fraction, e.g. 0.05 for 5%")]
ShareBelowOne = Annotated[float, bounded(0, 1, hi_open=True, hint=" as a fraction")]
Years = Annotated[int, bounded(1, 100, " years", hint="; a lifetime or horizon of zero is meaningless")]
DiscountRate = Annotated[float, bounded(0, 1, hint=" per year as a fraction, e.g. 0.08 for 8%")]


class FixedLaunchPrice(SettingsModel):
    """One launch price per kg for every year."""

    kind: Literal["fixed"] = "fixed"
    usd_per_kg: Price = _d("fleet", "launch_usd_per_kg")


class WrightLaunchPrice(SettingsModel):
    """Wright's law: the price falls by `learning_rate` per doubling of cumulative mass.

    price(M) = reference_usd_per_kg * (M / reference_t) ** log2(1 - learning_rate), where
    M is the cumulative mass launched: reference_t when the plan starts, plus this fleet's
    launches and `background_t_per_year` launched by others. A year's price is the exact
    mean of the curve over the mass launched in it. Never below floor_usd_per_kg.
    """

    kind: Literal["wright"] = "wright"
    reference_usd_per_kg: Price = _d("fleet", "launch_usd_per_kg")
    reference_t: Annotated[float, bounded(0, 1e9, " t", lo_open=True)] = _d("fleet", "learning_reference_t")
    learning_rate: ShareBelowOne = _d("fleet", "learning_rate")
    background_t_per_year: Annotated[float, bounded(0, 1e9, " t/year")] = _d("fleet", "learning_background_t_per_year")
    floor_usd_per_kg: Price = 0.0


LaunchPrice = Annotated[FixedLaunchPrice | WrightLaunchPrice, Field(discriminator="kind")]


class FleetSettings(SettingsModel):
    """The fleet over the years: deployment, launches, ageing, replacement and upgrades."""

    ships: Annotated[int, bounded(1, 1_000_000, " ships")] = 1
    # Ships first launched in each year of the plan (year 0 first); None: all in year 0.
    deployment_per_year: list[Annotated[int, bounded(0, 1_000_000, " ships")]] | None = None
    years: Years = _d("fleet", "years")
    lifetime_years: Years = _d("fleet", "lifetime_years")
    # At end of life (or an early-retirement trigger) a ship is de-orbited and, when
    # true, replaced by a new one carrying the newest accelerator generation.
    replace_at_end_of_life: bool = True
    # Retire a ship early once its working compute falls below this share (0: never).
    min_capacity_fraction: Share = 0.0
    # A new accelerator generation every N years (None: no new generations) with this
    # gain in performance per watt, so the same ship power yields more compute.
    upgrade_every_years: Annotated[int, bounded(1, 100, " years")] | None = _d(
        "fleet", "upgrade_every_years")
    upgrade_perf_per_w_gain: Annotated[float, bounded(0, 10)] = _d("fleet", "upgrade_perf_per_w_gain")
    # Upgrade missions: retire a ship early when the newest generation's perf/W is at
    # least this multiple of the ship's own (None: upgrade only at end of life).
    upgrade_min_gain: Annotated[float, bounded(1, 100, "x", lo_open=True)] | None = None
    # Launch vehicle and price.
    # From a small launcher's 0.1 t (Rocket Lab Electron: about 0.3 t to LEO) to 1,000 t.
    payload_t: Annotated[float, bounded(0.1, 1000, " t")] = _d("fleet", "payload_t")
    launch_price: LaunchPrice = WrightLaunchPrice()
    launch_tco2_per_flight: Annotated[float, bounded(0, 1e6, " t")] = _d("fleet", "launch_tco2_per_flight")
    launch_water_m3_per_flight: Annotated[float, bounded(0, 1e6, " m3")] = _d("fleet", "launch_water_m3_per_flight")
    # Ageing.
    solar_degradation_per_year: ShareBelowOne = _d("fleet", "solar_degradation_per_year")
    solar_margin: Annotated[float, bounded(0, 10)] = _d("fleet", "solar_margin")
    gpu_annual_failure_rate: ShareBelowOne = _d("fleet", "gpu_annual_failure_rate")
    spare_gpu_fraction: Share = _d("fleet", "spare_gpu_fraction")
    dose_rad_per_year: Annotated[float, bounded(0, 1e7, " rad/year")] = _d("fleet", "dose_rad_per_year")
    dose_limit_rad: Annotated[float, bounded(0, 1e9, " rad", lo_open=True)] = _d("fleet", "dose_limit_rad")
    commissioning_years: ShareBelowOne = _d("fleet", "commissioning_years")
    spacecraft_kgco2_per_kg: Annotated[float, bounded(0, 1e4)] = _d("fleet", "spacecraft_kgco2_per_kg")
    # "expected": GPU failures as expected fractions; "random": binomial draws per ship
    # and year from one generator seeded with `seed`.
    failures: Literal["expected", "random"] = "expected"
    seed: Seed = 0

    @model_validator(mode="after")
    def _schedule(self):
        if self.deployment_per_year is not None:
            total = sum(self.deployment_per_year)
            if total != self.ships:
                raise ValueError(
                    f"deployment_per_year adds up to {total} ships but ships is {self.ships} "
                    "(allowed: a schedule whose years add up to ships)")
            if len(self.deployment_per_year) > self.years:
                raise ValueError(
                    f"deployment_per_year has {len(self.deployment_per_year)} years, longer than "
                    f"the plan's {self.years} (allowed: at most `years` entries)")
        return self

    def deploy_year_per_ship(self) -> list[int]:
        """The year each ship slot is first launched."""
        schedule = self.deployment_per_year or [self.ships]
        return [year for year, count in enumerate(schedule) for _ in range(count)]


class CostSettings(SettingsModel):
    """Prices of hardware, launches and operations, and the financing."""

    gpu_usd: Price = _d("cost", "gpu_usd")
    bus_usd_per_kg: Price = _d("cost", "bus_usd_per_kg")
    # Solar arrays by rated power (the ship's total power) or by area: give one.
    solar_usd_per_w: Price | None = _d("cost", "solar_usd_per_w")
    solar_usd_per_m2: Price | None = None
    radiator_usd_per_m2: Price = _d("cost", "radiator_usd_per_m2")
    battery_usd_per_kwh: Price = _d("cost", "battery_usd_per_kwh")
    ground_segment_usd_per_year: Price = _d("cost", "ground_segment_usd_per_year")
    operations_usd_per_ship_year: Price = _d("cost", "operations_usd_per_ship_year")
    deorbit_usd_per_ship: Price = _d("cost", "deorbit_usd_per_ship")
    insurance_fraction: Share = _d("cost", "insurance_fraction")
    discount_rate: DiscountRate = _d("cost", "discount_rate")
    # Credit hardware still in service at the end of the plan by its remaining life.
    credit_residual_value: bool = True

    @model_validator(mode="before")
    @classmethod
    def _one_solar_price(cls, data):
        if isinstance(data, dict) and data.get("solar_usd_per_m2") is not None:
            if data.get("solar_usd_per_w") is not None:
                raise ValueError("give one of solar_usd_per_w or solar_usd_per_m2, not both")
            data = {**data, "solar_usd_per_w": None}
        return data

    @model_validator(mode="after")
    def _solar_given(self):
        if self.solar_usd_per_w is None and self.solar_usd_per_m2 is None:
            raise ValueError("give one of solar_usd_per_w or solar_usd_per_m2")
        return self


class GroundSettings(SettingsModel):
    """The terrestrial data centre that runs the same GPUs."""

    construction_usd_per_mw: Price = _d("ground", "construction_usd_per_mw")
    facility_life_years: Years = _d("ground", "facility_life_years")
    electricity_usd_per_kwh: Price = _d("ground", "electricity_usd_per_kwh")
    pue: Annotated[float, bounded(1, 5)] = _d("ground", "pue")
    water_l_per_kwh: Annotated[float, bounded(0, 100, " l/kWh")] = _d("ground", "water_l_per_kwh")
    water_usd_per_m3: Price = _d("ground", "water_usd_per_m3")
    grid_gco2_per_kwh: Annotated[float, bounded(0, 2000, " g/kWh")] = _d("ground", "grid_gco2_per_kwh")
    backup_usd_per_mw: Price = _d("ground", "backup_usd_per_mw")
    operations_usd_per_mw_year: Price = _d("ground", "operations_usd_per_mw_year")
    gpu_refresh_years: Years = _d("ground", "gpu_refresh_years")
    availability: Annotated[float, bounded(0, 1, lo_open=True)] = _d("ground", "availability")
    gpu_kgco2: Annotated[float, bounded(0, 1e5, " kg")] = _d("ground", "gpu_kgco2")
    server_kgco2: Annotated[float, bounded(0, 1e6, " kg")] = _d("ground", "server_kgco2")
    gpus_per_server: Annotated[int, bounded(1, 1000)] = _d("ground", "gpus_per_server")
    construction_tco2_per_mw: Annotated[float, bounded(0, 1e5, " t/MW")] = _d("ground", "construction_tco2_per_mw")

    @property
    def manufacturing_kgco2_per_gpu(self) -> float:
        """Embodied emissions of one GPU and its share of the server."""
        return self.gpu_kgco2 + self.server_kgco2 / self.gpus_per_server
