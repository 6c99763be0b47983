"""The terrestrial baseline: round trip by fibre from a user site to the nearest ground
data centre, great-circle distance x route factor at the speed of light in fibre.

The bundled list (aether/data/cloud_regions.csv) holds major public cloud regions; each
row names its provider's region page. Providers publish the metro area, not the site,
so coordinates are those of the named city (GeoNames) or, for Azure, those the Azure CLI
reports; they are good to a few tens of km, well under a millisecond of fibre.
"""

from dataclasses import dataclass
from importlib import resources

import numpy as np

from aether.constants import C_KM_S
from aether.errors import ScenarioError
from aether.scenario.inputs import MAX_DATA_FILE_BYTES, csv_rows, read_text
from aether.scenario.sites import parse_site

# Group index of standard single-mode fibre at 1550 nm (Corning SMF-28: 1.4682).
FIBRE_GROUP_INDEX = 1.468
# Mean Earth radius R1 = (2a + b) / 3 of WGS84 (Moritz 2000, Geodetic Reference System 1980).
MEAN_EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class DataCentres:
    names: list[str]
    provider: list[str]
    lat_deg: np.ndarray
    lon_deg: np.ndarray

    def __len__(self) -> int:
        return len(self.names)

    def countries(self) -> np.ndarray:
        """Each data centre's country (aether.geo, from its coordinates), for sovereignty."""
        from aether.geo import country_codes

        return country_codes(self.lat_deg, self.lon_deg, ground=True)

    def subset(self, keep: np.ndarray) -> "DataCentres":
        """The data centres where keep is True."""
        return DataCentres([n for n, k in zip(self.names, keep, strict=True) if k],
                           [p for p, k in zip(self.provider, keep, strict=True) if k],
                           self.lat_deg[keep], self.lon_deg[keep])


def great_circle_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Haversine distance on the mean sphere; arguments in degrees, broadcasting."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi, dlam = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    h = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlam / 2) ** 2
    return 2.0 * MEAN_EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def _read(text: str, where: str) -> DataCentres:
    rows = csv_rows(text, where, ("name", "provider", "lat", "lon"), ("source",))
    if not rows:
        raise ScenarioError([f"{where}: no data centres listed"])
    sites = [parse_site(row, f"{where}: line {line}", lat="lat", lon="lon") for line, row in rows]
    return DataCentres([s.name for s in sites], [row["provider"] for _, row in rows],
                       np.array([s.lat_deg for s in sites]), np.array([s.lon_deg for s in sites]))


def load_data_centres(scenario=None) -> DataCentres:
    """The scenario's data-centre list (network.data_centres), filtered by provider."""
    settings = getattr(scenario, "network", None)
    choice = settings.data_centres if settings else "bundled"
    where = f"{getattr(scenario, 'origin', 'scenario')}: network.data_centres"
    if choice == "bundled":
        text = resources.files("aether.data").joinpath("cloud_regions.csv").read_text()
    else:
        where = f"{where}: {choice}"
        text = read_text(scenario.base_dir / choice, where, MAX_DATA_FILE_BYTES)
    centres = _read(text, where)
    providers = settings.data_centre_providers if settings else []
    if providers:
        known = sorted(set(centres.provider))
        unknown = [p for p in providers if p not in known]
        if unknown:
            raise ScenarioError([f"{scenario.origin}: network.data_centre_providers: unknown "
                                 f"{', '.join(unknown)} (allowed: {', '.join(known)})"])
        centres = centres.subset(np.isin(centres.provider, providers))
    return centres


def fibre_rtt_ms(
    lat_deg, lon_deg, centres: DataCentres, route_factor: float
) -> tuple[np.ndarray, np.ndarray]:
    """(round trip ms, index of the nearest data centre) for each site.

    RTT = 2 x great-circle km x route_factor / (c / FIBRE_GROUP_INDEX).
    """
    d = great_circle_km(np.asarray(lat_deg, float)[:, None], np.asarray(lon_deg, float)[:, None],
                        centres.lat_deg[None, :], centres.lon_deg[None, :])
    nearest = np.argmin(d, axis=1)
    km = d[np.arange(len(d)), nearest]
    return 2.0 * km * route_factor * FIBRE_GROUP_INDEX / C_KM_S * 1e3, nearest
