"""Energy and heat balance over time, vectorised over ships.

The time loop steps every ship at once with a fixed handful of in-place numpy
operations; everything that does not depend on the state (array output, absorbed
environment, discharge limits) is computed for the whole chunk beforehand, and the
energy bookkeeping (curtailment, battery losses) afterwards from the state history.

Per step of length dt and for each ship:
1. heat cap: the most heat the radiator loop may take so its temperature stays at or
   below the limit (semi-implicit step of C dT/dt = Q + absorbed - emitted);
2. power available: array output plus battery discharge (down to the depth-of-discharge
   floor; in shadow at most the reserve power that lasts the longest eclipse; in full
   sunlight only for the bus);
3. load = min(full load, heat cap, power available), never below the bus while power
   exists;
4. surplus charges the battery (charge-rate limit, charge efficiency, up to full); the
   rest is curtailed; a deficit discharges it (discharge efficiency);
5. the radiator temperature advances with the load as heat.
Powers hold over the step [t_k, t_k + dt); states are those at its end.
"""

from dataclasses import dataclass, fields

import numpy as np

from aether.ship.constants import STEFAN_BOLTZMANN_W_M2_K4


@dataclass
class ShipParams:
    """Per ship figures, each an array [ship], SI units."""

    full_load_w: np.ndarray        # bus + server overhead + GPU board power at full power
    bus_w: np.ndarray              # load served first, never shed
    energy_max_j: np.ndarray       # battery capacity
    energy_min_j: np.ndarray       # floor from the usable depth of discharge
    charge_efficiency: np.ndarray
    discharge_efficiency: np.ndarray
    max_charge_w: np.ndarray       # charge-rate limit
    eclipse_discharge_w: np.ndarray  # reserve: power the usable energy keeps up over the longest eclipse
    radiator_area_m2: np.ndarray
    radiator_emissivity: np.ndarray
    radiator_sides: np.ndarray
    heat_capacity_j_k: np.ndarray
    temperature_limit_k: np.ndarray

    @property
    def count(self) -> int:
        return int(np.asarray(self.full_load_w).size)

    @classmethod
    def stack(cls, items: list["ShipParams"]) -> "ShipParams":
        return cls(**{f.name: np.concatenate([np.atleast_1d(getattr(i, f.name)) for i in items])
                      for f in fields(cls)})


@dataclass
class ShipState:
    energy_j: np.ndarray
    temperature_k: np.ndarray


@dataclass
class Integration:
    """Timelines [time, ship] of one integrated chunk."""

    solar_w: np.ndarray
    load_w: np.ndarray
    energy_j: np.ndarray          # battery energy at the end of each step
    temperature_k: np.ndarray     # radiator temperature at the end of each step
    initial: ShipState
    final: ShipState

    def bookkeeping(self, params: ShipParams, step_s: float) -> dict[str, np.ndarray]:
        """Energy per ship (J) over the chunk: generated, used, stored, battery loss, curtailed."""
        before = np.vstack([self.initial.energy_j[None, :], self.energy_j[:-1]])
        delta = self.energy_j - before
        charge_w = np.maximum(delta, 0.0) / (params.charge_efficiency * step_s)
        discharge_w = np.maximum(self.load_w - self.solar_w, 0.0)
        curtailed_w = np.maximum(self.solar_w - self.load_w, 0.0) - charge_w
        loss_w = (charge_w * (1.0 - params.charge_efficiency)
                  + discharge_w * (1.0 / params.discharge_efficiency - 1.0))
        return {
            "generated_j": self.solar_w.sum(axis=0) * step_s,
            "used_j": self.load_w.sum(axis=0) * step_s,
            "stored_j": self.final.energy_j - self.initial.energy_j,
            "battery_loss_j": loss_w.sum(axis=0) * step_s,
            "curtailed_j": np.maximum(curtailed_w, 0.0).sum(axis=0) * step_s,
        }


