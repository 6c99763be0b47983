"""OMM in, OEM out: the same satellites from TLE and from CelesTrak's OMM forms propagate to
the same positions, and an OEM written by Aether reads back through an independent reader."""

import numpy as np
import pytest
from sgp4.api import Satrec

from aether.orbit.oem import write_oem_files
from aether.orbit.omm import OMMError, parse_omm
from aether.timegrid import TimeGrid
from tests.conftest import utc

# Element sets shaped like CelesTrak GP data for the ISS and a Starlink satellite (values set
# for the test, checksums valid), and the same element
# sets written by hand in CelesTrak's OMM field names and units (CCSDS 502.0-B-3): epoch
# 24001.5 is 2024-01-01T12:00:00, B* 30270-3 is 0.30270e-3, mean motion in rev/day.
TLES = [
    ("ISS (ZARYA)",
     "1 25544U 98067A   24001.50000000  .00016717  00000-0  30270-3 0  9999",
     "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.50103472432376"),
    ("STARLINK-1007",
     "1 44713U 19074A   24001.25000000  .00001103  00000-0  92537-4 0  9999",
     "2 44713  53.0553 189.3316 0001335  85.5420 274.5702 15.06396571229877"),
]
FIELDS = ("OBJECT_NAME,OBJECT_ID,EPOCH,MEAN_MOTION,ECCENTRICITY,INCLINATION,RA_OF_ASC_NODE,"
          "ARG_OF_PERICENTER,MEAN_ANOMALY,EPHEMERIS_TYPE,CLASSIFICATION_TYPE,NORAD_CAT_ID,"
          "ELEMENT_SET_NO,REV_AT_EPOCH,BSTAR,MEAN_MOTION_DOT,MEAN_MOTION_DDOT").split(",")
ROWS = [
    ["ISS (ZARYA)", "1998-067A", "2024-01-01T12:00:00.000000", "15.50103472", ".0006703",
     "51.6416", "247.4627", "130.5360", "325.0288", "0", "U", "25544", "999", "43237",
     ".30270E-3", ".00016717", "0"],
    ["STARLINK-1007", "2019-074A", "2024-01-01T06:00:00.000000", "15.06396571", ".0001335",
     "53.0553", "189.3316", "85.5420", "274.5702", "0", "U", "44713", "999", "22987",
     ".92537E-4", ".00001103", "0"],
]
CSV = ",".join(FIELDS) + "\n" + "\n".join(",".join(r) for r in ROWS) + "\n"
JSON = "[" + ",".join("{" + ",".join(f'"{k}": "{v}"' for k, v in zip(FIELDS, r, strict=True)) + "}"
                      for r in ROWS) + "]"
XML = ("<?xml version='1.0' encoding='UTF-8'?><ndm>" + "".join(
    "<omm><body><segment><metadata>"
    + "".join(f"<{k}>{dict(zip(FIELDS, r, strict=True))[k]}</{k}>" for k in ("OBJECT_NAME", "OBJECT_ID"))
    + "<CENTER_NAME>EARTH</CENTER_NAME><REF_FRAME>TEME</REF_FRAME><TIME_SYSTEM>UTC</TIME_SYSTEM>"
      "<MEAN_ELEMENT_THEORY>SGP4</MEAN_ELEMENT_THEORY></metadata><data><meanElements>"
    + "".join(f"<{k}>{dict(zip(FIELDS, r, strict=True))[k]}</{k}>" for k in
              ("EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION", "RA_OF_ASC_NODE",
               "ARG_OF_PERICENTER", "MEAN_ANOMALY"))
    + "</meanElements><tleParameters>"
    + "".join(f"<{k}>{dict(zip(FIELDS, r, strict=True))[k]}</{k}>" for k in
              ("EPHEMERIS_TYPE", "CLASSIFICATION_TYPE", "NORAD_CAT_ID", "ELEMENT_SET_NO",
               "REV_AT_EPOCH", "BSTAR", "MEAN_MOTION_DOT", "MEAN_MOTION_DDOT"))
    + "</tleParameters></data></segment></body></omm>" for r in ROWS) + "</ndm>")


def _positions(satrecs, days=2.0):
    jd = np.full(200, 2460310.5)
    fr = np.linspace(0.0, days, 200)
    return np.stack([s.sgp4_array(jd, fr)[1] for s in satrecs])


@pytest.mark.parametrize(("text", "name"), [(CSV, "gp.csv"), (JSON, "gp.json"), (XML, "gp.xml"),
                                            (CSV, "gp.txt"), (JSON, "gp"), (XML, "gp.omm")])
def test_omm_propagates_like_the_tle(text, name):
    records = parse_omm(text, name)
    assert [r.name for r in records] == ["ISS (ZARYA)", "STARLINK-1007"]
    assert [r.catalogue_number for r in records] == [25544, 44713]
    from_tle = _positions([Satrec.twoline2rv(l1, l2) for _, l1, l2 in TLES])
    from_omm = _positions([r.satrec for r in records])
    assert np.abs(from_omm - from_tle).max() < 1e-6  # km: 1 mm


