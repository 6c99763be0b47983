"""The scenario's `network:` section: laser, ground-link, routing and fibre settings.
"""

from typing import Annotated, Literal

from pydantic import Field

from aether.settings.base import Label, SettingsModel, bounded

# Laser inter-satellite links: about 100 Gbps each, ranges up to about 5,400 km
# (SpaceX, "Starlink laser communications", SPIE Photonics West 2024).
LASER_RANGE_KM = 5400.0
LASER_RATE_GBPS = 100.0
# A beam must clear the atmosphere: 80 km is the common grazing-height floor in
# inter-satellite link studies (the mesopause; Handley 2018, "Delay is not an option").
LOS_MIN_ALTITUDE_KM = 80.0
# Starlink user terminals need 25 deg elevation (FCC SAT-MOD-20190830-00087).
GROUND_MIN_ELEVATION_DEG = 25.0
# Fibre runs longer than the great circle. Shortest paths through real conduits between
# the 120 largest US population centres are 1.3x the great circle in the median
# (Bozkurt et al. 2018, "Dissecting latency in the Internet's fiber infrastructure",
# arXiv 1811.10737); measured Internet latency follows 2.1x. 1.3 compares like with like:
# the satellite side is also an ideal shortest path.
FIBRE_ROUTE_FACTOR = 1.3


class NetworkSettings(SettingsModel):
    """How the network is built and measured; every default cites its source above."""

    # Laser links (relay mesh, ship terminals, formations).
    laser_range_km: Annotated[float, bounded(0, 100_000, " km", lo_open=True)] = LASER_RANGE_KM
    laser_rate_gbps: Annotated[float, bounded(0, 1e6, " Gbps", lo_open=True)] = LASER_RATE_GBPS
    los_min_altitude_km: Annotated[float, bounded(0, 1000, " km")] = LOS_MIN_ALTITUDE_KM
    # +Grid mesh inside every relay Walker shell or ordered TLE set, or none.
    mesh: Literal["plus_grid", "none"] = "plus_grid"
    # Laser terminals per Compute Ship (Starlink satellites carry 3 or 4 lasers, SPIE 2024).
    ship_terminals: Annotated[int, bounded(0, 64)] = 4
    # A terminal keeps its partner at least this long while the link stays possible
    # (Starlink re-plans routes every 15 s; WWW 2024).
    terminal_min_dwell_s: Annotated[float, bounded(0, 86400, " s")] = 15.0
    # Members of a formation link directly to this many nearest members.
    formation_neighbours: Annotated[int, bounded(0, 64)] = 6
    # Ground links: above a minimum elevation and, when given, within a slant range.
    ground_min_elevation_deg: Annotated[float, bounded(0, 90, " deg")] = GROUND_MIN_ELEVATION_DEG
    ground_max_slant_range_km: Annotated[float, bounded(0, 100_000, " km", lo_open=True)] | None = None
    # Assumption (no single published figure): one Ka/E-band ground link of 20 Gbps.
    ground_link_rate_gbps: Annotated[float, bounded(0, 1e6, " Gbps", lo_open=True)] = 20.0
    # Whether Compute Ships may link to the ground directly (otherwise only via relays).
    ship_ground_links: bool = True
    # Whether ground sites may relay traffic (satellite -> ground -> satellite).
    ground_relay: bool = False
    # Processing delay added per hop, each way.
    hop_delay_ms: Annotated[float, bounded(0, 1000, " ms")] = 0.0
    # Fibre baseline.
    fibre_route_factor: Annotated[float, bounded(1, 10)] = FIBRE_ROUTE_FACTOR
    # "bundled" (aether/data/cloud_regions.csv) or a CSV beside the scenario with
    # columns name, provider, lat, lon.
    data_centres: Annotated[str, Field(min_length=1)] = "bundled"
    # Keep only these providers (e.g. [aws, gcp]); empty keeps all.
    data_centre_providers: list[Label] = []

