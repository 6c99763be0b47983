"""Orbit Mean-Elements Messages (OMM, CCSDS 502.0-B-3) as CelesTrak publishes them.

CelesTrak serves the same SGP4 mean elements as TLEs in CSV, XML, KVN and JSON (Kelso,
"A New Way to Obtain GP Data", CelesTrak 2020), and only as OMM once five-digit catalogue
numbers run out. Field names and units follow the standard: angles in degrees, mean motion
in revolutions per day, EPOCH as an ISO time (UTC). Catalogue numbers may have up to nine
digits; SGP4 itself does not use them, so numbers past its five-character field are kept
by Aether and not passed to sgp4.

A record becomes a Satrec as sgp4's own reader (sgp4.omm.initialize) makes it, identity
included (international designator, element set and revolution numbers), so a satellite
read from OMM exports to the same TLE and OEM as one read from its TLE.
"""

import csv
import io
import json
import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime

from sgp4.api import WGS72, Satrec

from aether.constants import JD_SGP4_EPOCH0

# The mean elements every record must carry (CCSDS 502.0-B-3 table 4-3, SGP4 theory).
REQUIRED = ("OBJECT_NAME", "EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION",
            "RA_OF_ASC_NODE", "ARG_OF_PERICENTER", "MEAN_ANOMALY", "NORAD_CAT_ID")
# The most SGP4's catalogue-number field holds (Alpha-5: 'Z9999'); larger numbers go to
# sgp4 as 0, which no TLE export writes (aether.orbit.tle.format_tles).
SGP4_MAX_SATNUM = 339_999
# Angle ranges in degrees (CCSDS 502.0-B-3 table 4-3; a TLE's fields hold the same).
ANGLES_DEG = {"INCLINATION": (0.0, 180.0), "RA_OF_ASC_NODE": (0.0, 360.0),
              "ARG_OF_PERICENTER": (0.0, 360.0), "MEAN_ANOMALY": (0.0, 360.0)}
# Ephemeris types of SGP4 elements: 0 as CelesTrak and Space-Track publish them, 2 (SGP4)
# and 3 (SDP4) in Spacetrack Report No. 3's numbering (Hoots & Roehrich 1980). Type 4 marks
# SGP4-XP elements, which SGP4 cannot propagate.
SGP4_EPHEMERIS_TYPES = (0, 2, 3)
# MEAN_ELEMENT_THEORY values for SGP4 elements (CelesTrak: SGP4; CCSDS examples: SGP/SGP4).
SGP4_THEORIES = ("SGP4", "SGP/SGP4")
# The years a TLE's two-digit epoch year holds, as for the run's start.
EPOCH_YEARS = (1957, 2056)
# OBJECT_ID as COSPAR writes it (YYYY-NNNP{PP}); a TLE keeps YYNNNP{PP}.
_OBJECT_ID = re.compile(r"(\d{4})-(\d{3})([A-Z]{1,3})")
_UNIT = re.compile(r"\s*\[[^\]]*\]$")  # a KVN value's optional unit, e.g. "51.6 [deg]"
_JD_UNIX_EPOCH = 2440587.5


class OMMError(ValueError):
    """A message that cannot be read; the text is one line naming the record and field."""


@dataclass(frozen=True)
class OMMRecord:
    name: str
    catalogue_number: int
    satrec: Satrec


def _xml_records(text: str) -> list[dict]:
    """The fields of each segment (metadata, mean elements, TLE parameters) of an NDM/XML file."""
    records = []
    for segment in ET.fromstring(text).iter("segment"):
        fields = {}
        for part in ("metadata", "data/meanElements", "data/tleParameters"):
            node = segment.find(part)
            if node is not None:
                fields.update((child.tag, (child.text or "").strip()) for child in node)
        records.append(fields)
    return records


def _kvn_records(text: str) -> list[dict]:
    """The KEY = VALUE lines of each message; every message starts with CCSDS_OMM_VERS
    (CCSDS 502.0-B-3 section 4.2)."""
    records: list[dict] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("COMMENT"):
            continue
        key, equals, value = line.partition("=")
        if not equals:
            raise OMMError(f"line {number}: {line[:40]!r} is not KEY = VALUE")
        if key.strip() == "CCSDS_OMM_VERS":
            records.append({})
        elif not records:
            raise OMMError(f"line {number}: {key.strip()} before CCSDS_OMM_VERS")
        records[-1][key.strip()] = value.strip()
    return records


