"""A small scenario that sets every section, and the numeric fields of the schema.

`full_scenarios` holds every model of the schema at least once (each union branch, each
optional number given), so that every numeric field has a place in a valid file where a
hostile value can go; `numeric_fields` lists them from the pydantic schema itself.
"""

import copy
import types
import typing
from pathlib import Path

from pydantic import BaseModel

from aether.scenario import Scenario, parse_scenario
from aether.scenario.load import read_yaml

ISS_TLE = """ISS (ZARYA)
1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927
2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537
"""
# The same element set as CelesTrak's OMM JSON (epoch 08264.51782528 = 2008-09-20T12:25:40.104192).
ISS_OMM_JSON = """[{"OBJECT_NAME": "ISS (OMM)", "OBJECT_ID": "1998-067A", "EPOCH": "2008-09-20T12:25:40.104192",
"MEAN_MOTION": 15.72125391, "ECCENTRICITY": 0.0006703, "INCLINATION": 51.6416, "RA_OF_ASC_NODE": 247.4627,
"ARG_OF_PERICENTER": 130.536, "MEAN_ANOMALY": 325.0288, "EPHEMERIS_TYPE": 0, "CLASSIFICATION_TYPE": "U",
"NORAD_CAT_ID": 25544, "ELEMENT_SET_NO": 292, "REV_AT_EPOCH": 56353, "BSTAR": -1.1606e-05,
"MEAN_MOTION_DOT": -2.182e-05, "MEAN_MOTION_DDOT": 0}]"""

FULL = """
name: full
run: {start: 2026-06-21T00:00:00Z, duration_h: 0.1, step_s: 60, seed: 1}
spacecraft:
  - name: ship
    role: compute
    registry_country: LU
    orbit: {kind: sun_synchronous, altitude_km: 650, ltan_h: 18, arg_latitude_deg: 0}
    ship:
      gpu: {name: X1, bf16_dense_tflops: 1000, fp8_dense_tflops: 2000, hbm_gb: 80, hbm_tb_s: 3,
            nvlink_gb_s: 450, allreduce_gb_s: 370, nvlink_latency_us: 3,
            board_power_w: 700, server_overhead_w: 300, server_mass_kg: 15, min_power_fraction: 0.3}
      gpus: 1024
      solar: {area_m2: 5000}
      battery: {capacity_kwh: 1000}
      radiator: {area_m2: 3000, initial_temperature_c: 20}
      drag: {coefficient: 2.2, body_frontal_area_m2: 20, propulsion: {kind: chemical, isp_s: 300}}
  - name: ship2
    role: compute
    orbit: {kind: circular, altitude_km: 550, inclination_deg: 53}
    ship:
      gpu: B200
      gpus: 128
      solar: {area_m2: 1000, pointing: single_axis}
      battery: {capacity_kwh: 300}
      radiator: {area_m2: 600}
      drag: {propulsion: {kind: hall, isp_s: 2500, thrust_n: 0.17, power_w: 4200, count: 4}}
  - name: relays
    role: relay
    orbit: {kind: walker_delta, altitude_km: 550, inclination_deg: 53, total: 8, planes: 2, phasing: 1}
  - name: circular
    role: relay
    orbit: {kind: circular, altitude_km: 700, inclination_deg: 45}
  - name: by-mean-motion
    role: relay
    orbit: {kind: circular, mean_motion_rev_day: 15, inclination_deg: 45}
  - name: disc
    role: relay
    orbit:
      kind: formation
      reference: {kind: circular, altitude_km: 650, inclination_deg: 98}
      pattern: {kind: disc, count: 3, radius_km: 1}
  - name: offsets
    role: relay
    orbit:
      kind: formation
      reference: {kind: sun_synchronous, altitude_km: 650, ltan_h: 18}
      offsets_km: [[0, 0, 0], [0, 1, 0]]
  - name: iss
    role: relay
    orbit: {kind: tle, file: iss.tle, planes: 1, per_plane: 1}
  - name: iss-omm
    role: relay
    orbit: {kind: omm, file: iss.json, planes: 1, per_plane: 1}
ground:
  users: {top_cities: 2, sites: [{name: Lab, lat_deg: 37.4, lon_deg: -122.1, country: US}]}
  gateways: [{name: Svalbard, lat_deg: 78.23, lon_deg: 15.39}]
network: {ground_max_slant_range_km: 3000}
sovereignty:
  policies:
    - {name: us, users: [US, FIVE_EYES], landing_countries: [NO], compute_registries: [EU],
       forbid_transit_over: [CN], forbid_ground_relay_countries: [RU]}
fleet: {ships: 2, deployment_per_year: [1, 1], upgrade_min_gain: 2}
environment: {solar_activity: high}
contract:
  value_usd: 1.0e9
  term_years: 2
  signed: 2026-01-01
  first_ship: 2026-07-01
  payment: milestones
  milestones: [0.5, 0.5]
  compute: {gpus: 512}
  budget_usd: 2.0e9
  discount_rate: 0.1
workload:
  training:
    - {name: train, parameters: 1.0e9, tokens: 1.0e10, gpus: 64, checkpoint_interval: 3600, layers: 16,
       hidden: 2048, mfu: {default: 0.4}, layout: {tensor_parallel: 2, pipeline_parallel: 2, virtual_stages: 2}}
  fine_tuning: {gpus_per_ship: 64, gpus_per_job: 8}
  inference: {gpus_per_ship: 64, demand: {requests_per_day: 1.0e4}}
  outages: [{ship: ship, start_s: 0, duration_s: 60}]
"""

