"""OMM in, OEM out: the same satellites from TLE and from CelesTrak's OMM forms propagate to
the same positions, and an OEM written by Aether reads back through an independent reader."""

import numpy as np
import pytest
from sgp4.api import Satrec

from aether.orbit import OMMError, TLEError, format_tles, parse_omm, write_oem_files
from aether.timegrid import TimeGrid
from tests.conftest import utc

# Element sets shaped like CelesTrak GP data for the ISS and a Starlink satellite (values set
# for the test, checksums valid), and the same element sets written by hand in each of
# CelesTrak's OMM forms, with its field names, units and number styles (CCSDS 502.0-B-3;
# Kelso, "A New Way to Obtain GP Data"): epoch 24001.5 is 2024-01-01T12:00:00, B* 30270-3
# is 0.0003027, mean motion in rev/day, the international designator 98067A is 1998-067A.
TLES = [
    ("ISS (ZARYA)",
     "1 25544U 98067A   24001.50000000  .00016717  00000-0  30270-3 0  9999",
     "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.50103472432376"),
    ("STARLINK-1007",
     "1 44713U 19074A   24001.25000000  .00001103  00000-0  92537-4 0  9999",
     "2 44713  53.0553 189.3316 0001335  85.5420 274.5702 15.06396571229877"),
]
CSV = """\
OBJECT_NAME,OBJECT_ID,EPOCH,MEAN_MOTION,ECCENTRICITY,INCLINATION,RA_OF_ASC_NODE,ARG_OF_PERICENTER,MEAN_ANOMALY,\
EPHEMERIS_TYPE,CLASSIFICATION_TYPE,NORAD_CAT_ID,ELEMENT_SET_NO,REV_AT_EPOCH,BSTAR,MEAN_MOTION_DOT,MEAN_MOTION_DDOT
ISS (ZARYA),1998-067A,2024-01-01T12:00:00.000000,15.50103472,.0006703,51.6416,247.4627,130.536,325.0288,\
0,U,25544,999,43237,.0003027,.00016717,0
STARLINK-1007,2019-074A,2024-01-01T06:00:00.000000,15.06396571,.0001335,53.0553,189.3316,85.542,274.5702,\
0,U,44713,999,22987,.92537E-4,.00001103,0
"""
JSON = """[{"OBJECT_NAME":"ISS (ZARYA)","OBJECT_ID":"1998-067A","EPOCH":"2024-01-01T12:00:00.000000",\
"MEAN_MOTION":15.50103472,"ECCENTRICITY":0.0006703,"INCLINATION":51.6416,"RA_OF_ASC_NODE":247.4627,\
"ARG_OF_PERICENTER":130.536,"MEAN_ANOMALY":325.0288,"EPHEMERIS_TYPE":0,"CLASSIFICATION_TYPE":"U",\
"NORAD_CAT_ID":25544,"ELEMENT_SET_NO":999,"REV_AT_EPOCH":43237,"BSTAR":0.0003027,\
"MEAN_MOTION_DOT":0.00016717,"MEAN_MOTION_DDOT":0},\
{"OBJECT_NAME":"STARLINK-1007","OBJECT_ID":"2019-074A","EPOCH":"2024-01-01T06:00:00.000000",\
"MEAN_MOTION":15.06396571,"ECCENTRICITY":0.0001335,"INCLINATION":53.0553,"RA_OF_ASC_NODE":189.3316,\
"ARG_OF_PERICENTER":85.542,"MEAN_ANOMALY":274.5702,"EPHEMERIS_TYPE":0,"CLASSIFICATION_TYPE":"U",\
"NORAD_CAT_ID":44713,"ELEMENT_SET_NO":999,"REV_AT_EPOCH":22987,"BSTAR":9.2537e-5,\
"MEAN_MOTION_DOT":1.103e-5,"MEAN_MOTION_DDOT":0}]"""
XML = """<?xml version="1.0" encoding="UTF-8"?>
<ndm xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xsi:noNamespaceSchemaLocation="https://sanaregistry.org/r/ndmxml_unqualified/ndmxml-2.0.0-master-2.0.xsd">
<omm id="CCSDS_OMM_VERS" version="2.0">
<header><CREATION_DATE/><ORIGINATOR/></header>
<body><segment><metadata><OBJECT_NAME>ISS (ZARYA)</OBJECT_NAME><OBJECT_ID>1998-067A</OBJECT_ID>\
<CENTER_NAME>EARTH</CENTER_NAME><REF_FRAME>TEME</REF_FRAME><TIME_SYSTEM>UTC</TIME_SYSTEM>\
<MEAN_ELEMENT_THEORY>SGP4</MEAN_ELEMENT_THEORY></metadata><data><meanElements>\
<EPOCH>2024-01-01T12:00:00.000000</EPOCH><MEAN_MOTION>15.50103472</MEAN_MOTION>\
<ECCENTRICITY>.0006703</ECCENTRICITY><INCLINATION>51.6416</INCLINATION><RA_OF_ASC_NODE>247.4627</RA_OF_ASC_NODE>\
<ARG_OF_PERICENTER>130.5360</ARG_OF_PERICENTER><MEAN_ANOMALY>325.0288</MEAN_ANOMALY></meanElements>\
<tleParameters><EPHEMERIS_TYPE>0</EPHEMERIS_TYPE><CLASSIFICATION_TYPE>U</CLASSIFICATION_TYPE>\
<NORAD_CAT_ID>25544</NORAD_CAT_ID><ELEMENT_SET_NO>999</ELEMENT_SET_NO><REV_AT_EPOCH>43237</REV_AT_EPOCH>\
<BSTAR>.30270E-3</BSTAR><MEAN_MOTION_DOT>.00016717</MEAN_MOTION_DOT><MEAN_MOTION_DDOT>0</MEAN_MOTION_DDOT>\
</tleParameters></data></segment></body></omm>
<omm id="CCSDS_OMM_VERS" version="2.0">
<header><CREATION_DATE/><ORIGINATOR/></header>
<body><segment><metadata><OBJECT_NAME>STARLINK-1007</OBJECT_NAME><OBJECT_ID>2019-074A</OBJECT_ID>\
<CENTER_NAME>EARTH</CENTER_NAME><REF_FRAME>TEME</REF_FRAME><TIME_SYSTEM>UTC</TIME_SYSTEM>\
<MEAN_ELEMENT_THEORY>SGP4</MEAN_ELEMENT_THEORY></metadata><data><meanElements>\
<EPOCH>2024-01-01T06:00:00.000000</EPOCH><MEAN_MOTION>15.06396571</MEAN_MOTION>\
<ECCENTRICITY>.0001335</ECCENTRICITY><INCLINATION>53.0553</INCLINATION><RA_OF_ASC_NODE>189.3316</RA_OF_ASC_NODE>\
<ARG_OF_PERICENTER>85.5420</ARG_OF_PERICENTER><MEAN_ANOMALY>274.5702</MEAN_ANOMALY></meanElements>\
<tleParameters><EPHEMERIS_TYPE>0</EPHEMERIS_TYPE><CLASSIFICATION_TYPE>U</CLASSIFICATION_TYPE>\
<NORAD_CAT_ID>44713</NORAD_CAT_ID><ELEMENT_SET_NO>999</ELEMENT_SET_NO><REV_AT_EPOCH>22987</REV_AT_EPOCH>\
<BSTAR>.92537E-4</BSTAR><MEAN_MOTION_DOT>.00001103</MEAN_MOTION_DOT><MEAN_MOTION_DDOT>0</MEAN_MOTION_DDOT>\
</tleParameters></data></segment></body></omm>
</ndm>
"""
KVN = """\
CCSDS_OMM_VERS = 2.0
COMMENT GENERATED VIA SPACE-TRACK.ORG API
CREATION_DATE = 2024-01-02T00:00:00
ORIGINATOR = 18 SPCS
OBJECT_NAME = ISS (ZARYA)
OBJECT_ID = 1998-067A
CENTER_NAME = EARTH
REF_FRAME = TEME
TIME_SYSTEM = UTC
MEAN_ELEMENT_THEORY = SGP4
EPOCH = 2024-01-01T12:00:00.000000
MEAN_MOTION = 15.50103472 [rev/day]
ECCENTRICITY = .0006703
INCLINATION = 51.6416 [deg]
RA_OF_ASC_NODE = 247.4627 [deg]
ARG_OF_PERICENTER = 130.5360 [deg]
MEAN_ANOMALY = 325.0288 [deg]
EPHEMERIS_TYPE = 0
CLASSIFICATION_TYPE = U
NORAD_CAT_ID = 25544
ELEMENT_SET_NO = 999
REV_AT_EPOCH = 43237
BSTAR = .30270E-3 [1/ER]
MEAN_MOTION_DOT = .00016717 [rev/day**2]
MEAN_MOTION_DDOT = 0 [rev/day**3]

CCSDS_OMM_VERS = 2.0
CREATION_DATE = 2024-01-02T00:00:00
ORIGINATOR = 18 SPCS
OBJECT_NAME = STARLINK-1007
OBJECT_ID = 2019-074A
CENTER_NAME = EARTH
REF_FRAME = TEME
TIME_SYSTEM = UTC
MEAN_ELEMENT_THEORY = SGP4
EPOCH = 2024-01-01T06:00:00.000000
MEAN_MOTION = 15.06396571
ECCENTRICITY = .0001335
INCLINATION = 53.0553
RA_OF_ASC_NODE = 189.3316
ARG_OF_PERICENTER = 85.5420
MEAN_ANOMALY = 274.5702
EPHEMERIS_TYPE = 0
CLASSIFICATION_TYPE = U
NORAD_CAT_ID = 44713
ELEMENT_SET_NO = 999
REV_AT_EPOCH = 22987
BSTAR = .92537E-4
MEAN_MOTION_DOT = .00001103
MEAN_MOTION_DDOT = 0
"""
FORMS = [(CSV, "gp.csv"), (JSON, "gp.json"), (XML, "gp.xml"), (KVN, "gp.kvn"),
         (CSV, "gp.txt"), (JSON, "gp"), (XML, "gp.omm"), (KVN, "gp.omm")]


