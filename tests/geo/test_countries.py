"""Country lookup against facts, against plain shapely, and against GeoNames."""

import numpy as np
import pytest

from aether.geo import GROUPS, country_codes, country_map, expand, known_codes, unknown_places
from aether.scenario.sites import top_cities


@pytest.mark.parametrize(("place", "lat_deg", "lon_deg", "code"), [
    ("Paris, Notre-Dame", 48.853, 2.3499, "FR"),
    # Longyearbyen Church, 400 m inland of the GeoNames point (on the 1:10m shoreline).
    ("Longyearbyen, Svalbard", 78.2195, 15.6290, "NO"),
    ("Pacific, 1,000 km from any land", 0.0, -150.0, "none"),
    ("Vatican City, St Peter's Basilica", 41.9022, 12.4539, "VA"),
    ("Rome, Colosseum", 41.8902, 12.4922, "IT"),
    ("South Pole", -90.0, 0.0, "none"),
    ("Antarctica, Vostok Station", -78.46, 106.84, "none"),
    ("Pristina", 42.6629, 21.1655, "XK"),
    ("Berlin", 52.52, 13.405, "DE"),
    ("Fiji, across the antimeridian", -16.5, 179.9, "FJ"),
    ("Chukotka, given as 182 deg east", 67.0, 182.0, "RU"),
])
def test_places_answer_their_country(place, lat_deg, lon_deg, code):
    assert country_codes(lat_deg, lon_deg) == code, place


def test_raster_agrees_with_plain_shapely():
    # The raster answers only for cells wholly inside one country or none: every point of
    # 300,000 random ones must get the answer the polygons alone give.
    rng = np.random.default_rng(8)
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, 300_000)))
    lon = rng.uniform(-180, 180, lat.size)
    m = country_map()
    fast, exact = m.lookup(lat, lon), m.exact_lookup(lat, lon)
    assert (fast == exact).all()
    # About 29 % of the Earth's surface is land; Antarctica (2.7 %) answers none.
    land = (fast >= 0).mean()
    assert 0.24 < land < 0.28


def test_raster_cells_near_borders_agree_with_plain_shapely():
    # Points packed around borders and coasts (Europe), where the exact polygons decide.
    rng = np.random.default_rng(9)
    lat, lon = rng.uniform(35, 60, 100_000), rng.uniform(-10, 30, 100_000)
    m = country_map()
    assert (m.lookup(lat, lon) == m.exact_lookup(lat, lon)).all()


def test_lookup_keeps_the_shape_of_time_by_object_arrays():
    lat = np.array([[48.853, 0.0, 41.9022], [52.52, 78.2195, 0.0]])
    lon = np.array([[2.3499, -150.0, 12.4539], [13.405, 15.6290, -150.0]])
    assert country_codes(lat, lon).tolist() == [["FR", "none", "VA"], ["DE", "NO", "none"]]


def test_geonames_cities_lie_in_their_country():
    # GeoNames gives each city its country; the polygons must agree for nearly all of the
    # 2,000 largest. The rest sit on a coast that the 1:10m outline (about 300 m) misses,
    # or in a territory that Natural Earth draws inside its state (e.g. HK and MO are apart
    # in both, so they still agree).
    cities = top_cities(2000)
    found = country_codes(cities.lat_deg, cities.lon_deg)
    agree = found == np.array(cities.country, object)
    at_sea = found == "none"
    assert agree.mean() > 0.97
    assert (agree | at_sea).mean() > 0.995


def test_places_on_a_shoreline_take_the_shore_country():
    # Lagos (GeoNames 6.454, 3.395) lies on its lagoon in the 1:10m outline; 2 km out to
    # sea is still none.
    assert country_codes(6.45407, 3.39467) == "none"
    assert country_codes(6.45407, 3.39467, ground=True) == "NG"
    assert country_codes(0.0, -150.0, ground=True) == "none"
    assert country_codes([[6.45407, 0.0]], [[3.39467, -150.0]], ground=True).tolist() == [["NG", "none"]]


def test_named_groups_are_the_published_memberships():
    assert len(GROUPS["EU"]) == len(set(GROUPS["EU"])) == 27     # europa.eu, since 2020
    assert expand(["EEA"]) == expand(["EU", "IS", "LI", "NO"])    # EEA Agreement
    assert expand(["FIVE_EYES"]) == {"AU", "CA", "NZ", "GB", "US"}
    assert "GB" not in expand(["EU"]) and "CH" not in expand(["EEA"])
    assert set(expand(list(GROUPS))) <= known_codes()


def test_unknown_codes_get_close_matches():
    assert unknown_places(["FR", "EU", "XK", "AQ"]) == []
    (deu,) = unknown_places(["DEU"])
    assert "'DEU'" in deu and "DE" in deu
    (eux,) = unknown_places(["EUU"])
    assert "did you mean EU" in eux
    (uk,) = unknown_places(["UK"])
    assert "unknown country or group 'UK'" in uk
