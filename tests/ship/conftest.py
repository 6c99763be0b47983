import pytest

from aether.settings.ship import ShipDesign
from aether.ship.sizing import OrbitEnvelope
from aether.ship.stage import resolve_spec

# A 650 km dawn-dusk orbit in its eclipse season: period ~97.7 min, eclipse ~20 min.
PERIOD_S = 97.7 * 60
ECLIPSE_S = 20.0 * 60


@pytest.fixture
def envelope():
    return OrbitEnvelope(period_s=PERIOD_S, max_eclipse_s=ECLIPSE_S, worst_cosine=1.0,
                         sunlit_fraction=1 - ECLIPSE_S / PERIOD_S)


def make_spec(envelope, **design):
    return resolve_spec("ship", "ship", ShipDesign.model_validate({"gpus": 1000, **design}),
                        envelope)