# The branches FULL cannot hold at once: a fixed launch price, a solar price by area, the
# other two kinds of promised compute.
VARIANTS = [
    {},
    {"contract": {"value_usd": 1e9, "term_years": 2, "signed": "2026-01-01", "first_ship": "2026-07-01",
                  "compute": {"gpu_hours_per_year": 1e6}}},
    {"contract": {"value_usd": 1e9, "term_years": 2, "signed": "2026-01-01", "first_ship": "2026-07-01",
                  "compute": {"fleet_share": 0.5}}},
    {"fleet": {"launch_price": {"kind": "fixed"}}, "cost": {"solar_usd_per_w": None, "solar_usd_per_m2": 100}},
]


def full_scenarios(folder: Path) -> list[tuple[dict, dict]]:
    """(as written, with every default written out) for each variant, as YAML gives them."""
    (folder / "iss.tle").write_text(ISS_TLE)
    (folder / "iss.json").write_text(ISS_OMM_JSON)
    scenarios = []
    for variant in VARIANTS:
        given = {**read_yaml(FULL, "full"), **variant}
        scenario = parse_scenario(given, "full", folder)
        scenarios.append((given, scenario.model_dump(mode="json", exclude={"base_dir", "origin"})))
    return scenarios


def with_value(given: dict, complete: dict, path: tuple, value) -> dict:
    """A copy of a scenario as written with value at path; sections it leaves out (to their
    defaults) are copied from the complete one on the way."""
    data = copy.deepcopy(given)
    node, defaults = data, complete
    for key in path[:-1]:
        defaults = defaults[key]
        if isinstance(node, dict) and key not in node:
            node[key] = copy.deepcopy(defaults)
        node = node[key]
    node[path[-1]] = value
    return data


def _leaf_types(annotation) -> list:
    """The classes inside an annotation: Annotated, unions, lists, tuples and dicts unwrapped."""
    if typing.get_origin(annotation) is typing.Annotated:
        return _leaf_types(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, list, tuple, dict):
        return [leaf for arg in typing.get_args(annotation) for leaf in _leaf_types(arg)]
    return [annotation] if isinstance(annotation, type) else []


def models(root: type[BaseModel] = Scenario) -> set[type[BaseModel]]:
    """Every model class the schema reaches from root."""
    found, todo = set(), [root]
    while todo:
        model = todo.pop()
        if model not in found:
            found.add(model)
            todo += [leaf for field in model.model_fields.values() for leaf in _leaf_types(field.annotation)
                     if issubclass(leaf, BaseModel)]
    return found


def numeric_fields() -> set[tuple[str, str]]:
    """(model name, field name) of every int or float field (booleans are not numbers)."""
    return {(model.__name__, name) for model in models() for name, field in model.model_fields.items()
            if any(leaf in (int, float) for leaf in _leaf_types(field.annotation))}


def numeric_leaves(data: dict) -> list[tuple[tuple, tuple[str, str]]]:
    """(path in data, (model name, field name)) of each number in a full scenario dict."""
    scenario = Scenario.model_validate({**data, "base_dir": "."})
    found = []

    def walk(node, path, owner):
        if isinstance(node, BaseModel):
            for name in type(node).model_fields:
                walk(getattr(node, name), (*path, name), (type(node).__name__, name))
        elif isinstance(node, list | tuple):
            for index, item in enumerate(node):
                walk(item, (*path, index), owner)
        elif isinstance(node, dict):
            for key, item in node.items():
                walk(item, (*path, key), owner)
        elif isinstance(node, int | float) and not isinstance(node, bool):
            found.append((path, owner))

    walk(scenario, (), None)
    return found