def _positions(satrecs, days=2.0):
    jd = np.full(200, 2460310.5)
    fr = np.linspace(0.0, days, 200)
    return np.stack([s.sgp4_array(jd, fr)[1] for s in satrecs])


@pytest.mark.parametrize(("text", "name"), FORMS)
def test_omm_propagates_like_the_tle(text, name):
    records = parse_omm(text, name)
    assert [r.name for r in records] == ["ISS (ZARYA)", "STARLINK-1007"]
    assert [r.catalogue_number for r in records] == [25544, 44713]
    from_tle = _positions([Satrec.twoline2rv(l1, l2) for _, l1, l2 in TLES])
    from_omm = _positions([r.satrec for r in records])
    assert np.abs(from_omm - from_tle).max() < 1e-6  # km: 1 mm


@pytest.mark.parametrize(("text", "name"), FORMS[:4])
def test_a_byte_order_mark_is_read_past(text, name):
    assert [r.name for r in parse_omm("\ufeff" + text, name)] == ["ISS (ZARYA)", "STARLINK-1007"]


@pytest.mark.parametrize(("text", "name"), FORMS[:4])
def test_omm_satellites_export_the_same_tle(text, name):
    """Identity included (designator, element set and revolution numbers), the TLE written for
    a satellite read from OMM is the one it was published as."""
    records = parse_omm(text, name)
    names = [n for n, _, _ in TLES]
    assert format_tles([r.satrec for r in records], names) == "".join(f"{n}\n{l1}\n{l2}\n" for n, l1, l2 in TLES)


