"""A deterministic synthetic trade ledger for bulk screening: N rows, about 1% with a DPRK nexus.

Columns are named as a trading house's export might name them (``bench/ledger-mapping.yaml`` maps
them). Rows without a nexus trade ordinary goods between 40 countries in 2024. About 1% touch the
DPRK, drawn so that every measure family appears: refined petroleum and crude oil deliveries
(barrels or tonnes, some with no quantity), coal, iron ore, seafood, textiles and food exported
by the DPRK, luxury goods above and below their thresholds, vehicles, machinery, vessels, arms,
payments and services, and food or medicine sent to it (not prohibited). A few more rows, with
no DPRK country, name a listed entity by an alias or a designated vessel by IMO number or by a
misspelt name. Run it to write a file:

    python bench/bulk_workload.py 1000000 /tmp/ledger-1m.jsonl
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
from pathlib import Path

COUNTRIES = [
    "CN", "RU", "SG", "MY", "VN", "TH", "ID", "IN", "AE", "TR", "DE", "FR", "NL", "GB", "US", "CA", "BR", "MX",
    "JP", "KR", "AU", "NZ", "ZA", "NG", "EG", "SA", "PK", "BD", "PH", "TW", "HK", "IT", "ES", "PL", "SE", "NO",
    "CL", "AR", "KZ", "MN",
]  # fmt: skip
ORDINARY_HS = [
    "010121", "020130", "030211", "040120", "060110", "070200", "080300", "090111", "100199", "110100", "150710",
    "170114", "200911", "220421", "240110", "252329", "280110", "300490", "330300", "390110", "401110", "420212",
    "440710", "480100", "520100", "610910", "640399", "690721", "700510", "720851", "730890", "760110", "820110",
    "841510", "847130", "850440", "851712", "870323", "871200", "890110", "900211", "940360", "950300", "960321",
]  # fmt: skip
NEXUS = [  # (hs, direction, unit, qty range, value range per item)
    ("271019", "to", "barrel", (500, 60_000), None),
    ("271019", "to", "tonne", (100, 8_000), None),
    ("270900", "to", "barrel", (10_000, 200_000), None),
    ("270112", "from", "tonne", (1_000, 50_000), None),
    ("260111", "from", "tonne", (1_000, 30_000), None),
    ("030389", "from", "tonne", (10, 500), None),
    ("620520", "from", "piece", (1_000, 50_000), None),
    ("100199", "from", "tonne", (10, 1_000), None),
    ("711319", "to", "piece", (1, 50), (50, 5_000)),
    ("570110", "to", "piece", (1, 20), (100, 2_000)),
    ("870323", "to", "vehicle", (1, 20), None),
    ("847130", "to", "piece", (1, 100), None),
    ("890110", "to", "vessel", (1, 2), None),
    ("930690", "from", "piece", (100, 10_000), None),
    ("100199", "to", "tonne", (100, 5_000), None),
    ("300490", "to", "kilogram", (10, 1_000), None),
]
LISTED_NAMES = [
    "Korea Mining Development Trading Corporation",
    "Ocean Maritime Management",
    "Jang Myong-Jin",
    "Korea Mirae Shipping",
]
VESSELS = [("CHON MA SAN", "8660313"), ("Chonmasan", None), ("ASIA BRIDGE 1", "8916580")]
SYLLABLES = ["ka", "ro", "mi", "tan", "lee", "zu", "ber", "gold", "star", "nova", "tek", "lin", "mar", "sol", "vin"]


def company(rng: random.Random) -> str:
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    return f"{word} {rng.choice(['Trading', 'Logistics', 'Industries', 'Export', 'Holdings'])} {rng.choice(['Ltd', 'LLC', 'GmbH', 'Co'])}"


def rows(n: int, seed: int = 1718):
    rng = random.Random(seed)
    names = [company(rng) for _ in range(3000)]
    start = dt.date(2024, 1, 1)
    for i in range(n):
        day = start + dt.timedelta(days=rng.randrange(366))
        row: dict[str, object] = {"txn_id": f"T{i:08d}", "ship_date": day.isoformat()}
        r = rng.random()
        if r < 0.0095:  # a DPRK nexus
            hs, direction, unit, (lo, hi), value = rng.choice(NEXUS)
            other = rng.choice(["CN", "RU", "SG", "MY", "VN"])
            exp, imp = ("KP", other) if direction == "from" else (other, "KP")
            row.update(
                exporter_country=exp, importer_country=imp, exporter=rng.choice(names), importer=rng.choice(names)
            )
            if rng.random() < 0.15:  # a payment or a service, without goods
                row.update(kind=rng.choice(["financial", "service"]))
            else:
                row.update(hs_code=hs, qty_unit=unit)
                row["qty"] = rng.randint(lo, hi) if rng.random() < 0.9 else None
                if value:
                    row["unit_value_usd"] = rng.randint(*value)
        elif r < 0.0100:  # a listed party or a designated vessel, no DPRK country
            row.update(
                exporter_country=rng.choice(COUNTRIES),
                importer_country=rng.choice(COUNTRIES),
                hs_code=rng.choice(ORDINARY_HS),
            )
            if rng.random() < 0.5:
                row.update(exporter=rng.choice(LISTED_NAMES), importer=rng.choice(names))
            else:
                vessel, imo = rng.choice(VESSELS)
                row.update(exporter=rng.choice(names), importer=rng.choice(names), vessel_name=vessel)
                if imo:
                    row["vessel_imo"] = imo
        else:
            a, b = rng.sample(COUNTRIES, 2)
            row.update(
                exporter_country=a,
                importer_country=b,
                exporter=rng.choice(names),
                importer=rng.choice(names),
                hs_code=rng.choice(ORDINARY_HS),
                qty=rng.randint(1, 10_000),
                qty_unit=rng.choice(["tonne", "piece", "kilogram"]),
                unit_value_usd=round(rng.uniform(1, 5_000), 2),
            )
        yield row


def write(path: Path, n: int, seed: int = 1718) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows(n, seed):
            fh.write(json.dumps(row, separators=(",", ":")) + "\n")
    return path


if __name__ == "__main__":
    write(Path(sys.argv[2]), int(sys.argv[1]))