def _records(text: str, fmt: str) -> list:
    if fmt == "json":
        data = json.loads(text)
        if not isinstance(data, list | dict):
            raise OMMError("not an OMM record or a list of them (allowed: CelesTrak OMM in JSON)")
        return [data] if isinstance(data, dict) else data
    if fmt == "xml":
        return _xml_records(text)
    if fmt == "kvn":
        return _kvn_records(text)
    return list(csv.DictReader(io.StringIO(text)))


def detect_format(filename: str, text: str) -> str:
    """'csv', 'xml', 'kvn' or 'json', from the file's extension or else its first characters."""
    suffix = filename.rsplit(".", 1)[-1].lower()
    if suffix in ("csv", "xml", "kvn", "json"):
        return suffix
    start = text.lstrip()
    if start.startswith("CCSDS_OMM_VERS"):
        return "kvn"
    return {"<": "xml", "[": "json", "{": "json"}.get(start[:1], "csv")


def _text(fields: dict, key: str, default: str = "") -> str:
    """A field as text; JSON numbers are taken as written, other JSON values refused."""
    raw = fields.get(key, default)
    if raw is None:
        return ""
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise OMMError(f"{key}: {json.dumps(raw)[:40]} (allowed: a text or a number)")
    return str(raw).strip()


def _number(fields: dict, key: str, default: str | None = None) -> float:
    raw = _UNIT.sub("", _text(fields, key, default or ""))
    if raw == "":
        raise OMMError(f"{key}: missing")
    try:
        value = float(raw)
    except ValueError:
        raise OMMError(f"{key}: {raw!r} is not a number") from None
    if not math.isfinite(value):
        raise OMMError(f"{key}: {raw!r} is not a finite number")
    return value


def _whole(fields: dict, key: str, default: str, below: int) -> int:
    """A counter that is a whole number from 0, kept modulo `below` as a TLE's field holds it
    (element set and revolution numbers roll over in TLEs too)."""
    value = _number(fields, key, default)
    if value != int(value) or value < 0:
        raise OMMError(f"{key}: {fields[key]!r} (allowed: a whole number from 0)")
    return int(value) % below


def _epoch_jd(value: str) -> tuple[float, float]:
    """(whole, fraction) Julian date of an OMM EPOCH such as 2024-01-01T12:00:00.000000."""
    try:
        moment = datetime.fromisoformat(value.removesuffix("Z"))
    except ValueError:
        raise OMMError(f"EPOCH: {value!r} is not an ISO time such as 2024-01-01T12:00:00.000") from None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    if not EPOCH_YEARS[0] <= moment.year <= EPOCH_YEARS[1]:
        raise OMMError(f"EPOCH: {value!r} (allowed: {EPOCH_YEARS[0]} to {EPOCH_YEARS[1]}, "
                       "the years a TLE holds)")
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    day_jd = _JD_UNIX_EPOCH + (midnight - datetime(1970, 1, 1, tzinfo=UTC)).days
    fraction = (moment - midnight).total_seconds() / 86400.0
    return day_jd, fraction


def _check_sgp4_elements(fields: dict) -> None:
    """Refuse elements of another theory (SGP4-XP, DSST, ...), which SGP4 would misread."""
    theory = _text(fields, "MEAN_ELEMENT_THEORY")
    if theory and theory.upper() not in SGP4_THEORIES:
        raise OMMError(f"MEAN_ELEMENT_THEORY: {theory!r} (allowed: {' or '.join(SGP4_THEORIES)})")
    ephemeris_type = _number(fields, "EPHEMERIS_TYPE", "0")
    if ephemeris_type not in SGP4_EPHEMERIS_TYPES:
        raise OMMError(f"EPHEMERIS_TYPE: {fields['EPHEMERIS_TYPE']!r} (allowed: "
                       f"{', '.join(map(str, SGP4_EPHEMERIS_TYPES))}, SGP4 elements; 4 is SGP4-XP)")


