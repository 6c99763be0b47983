"""Launches: flights per ship on a vehicle, the price per kg by year, launched-power price.

Pure functions over numpy arrays; mass in kg, money in US dollars.
"""

import numpy as np

from aether.settings.fleet import FixedLaunchPrice, LaunchPrice, WrightLaunchPrice


def launches_per_ship(mass_kg: float, payload_kg: float) -> float:
    """Vehicle loads one ship fills: mass / payload (0.3 means three ships share a flight)."""
    return mass_kg / payload_kg


def flights(ships_launched, mass_kg: float, payload_kg: float) -> np.ndarray:
    """Whole flights to launch `ships_launched` ships (array over years).

    Ships lighter than the payload share flights (whole ships per flight); heavier ships
    take ceil(mass / payload) flights each and are assembled in orbit.
    """
    ships = np.asarray(ships_launched, dtype=np.int64)
    if mass_kg <= payload_kg:
        per_flight = int(payload_kg // mass_kg)
        return -(-ships // per_flight)
    return ships * int(np.ceil(mass_kg / payload_kg - 1e-12))


def wright_exponent(learning_rate: float) -> float:
    """b in price ~ M**b: each doubling multiplies the price by (1 - learning_rate)."""
    return float(np.log2(1.0 - learning_rate))


def wright_price_usd_per_kg(cumulative_kg, reference_usd_per_kg: float, reference_kg: float,
                            learning_rate: float) -> np.ndarray:
    """The marginal price at cumulative mass launched (Wright's law)."""
    b = wright_exponent(learning_rate)
    return reference_usd_per_kg * (np.asarray(cumulative_kg, float) / reference_kg) ** b


def wright_mean_price_usd_per_kg(start_kg, end_kg, reference_usd_per_kg: float,
                                 reference_kg: float, learning_rate: float) -> np.ndarray:
    """Exact mean price over the mass launched between two cumulative totals.

    The integral of the curve from start to end divided by the mass; where no mass is
    launched (end == start) the marginal price at start.
    """
    start = np.asarray(start_kg, float)
    end = np.asarray(end_kg, float)
    b = wright_exponent(learning_rate)
    marginal = wright_price_usd_per_kg(start, reference_usd_per_kg, reference_kg, learning_rate)
    span = end - start
    if abs(b + 1.0) < 1e-12:  # learning rate 50%: the integral is logarithmic
        integral = reference_usd_per_kg * reference_kg * np.log(np.where(span > 0, end / start, 1.0))
    else:
        integral = (reference_usd_per_kg * reference_kg / (b + 1.0)
                    * ((end / reference_kg) ** (b + 1.0) - (start / reference_kg) ** (b + 1.0)))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(span > 0, integral / np.where(span > 0, span, 1.0), marginal)


def launch_price_by_year(model: LaunchPrice, mass_launched_kg) -> np.ndarray:
    """$/kg paid in each year for that year's launches (array [..., year]: leading axes are
    independent fleets)."""
    mass = np.asarray(mass_launched_kg, float)
    if isinstance(model, FixedLaunchPrice):
        return np.full(mass.shape, model.usd_per_kg)
    assert isinstance(model, WrightLaunchPrice)
    reference_kg = model.reference_t * 1000.0
    yearly = mass + model.background_t_per_year * 1000.0
    end = reference_kg + np.cumsum(yearly, axis=-1)
    start = end - yearly
    price = wright_mean_price_usd_per_kg(start, end, model.reference_usd_per_kg, reference_kg,
                                         model.learning_rate)
    return np.maximum(price, model.floor_usd_per_kg)


def launched_power_usd_per_kw_year(mass_kg, launch_usd_per_kg, power_w, lifetime_years):
    """Suncatcher's launched-power price: mass x launch price / (power x lifetime), $/kW/yr.

    (Project Suncatcher, arXiv 2511.19468.) Works on arrays.
    """
    return (np.asarray(mass_kg, float) * launch_usd_per_kg
            / (np.asarray(power_w, float) / 1000.0 * lifetime_years))


def launch_cost_usd(mass_kg, usd_per_kg):
    """What launching a mass costs at a price per kg (arrays over years work)."""
    return np.asarray(mass_kg, float) * np.asarray(usd_per_kg, float)