def test_nine_digit_catalogue_numbers():
    text = CSV.replace(",25544,", ",270012345,")
    (iss, _) = parse_omm(text, "gp.csv")
    assert iss.catalogue_number == 270012345
    reference = Satrec.twoline2rv(TLES[0][1], TLES[0][2])
    assert np.abs(_positions([iss.satrec]) - _positions([reference])).max() < 1e-6
    with pytest.raises(TLEError, match="ISS \\(ZARYA\\): its catalogue number does not fit a TLE"):
        format_tles([iss.satrec], ["ISS (ZARYA)"])


@pytest.mark.parametrize(("text", "name", "message"), [
    (CSV.replace(",15.50103472,", ",fast,"), "gp.csv", "record 1: MEAN_MOTION: 'fast' is not a number"),
    (CSV.replace(",.0006703,", ",1.5,"), "gp.csv", "record 1: ECCENTRICITY: 1.5 (allowed: 0 to below 1)"),
    (CSV.replace("2024-01-01T06:00:00.000000", "yesterday"), "gp.csv",
     "record 2: EPOCH: 'yesterday' is not an ISO time"),
    (CSV.replace("2024-01-01T06:00:00.000000", "2060-01-01T00:00:00"), "gp.csv",
     "record 2: EPOCH: '2060-01-01T00:00:00' (allowed: 1957 to 2056, the years a TLE holds)"),
    (CSV.replace(",44713,", ",,"), "gp.csv", "record 2: NORAD_CAT_ID: missing"),
    (CSV.replace(",247.4627,", ",-12.5,"), "gp.csv", "record 1: RA_OF_ASC_NODE: -12.5 deg (allowed: 0 to 360 deg)"),
    (CSV.replace(",51.6416,", ",181,"), "gp.csv", "record 1: INCLINATION: 181 deg (allowed: 0 to 180 deg)"),
    (CSV.replace(",0,U,25544,", ",4,U,25544,"), "gp.csv",
     "record 1: EPHEMERIS_TYPE: '4' (allowed: 0, 2, 3, SGP4 elements; 4 is SGP4-XP)"),
    (CSV.replace(",0,U,25544,", ",0,X,25544,"), "gp.csv", "record 1: CLASSIFICATION_TYPE: 'X' (allowed: U, C or S)"),
    (CSV.replace(",999,43237,", ",999,-3,"), "gp.csv", "record 1: REV_AT_EPOCH: '-3' (allowed: a whole number from 0)"),
    (XML.replace("<MEAN_ELEMENT_THEORY>SGP4<", "<MEAN_ELEMENT_THEORY>SGP4-XP<"), "gp.xml",
     "record 1: MEAN_ELEMENT_THEORY: 'SGP4-XP' (allowed: SGP4 or SGP/SGP4)"),
    (JSON.replace('"MEAN_MOTION":15.50103472', '"MEAN_MOTION":true'), "gp.json",
     "record 1: MEAN_MOTION: true (allowed: a text or a number)"),
    (JSON.replace('"OBJECT_NAME":"ISS (ZARYA)"', '"OBJECT_NAME":["ISS"]'), "gp.json",
     'record 1: OBJECT_NAME: ["ISS"] (allowed: a text or a number)'),
    (KVN.replace("ORIGINATOR = 18 SPCS\nOBJECT_NAME", "ORIGINATOR 18 SPCS\nOBJECT_NAME", 1), "gp.kvn",
     "line 4: 'ORIGINATOR 18 SPCS' is not KEY = VALUE"),
    ("OBJECT_NAME = ISS\n", "gp.kvn", "line 1: OBJECT_NAME before CCSDS_OMM_VERS"),
    ("<ndm><omm>", "gp.xml", "not valid XML"),
    ("[" * 100_000, "gp.json", "not valid JSON: nested too deeply"),
    ("42", "gp.json", "not an OMM record or a list of them (allowed: CelesTrak OMM in JSON)"),
    ("[]", "gp.json", "no records found"),
    ("[42]", "gp.json", "record 1: expected a mapping of OMM fields"),
])
def test_bad_records_are_one_line(text, name, message):
    with pytest.raises(OMMError) as error:
        parse_omm(text, name)
    assert str(error.value).startswith(message) and "\n" not in str(error.value)


