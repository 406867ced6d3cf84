"""The flat fields a trade row is mapped to: one event per row, one value (or list) per field."""

from __future__ import annotations

FIELDS: dict[str, str] = {
    "id": "the row's own identifier (default: its row number)",
    "date": "the day of the dealing, YYYY-MM-DD (required)",
    "kind": "transfer (default), service, financial, joint-venture, training, employment, offer, ...",
    "offered": "for an offer: what is offered (transfer, service, ...), a list",
    "supplier": "ISO 3166 alpha-2 code of the supplier or exporter (KP for the DPRK)",
    "recipient": "ISO 3166 alpha-2 code of the recipient or importer",
    "supplier_name": "the supplier's name, screened against the UN list",
    "recipient_name": "the recipient's name, screened against the UN list",
    "supplier_ref": "the supplier's UN list reference number (KPe.020), when known",
    "recipient_ref": "the recipient's UN list reference number, when known",
    "hs": "HS codes (2 to 10 digits; dots and spaces ignored), a list",
    "category": "commodity categories (the rulebook's group ids), a list",
    "quantity": "a number, or 'unknown'",
    "unit": "barrel, tonne, kilolitre, litre, cubic-metre, kilogram, piece, vehicle, ... (with a quantity)",
    "value_usd": "value per item in US dollars",
    "total_usd": "value of the whole consignment in US dollars",
    "flags": "facts rules test (new, prior-contract, ship-to-ship, ...), a list",
    "concerns": "ISO codes of countries the dealing concerns without being a party, a list",
    "vessel": "the name of the vessel that carried the goods, screened against the designated vessels",
    "imo": "that vessel's seven-digit IMO number",
}
LIST_FIELDS = {"offered", "hs", "category", "flags", "concerns"}
REQUIRED = {"date"}