def test_nine_digit_catalogue_numbers():
    text = CSV.replace(",25544,", ",270012345,")
    (iss, _) = parse_omm(text, "gp.csv")
    assert iss.catalogue_number == 270012345
    reference = Satrec.twoline2rv(TLES[0][1], TLES[0][2])
    assert np.abs(_positions([iss.satrec]) - _positions([reference])).max() < 1e-6


@pytest.mark.parametrize(("text", "message"), [
    (CSV.replace(",15.50103472,", ",fast,"), "record 1: MEAN_MOTION: 'fast' is not a number"),
    (CSV.replace(",.0006703,", ",1.5,"), "record 1: ECCENTRICITY: 1.5 (allowed: 0 to below 1)"),
    (CSV.replace("2024-01-01T06:00:00.000000", "yesterday"), "record 2: EPOCH: 'yesterday' is not an ISO time"),
    (CSV.replace(",44713,", ",,"), "record 2: NORAD_CAT_ID: missing"),
    ("<ndm><omm>", "not valid XML"),
    ("[]", "no records found"),
])
def test_bad_records_are_one_line(text, message):
    with pytest.raises(OMMError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_omm(text, "gp.xml" if text.startswith("<") else ("gp.json" if text.startswith("[") else "gp.csv"))


def test_oem_reads_back_through_an_independent_reader(tmp_path):
    oem = pytest.importorskip("oem")
    satrecs = [Satrec.twoline2rv(l1, l2) for _, l1, l2 in TLES]
    grid = TimeGrid.from_duration(utc(2024, 1, 1, 12), 3 * 3600.0, 60.0)
    count = write_oem_files(tmp_path, [n for n, _, _ in TLES], satrecs, grid,
                            object_ids=["1998-067A", "2019-074A"])
    assert count == 2 and sorted(p.name for p in tmp_path.iterdir()) == ["ISS_ZARYA.oem", "STARLINK-1007.oem"]
    jd, fr = grid.jd()
    for (name, _, _), sat, file in zip(TLES, satrecs, ["ISS_ZARYA.oem", "STARLINK-1007.oem"], strict=True):
        (segment,) = oem.OrbitEphemerisMessage.open(str(tmp_path / file)).segments
        assert segment.metadata["OBJECT_NAME"] == name and segment.metadata["REF_FRAME"] == "TEME"
        states = np.array([[*s.position, *s.velocity] for s in segment.states])
        _, r, v = sat.sgp4_array(jd, fr)
        assert len(states) == grid.n_steps
        np.testing.assert_allclose(states[:, :3], r, atol=1e-6)   # km: the file's 6 decimals
        np.testing.assert_allclose(states[:, 3:], v, atol=1e-9)   # km/s


def test_repeated_names_get_files_of_their_own(tmp_path):
    sat = Satrec.twoline2rv(TLES[0][1], TLES[0][2])
    grid = TimeGrid.from_duration(utc(2024, 1, 1, 12), 600.0, 60.0)
    assert write_oem_files(tmp_path, ["../x", "../x"], [sat, sat], grid) == 2
    assert len(list(tmp_path.iterdir())) == 2 and not (tmp_path.parent / "x.oem").exists()


def test_an_omm_scenario_flies_like_its_tle_twin(tmp_path):
    """Through the scenario and the CLI: kind omm and kind tle give the same orbit figures,
    and --export-oem writes one file per satellite into a new folder, refused if it exists."""
    import json

    import yaml
    from typer.testing import CliRunner

    from aether.cli import app

    (tmp_path / "gp.xml").write_text(XML)
    (tmp_path / "gp.tle").write_text("".join(f"{n}\n{l1}\n{l2}\n" for n, l1, l2 in TLES))
    summaries = []
    for kind, file in (("omm", "gp.xml"), ("tle", "gp.tle")):
        scenario = tmp_path / f"{kind}.yaml"
        scenario.write_text(yaml.safe_dump({
            "name": kind, "run": {"start": "2024-01-02T00:00:00Z", "duration_h": 1, "step_s": 60},
            "spacecraft": [{"name": "sats", "role": "relay", "orbit": {"kind": kind, "file": file}}],
            "ground": {"users": {"top_cities": 0}}}))
        args = ["orbit", str(scenario), "--json", "--workers", "1"]
        if kind == "omm":
            args += ["--export-oem", str(tmp_path / "oem")]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        summaries.append(json.loads(result.stdout)["spacecraft"]["sats"])
    assert summaries[0] == summaries[1]
    assert sorted(p.name for p in (tmp_path / "oem").iterdir()) == [
        "ISS_ZARYA.oem", "STARLINK-1007.oem", "complete.json"]
    again = CliRunner().invoke(app, ["orbit", str(tmp_path / "omm.yaml"), "--export-oem", str(tmp_path / "oem")])
    assert again.exit_code == 2 and "Traceback" not in again.output