def test_oem_reads_back_through_an_independent_reader(tmp_path):
    oem = pytest.importorskip("oem")
    satrecs = [Satrec.twoline2rv(l1, l2) for _, l1, l2 in TLES]
    grid = TimeGrid.from_duration(utc(2024, 1, 1, 12), 3 * 3600.0, 60.0)
    count = write_oem_files(tmp_path, [n for n, _, _ in TLES], satrecs, grid)
    assert count == 2 and sorted(p.name for p in tmp_path.iterdir()) == ["ISS_ZARYA.oem", "STARLINK-1007.oem"]
    jd, fr = grid.jd()
    for (name, _, _), sat, file, object_id in zip(TLES, satrecs, ["ISS_ZARYA.oem", "STARLINK-1007.oem"],
                                                  ["1998-067A", "2019-074A"], strict=True):
        (segment,) = oem.OrbitEphemerisMessage.open(str(tmp_path / file)).segments
        assert segment.metadata["OBJECT_NAME"] == name and segment.metadata["OBJECT_ID"] == object_id
        assert segment.metadata["REF_FRAME"] == "TEME" and segment.metadata["TIME_SYSTEM"] == "UTC"
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
            args += ["--export-oem", str(tmp_path / "oem"), "--export-tle", str(tmp_path / "omm.tle")]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        summaries.append(json.loads(result.stdout)["spacecraft"]["sats"])
    assert summaries[0] == summaries[1]
    assert (tmp_path / "omm.tle").read_text() == (tmp_path / "gp.tle").read_text()
    assert sorted(p.name for p in (tmp_path / "oem").iterdir()) == [
        "ISS_ZARYA.oem", "STARLINK-1007.oem", "complete.json"]
    assert "OBJECT_ID = 1998-067A\n" in (tmp_path / "oem" / "ISS_ZARYA.oem").read_text()
    again = CliRunner().invoke(app, ["orbit", str(tmp_path / "omm.yaml"), "--export-oem", str(tmp_path / "oem")])
    assert again.exit_code == 2 and "Traceback" not in again.output


