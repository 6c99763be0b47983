"""Mean orbital elements for every way a scenario describes an orbit, and Satrec objects.

All orbits here are near-circular; angles in radians inside, degrees at the API edge.
Epochs are Julian dates split as (whole, fraction) like sgp4's.
"""

from dataclasses import dataclass

import numpy as np
from sgp4.api import WGS72, Satrec

from aether.constants import (
    J2,
    JD_SGP4_EPOCH0,
    SECONDS_PER_DAY,
    TROPICAL_YEAR_DAYS,
    WGS72_J2,
    WGS72_MU_KM3_S2,
    WGS72_RADIUS_KM,
)
from aether.kepler import semi_major_axis_km
from aether.orbit.sun import mean_sun_right_ascension_rad


@dataclass(frozen=True)
class MeanElements:
    """Arrays of SGP4 mean elements, one entry per satellite (radians, rad/min)."""

    mean_motion_rad_min: np.ndarray
    eccentricity: np.ndarray
    inclination_rad: np.ndarray
    raan_rad: np.ndarray
    arg_perigee_rad: np.ndarray
    mean_anomaly_rad: np.ndarray

    def __len__(self) -> int:
        return len(self.mean_motion_rad_min)


def mean_motion_rad_min(altitude_km: float, inclination_rad: float = 0.0) -> float:
    """SGP4 (Kozai) mean motion that gives a circular orbit of mean radius Re + altitude_km.

    SGP4 turns the Kozai mean motion it is given into a Brouwer mean motion before use
    (Hoots & Roehrich 1980, Spacetrack Report #3, eqs. for a1, delta1, a0, delta0); the
    orbit's mean radius follows the Brouwer one. Inverting that step makes the requested
    altitude the mean altitude SGP4 flies, instead of one 5-10 km off.
    """
    a_km = WGS72_RADIUS_KM + altitude_km
    xke = 60.0 / np.sqrt(WGS72_RADIUS_KM**3 / WGS72_MU_KM3_S2)
    n_brouwer = xke / (a_km / WGS72_RADIUS_KM) ** 1.5
    d1 = 0.75 * WGS72_J2 * (3.0 * np.cos(inclination_rad) ** 2 - 1.0)
    n_kozai = n_brouwer
    for _ in range(6):
        a1 = (xke / n_kozai) ** (2.0 / 3.0)
        delta = d1 / a1**2
        a0 = a1 * (1.0 - delta * (1.0 / 3.0 + delta * (1.0 + 134.0 / 81.0 * delta)))
        n_kozai = n_brouwer * (1.0 + d1 / a0**2)
    return float(n_kozai)


def sun_synchronous_inclination_deg(altitude_km: float, eccentricity: float = 0.0) -> float:
    """Inclination whose J2 nodal precession follows the mean Sun (360 deg per tropical year).

    dOmega/dt = -3/2 J2 (Re/p)^2 n cos i (Vallado 2013, eq. 9-41); solved for cos i.
    Raises ValueError where no inclination is fast enough (above about 5,970 km).
    """
    a_km = WGS72_RADIUS_KM + altitude_km
    p_km = a_km * (1.0 - eccentricity**2)
    n_rad_s = np.sqrt(WGS72_MU_KM3_S2 / a_km**3)
    node_rate_rad_s = 2.0 * np.pi / (TROPICAL_YEAR_DAYS * SECONDS_PER_DAY)
    cos_i = -node_rate_rad_s / (1.5 * J2 * (WGS72_RADIUS_KM / p_km) ** 2 * n_rad_s)
    if cos_i < -1.0:
        raise ValueError(f"no sun-synchronous orbit exists at {altitude_km:g} km")
    return float(np.degrees(np.arccos(cos_i)))


def raan_for_ltan_rad(ltan_h: float, epoch: tuple[float, float]) -> float:
    """RAAN that puts the ascending node at local mean solar time ltan_h at the epoch."""
    sun_ra = mean_sun_right_ascension_rad(*epoch)
    return float(np.mod(sun_ra + (ltan_h - 12.0) * np.pi / 12.0, 2.0 * np.pi))


def circular(
    n_rad_min: float, inclination_rad: float, raan_rad, arg_latitude_rad
) -> MeanElements:
    """Circular orbits sharing a shell; RAAN and argument of latitude may be arrays."""
    raan, u = np.broadcast_arrays(
        np.atleast_1d(np.asarray(raan_rad, float)), np.asarray(arg_latitude_rad, float)
    )
    count = raan.size
    return MeanElements(
        mean_motion_rad_min=np.full(count, n_rad_min),
        eccentricity=np.zeros(count),
        inclination_rad=np.full(count, inclination_rad),
        raan_rad=np.mod(raan, 2.0 * np.pi),
        arg_perigee_rad=np.zeros(count),
        mean_anomaly_rad=np.mod(u, 2.0 * np.pi),
    )