def _satrec(fields: dict) -> tuple[int, Satrec]:
    """SGP4 initialised from one record's mean elements (units per CCSDS 502.0-B-3), with
    the identity fields that sgp4.omm.initialize sets."""
    missing = [k for k in REQUIRED if _text(fields, k) == ""]
    if missing:
        raise OMMError(f"{', '.join(missing)}: missing")
    _check_sgp4_elements(fields)
    catalogue = _number(fields, "NORAD_CAT_ID")
    if catalogue != int(catalogue) or not 0 < catalogue < 1e9:
        raise OMMError(f"NORAD_CAT_ID: {fields['NORAD_CAT_ID']!r} (allowed: a whole number of up to 9 digits)")
    jd, fraction = _epoch_jd(_text(fields, "EPOCH"))
    mean_motion = _number(fields, "MEAN_MOTION")
    eccentricity = _number(fields, "ECCENTRICITY")
    if not 0 < mean_motion < 20:
        raise OMMError(f"MEAN_MOTION: {mean_motion:g} rev/day (allowed: above 0, below 20)")
    if not 0 <= eccentricity < 1:
        raise OMMError(f"ECCENTRICITY: {eccentricity:g} (allowed: 0 to below 1)")
    angles_rad = {}
    for key, (low, high) in ANGLES_DEG.items():
        value = _number(fields, key)
        if not low <= value <= high:
            raise OMMError(f"{key}: {value:g} deg (allowed: {low:g} to {high:g} deg)")
        angles_rad[key] = math.radians(value)
    classification = _text(fields, "CLASSIFICATION_TYPE", "U") or "U"
    if classification not in ("U", "C", "S"):
        raise OMMError(f"CLASSIFICATION_TYPE: {classification!r} (allowed: U, C or S)")
    designator = _OBJECT_ID.fullmatch(_text(fields, "OBJECT_ID"))
    sat = Satrec()
    sat.sgp4init(
        WGS72, "i", int(catalogue) if catalogue <= SGP4_MAX_SATNUM else 0,
        (jd - JD_SGP4_EPOCH0) + fraction,
        _number(fields, "BSTAR", "0"),
        _number(fields, "MEAN_MOTION_DOT", "0") * 2.0 * math.pi / 1440.0**2,
        _number(fields, "MEAN_MOTION_DDOT", "0") * 2.0 * math.pi / 1440.0**3,
        eccentricity, angles_rad["ARG_OF_PERICENTER"], angles_rad["INCLINATION"],
        angles_rad["MEAN_ANOMALY"], mean_motion * 2.0 * math.pi / 1440.0, angles_rad["RA_OF_ASC_NODE"],
    )
    sat.classification = classification
    sat.intldesg = designator[1][2:] + designator[2] + designator[3] if designator else ""
    sat.ephtype = int(_number(fields, "EPHEMERIS_TYPE", "0"))
    sat.elnum = _whole(fields, "ELEMENT_SET_NO", "0", 10_000)
    sat.revnum = _whole(fields, "REV_AT_EPOCH", "0", 100_000)
    return int(catalogue), sat


def parse_omm(text: str, filename: str = "omm.csv") -> list[OMMRecord]:
    """Every record of an OMM file in CelesTrak's CSV, XML, KVN or JSON form.

    OMMError (one line naming the record and field) for a file that cannot be read.
    """
    text = text.removeprefix("\ufeff")  # a byte-order mark, as some editors write
    fmt = detect_format(filename, text)
    try:
        records = _records(text, fmt)
    except (ET.ParseError, json.JSONDecodeError, csv.Error) as error:
        raise OMMError(f"not valid {fmt.upper()}: {error}") from None
    except RecursionError:
        raise OMMError(f"not valid {fmt.upper()}: nested too deeply") from None
    if not records:
        raise OMMError(f"no records found (allowed: CelesTrak OMM in {fmt.upper()})")
    out = []
    for k, fields in enumerate(records, start=1):
        if not isinstance(fields, dict):
            raise OMMError(f"record {k}: expected a mapping of OMM fields")
        try:
            catalogue, sat = _satrec(fields)
        except OMMError as error:
            raise OMMError(f"record {k}: {error}") from None
        out.append(OMMRecord(_text(fields, "OBJECT_NAME"), catalogue, sat))
    return out