def _omm_scenario(tmp_path, text: str):
    import yaml

    (tmp_path / "gp.csv").write_text(text)
    scenario = tmp_path / "omm.yaml"
    scenario.write_text(yaml.safe_dump({
        "name": "omm", "run": {"start": "2024-01-02T00:00:00Z", "duration_h": 1, "step_s": 60},
        "spacecraft": [{"name": "sats", "role": "relay", "orbit": {"kind": "omm", "file": "gp.csv"}}],
        "ground": {"users": {"top_cities": 0}}}))
    return scenario


def test_a_bad_record_is_one_line_naming_file_record_and_field(tmp_path):
    from typer.testing import CliRunner

    from aether.cli import app

    scenario = _omm_scenario(tmp_path, CSV.replace(",189.3316,", ",400,"))
    result = CliRunner().invoke(app, ["validate", str(scenario)])
    assert result.exit_code == 2 and result.output == (
        f"{scenario}: spacecraft[0].orbit.file: gp.csv: record 2: RA_OF_ASC_NODE: 400 deg "
        "(allowed: 0 to 360 deg)\n")


def test_a_tle_export_refuses_a_nine_digit_catalogue_number(tmp_path):
    """Before the computation, in one line; the OEM export of the same satellites is fine."""
    from typer.testing import CliRunner

    from aether.cli import app

    scenario = _omm_scenario(tmp_path, CSV.replace(",44713,", ",270000001,"))
    result = CliRunner().invoke(app, ["orbit", str(scenario), "--export-tle", str(tmp_path / "out.tle")])
    assert result.exit_code == 2 and result.output == (
        f"{tmp_path / 'out.tle'}: STARLINK-1007: its catalogue number does not fit a TLE (allowed: 1 to "
        "339999, Alpha-5); an OEM export holds any satellite\n")
    assert list(tmp_path.glob("*.tle")) == []
    result = CliRunner().invoke(app, ["orbit", str(scenario), "--export-oem", str(tmp_path / "oem"),
                                      "--workers", "1"])
    assert result.exit_code == 0 and len(list((tmp_path / "oem").glob("*.oem"))) == 2
