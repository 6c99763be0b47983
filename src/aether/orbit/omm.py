"""Orbit Mean-Elements Messages (OMM, CCSDS 502.0-B-3) as CelesTrak publishes them.

CelesTrak serves the same SGP4 mean elements as TLEs in CSV, XML and JSON (Kelso,
"A New Way to Obtain GP Data", CelesTrak 2020), and only as OMM once five-digit catalogue
numbers run out. Field names and units follow the standard: angles in degrees, mean motion
in revolutions per day, EPOCH as an ISO time (UTC). Catalogue numbers may have up to nine
digits; SGP4 itself does not use them, so numbers past its five-character field are kept
by Aether and not passed to sgp4.
"""

import csv
import io
import json
import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime

from sgp4.api import WGS72, Satrec

from aether.constants import JD_SGP4_EPOCH0

# The mean elements every record must carry (CCSDS 502.0-B-3 table 4-3, SGP4 theory).
REQUIRED = ("OBJECT_NAME", "EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION",
            "RA_OF_ASC_NODE", "ARG_OF_PERICENTER", "MEAN_ANOMALY", "NORAD_CAT_ID")
# The most SGP4's catalogue-number field holds (Alpha-5: 'Z9999').
SGP4_MAX_SATNUM = 339_999
_JD_UNIX_EPOCH = 2440587.5


class OMMError(ValueError):
    """A message that cannot be read; the text is one line naming the record and field."""


@dataclass(frozen=True)
class OMMRecord:
    name: str
    catalogue_number: int
    satrec: Satrec


def _records(text: str, fmt: str) -> list[dict[str, str]]:
    if fmt == "json":
        data = json.loads(text)
        return [data] if isinstance(data, dict) else list(data)
    if fmt == "xml":
        root = ET.fromstring(text)
        records = []
        for segment in root.iter("segment"):
            fields = {}
            for part in ("metadata", "data/meanElements", "data/tleParameters"):
                node = segment.find(part)
                if node is not None:
                    fields.update((child.tag, (child.text or "").strip()) for child in node)
            records.append(fields)
        return records
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def detect_format(filename: str, text: str) -> str:
    """'csv', 'xml' or 'json', from the file's extension or else its first character."""
    suffix = filename.rsplit(".", 1)[-1].lower()
    if suffix in ("csv", "xml", "json"):
        return suffix
    first = text.lstrip("\ufeff \t\r\n")[:1]
    return {"<": "xml", "[": "json", "{": "json"}.get(first, "csv")


def _epoch_jd(value: str) -> tuple[float, float]:
    """(whole, fraction) Julian date of an OMM EPOCH such as 2024-01-01T12:00:00.000000."""
    moment = datetime.fromisoformat(value.strip().removesuffix("Z"))
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    day_jd = _JD_UNIX_EPOCH + (midnight - datetime(1970, 1, 1, tzinfo=UTC)).days
    fraction = (moment - midnight).total_seconds() / 86400.0
    return day_jd, fraction


def _number(fields: dict, key: str, default: str | None = None) -> float:
    raw = fields.get(key, default)
    if raw is None or str(raw).strip() == "":
        raise OMMError(f"{key}: missing")
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise OMMError(f"{key}: {raw!r} is not a number") from None
    if not math.isfinite(value):
        raise OMMError(f"{key}: {raw!r} is not a finite number")
    return value


def _satrec(fields: dict) -> tuple[int, Satrec]:
    """SGP4 initialised from one record's mean elements (units per CCSDS 502.0-B-3)."""
    missing = [k for k in REQUIRED if str(fields.get(k, "")).strip() == ""]
    if missing:
        raise OMMError(f"{', '.join(missing)}: missing")
    catalogue = _number(fields, "NORAD_CAT_ID")
    if catalogue != int(catalogue) or not 0 < catalogue < 1e9:
        raise OMMError(f"NORAD_CAT_ID: {fields['NORAD_CAT_ID']!r} (allowed: a whole number of up to 9 digits)")
    try:
        jd, fraction = _epoch_jd(str(fields["EPOCH"]))
    except ValueError:
        raise OMMError(f"EPOCH: {fields['EPOCH']!r} is not an ISO time such as 2024-01-01T12:00:00.000") from None
    mean_motion = _number(fields, "MEAN_MOTION")
    eccentricity = _number(fields, "ECCENTRICITY")
    if not 0 < mean_motion < 20:
        raise OMMError(f"MEAN_MOTION: {mean_motion:g} rev/day (allowed: above 0, below 20)")
    if not 0 <= eccentricity < 1:
        raise OMMError(f"ECCENTRICITY: {eccentricity:g} (allowed: 0 to below 1)")
    to_rad = math.pi / 180.0
    sat = Satrec()
    sat.sgp4init(
        WGS72, "i", int(catalogue) if catalogue <= SGP4_MAX_SATNUM else 0,
        (jd - JD_SGP4_EPOCH0) + fraction,
        _number(fields, "BSTAR", "0"),
        _number(fields, "MEAN_MOTION_DOT", "0") * 2.0 * math.pi / 1440.0**2,
        _number(fields, "MEAN_MOTION_DDOT", "0") * 2.0 * math.pi / 1440.0**3,
        eccentricity,
        _number(fields, "ARG_OF_PERICENTER") * to_rad,
        _number(fields, "INCLINATION") * to_rad,
        _number(fields, "MEAN_ANOMALY") * to_rad,
        mean_motion * 2.0 * math.pi / 1440.0,
        _number(fields, "RA_OF_ASC_NODE") * to_rad,
    )
    return int(catalogue), sat


def parse_omm(text: str, filename: str = "omm.csv") -> list[OMMRecord]:
    """Every record of an OMM file in CelesTrak's CSV, XML or JSON form.

    OMMError (one line naming the record and field) for a file that cannot be read.
    """
    fmt = detect_format(filename, text)
    try:
        records = _records(text, fmt)
    except (ET.ParseError, json.JSONDecodeError, csv.Error) as error:
        raise OMMError(f"not valid {fmt.upper()}: {error}") from None
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
        out.append(OMMRecord(str(fields["OBJECT_NAME"]).strip(), catalogue, sat))
    return out