def integrate(
    params: ShipParams, solar_w: np.ndarray, absorbed_w: np.ndarray, in_shadow: np.ndarray,
    step_s: float, state: ShipState, sigma: float = STEFAN_BOLTZMANN_W_M2_K4,
    out_dtype=np.float64,
) -> Integration:
    """Step every ship over a chunk.

    solar_w: array output [time, ship] (W); absorbed_w: environmental heat the radiator
    absorbs [time, ship] (W); in_shadow: bool [time, ship], any part of the Sun hidden.
    """
    p = params
    n_t, n = solar_w.shape
    dt = float(step_s)
    g = p.radiator_area_m2 * p.radiator_sides * p.radiator_emissivity * sigma
    g4dt = 4.0 * g * dt
    c = p.heat_capacity_j_k
    t_lim = p.temperature_limit_k
    eta_c_dt = p.charge_efficiency * dt
    dt_over_eta_d = dt / p.discharge_efficiency
    eta_d_over_dt = p.discharge_efficiency / dt
    inv_eta_c_dt = 1.0 / eta_c_dt
    target, bus, e_min, e_max, max_chg = p.full_load_w, p.bus_w, p.energy_min_j, p.energy_max_j, p.max_charge_w
    discharge_cap = np.where(in_shadow, np.maximum(p.eclipse_discharge_w, bus), bus)
    solar = np.ascontiguousarray(solar_w, float)
    env = np.ascontiguousarray(absorbed_w, float)

    energy = np.array(state.energy_j, float)
    temp = np.array(state.temperature_k, float)
    load_out = np.empty((n_t, n), out_dtype)
    energy_out = np.empty((n_t, n), out_dtype)
    temp_out = np.empty((n_t, n), out_dtype)
    t3, t4, emit, den, cap, avail, load, net, room, pos, neg, q = (np.empty(n) for _ in range(12))
    inv_dt = 1.0 / dt
    mul, add, sub, mn, mx = np.multiply, np.add, np.subtract, np.minimum, np.maximum
    for k in range(n_t):
        # radiator: emission and semi-implicit denominator C + 4 g dt T^3
        mul(temp, temp, out=t4)
        mul(t4, temp, out=t3)
        mul(t3, temp, out=t4)
        mul(t4, g, out=emit)
        mul(t3, g4dt, out=den)
        add(den, c, out=den)
        # heat cap keeping T_{k+1} <= limit
        sub(t_lim, temp, out=cap)
        mul(cap, den, out=cap)
        mul(cap, inv_dt, out=cap)
        add(cap, emit, out=cap)
        sub(cap, env[k], out=cap)
        # power available: array + battery above its floor, within the discharge cap
        sub(energy, e_min, out=avail)
        mul(avail, eta_d_over_dt, out=avail)
        mn(avail, discharge_cap[k], out=avail)
        mx(avail, 0.0, out=avail)
        add(avail, solar[k], out=avail)
        # load
        mn(target, cap, out=load)
        mx(load, bus, out=load)
        mn(load, avail, out=load)
        # battery
        sub(solar[k], load, out=net)
        sub(e_max, energy, out=room)
        mul(room, inv_eta_c_dt, out=room)
        mx(room, 0.0, out=room)
        mn(room, max_chg, out=room)
        mn(net, room, out=net)
        mx(net, 0.0, out=pos)
        mn(net, 0.0, out=neg)
        mul(pos, eta_c_dt, out=pos)
        mul(neg, dt_over_eta_d, out=neg)
        add(energy, pos, out=energy)
        add(energy, neg, out=energy)
        # radiator temperature
        add(load, env[k], out=q)
        sub(q, emit, out=q)
        mul(q, dt, out=q)
        np.divide(q, den, out=q)
        add(temp, q, out=temp)
        load_out[k] = load
        energy_out[k] = energy
        temp_out[k] = temp
    return Integration(
        solar_w=solar, load_w=load_out, energy_j=energy_out, temperature_k=temp_out,
        initial=ShipState(np.array(state.energy_j, float), np.array(state.temperature_k, float)),
        final=ShipState(energy.copy(), temp.copy()),
    )