def walker_delta_angles(
    total: int, planes: int, phasing: int, raan0_rad: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """RAAN and argument of latitude (rad) of a Walker delta i:T/P/F, ordered plane by plane."""
    per_plane = total // planes
    plane = np.repeat(np.arange(planes), per_plane)
    slot = np.tile(np.arange(per_plane), planes)
    raan = raan0_rad + 2.0 * np.pi * plane / planes
    u = 2.0 * np.pi * slot / per_plane + 2.0 * np.pi * phasing * plane / total
    return raan, u


def from_relative_elements(reference: MeanElements, d_lambda, d_ex, d_ey, d_ix, d_iy) -> MeanElements:
    """Members of a formation from their quasi-nonsingular relative orbital elements about a
    circular reference (D'Amico 2010, "Autonomous formation flying in low Earth orbit", PhD
    thesis, TU Delft, eqs. 2.2 and 2.21), with equal semi-major axis so none drifts along
    track. To first order, in the reference's Hill frame at argument of latitude u:
    radial/a = -d_ex cos u - d_ey sin u, along/a = d_lambda + 2 d_ex sin u - 2 d_ey cos u,
    cross/a = d_ix sin u - d_iy cos u. J2 differential drift is left in.
    """
    inc = reference.inclination_rad[0]
    u0 = reference.mean_anomaly_rad[0] + reference.arg_perigee_rad[0]
    d_ex, d_ey, d_ix, d_iy, d_lambda = np.broadcast_arrays(*(np.asarray(x, float) for x in
                                                              (d_ex, d_ey, d_ix, d_iy, d_lambda)))
    d_raan = d_iy / np.sin(inc)
    arg_perigee = np.arctan2(d_ey, d_ex)
    u = u0 + d_lambda - d_raan * np.cos(inc)
    count = len(d_ex)
    return MeanElements(
        mean_motion_rad_min=np.full(count, reference.mean_motion_rad_min[0]),
        eccentricity=np.hypot(d_ex, d_ey),
        inclination_rad=inc + d_ix,
        raan_rad=np.mod(reference.raan_rad[0] + d_raan, 2.0 * np.pi),
        arg_perigee_rad=np.mod(arg_perigee, 2.0 * np.pi),
        mean_anomaly_rad=np.mod(u - arg_perigee, 2.0 * np.pi),
    )


def formation(reference: MeanElements, offsets_km: np.ndarray) -> MeanElements:
    """Members at (radial, along-track, cross-track) offsets from a circular reference at
    epoch, at rest relative to it there; each then follows its bounded natural relative
    motion (a radial offset becomes a 2:1 ellipse, a cross-track one an oscillation)."""
    a_km = semi_major_axis_km(reference.mean_motion_rad_min[0] / 60.0)
    u0 = reference.mean_anomaly_rad[0] + reference.arg_perigee_rad[0]
    radial, along, cross = (np.asarray(offsets_km, float)[:, k] / a_km for k in range(3))
    return from_relative_elements(reference, along, -radial * np.cos(u0), -radial * np.sin(u0),
                                  cross * np.sin(u0), -cross * np.cos(u0))


def disc_formation(reference: MeanElements, count: int, radius_km: float) -> MeanElements:
    """count members spread evenly over a disc of radius_km that turns rigidly once per orbit.

    Each member rides a circular relative orbit of its own radius rho (the "general circular
    orbit": radial = rho/2 cos t, along = -rho sin t, cross = sqrt(3)/2 rho cos t; Sabol,
    Burns & McLaughlin 2001, "Satellite formation flying design and evolution", J. Spacecr.
    Rockets 38(2)). All circles lie in one plane and share the orbit's angular rate, so the
    disc keeps its shape and every neighbour its distance, to first order. Members are placed
    on a sunflower (Vogel) spiral: each holds an equal share of the disc's area, so
    neighbours sit about radius * sqrt(pi / count) apart.
    """
    k = np.arange(count)
    rho = radius_km * np.sqrt((k + 0.5) / count) / semi_major_axis_km(reference.mean_motion_rad_min[0] / 60.0)
    phase = k * np.pi * (3.0 - np.sqrt(5.0))
    # radial/a = rho/2 cos(u - beta), so d_e = -rho/2 (cos beta, sin beta); beta = u0 - phase.
    u0 = reference.mean_anomaly_rad[0] + reference.arg_perigee_rad[0]
    beta = u0 - phase
    half = 0.5 * rho
    tilt = 0.5 * np.sqrt(3.0) * rho
    return from_relative_elements(reference, np.zeros(count), -half * np.cos(beta), -half * np.sin(beta),
                                  tilt * np.sin(beta), -tilt * np.cos(beta))


def to_satrecs(elements: MeanElements, epoch: tuple[float, float], first_satnum: int = 1,
               bstar: float = 0.0) -> list[Satrec]:
    """One initialised WGS72 Satrec per satellite at the given epoch."""
    epoch_days = (epoch[0] - JD_SGP4_EPOCH0) + epoch[1]
    satrecs = []
    for k in range(len(elements)):
        sat = Satrec()
        sat.sgp4init(
            WGS72, "i", first_satnum + k, epoch_days, bstar, 0.0, 0.0,
            float(elements.eccentricity[k]), float(elements.arg_perigee_rad[k]),
            float(elements.inclination_rad[k]), float(elements.mean_anomaly_rad[k]),
            float(elements.mean_motion_rad_min[k]), float(elements.raan_rad[k]),
        )
        satrecs.append(sat)
    return satrecs
