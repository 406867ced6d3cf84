"""Closed word lists shared by rule files, scenario files, Gherkin steps and reports.

Every list here is closed on purpose: a value outside it is an input error with a suggestion,
never a silently unmatched rule. Descriptions are what the step guide and the docs print.
"""

from __future__ import annotations

from enum import StrEnum


class Verdict(StrEnum):
    """The one overall verdict an event receives. Order of the members is the precedence."""

    VIOLATION = "violation"
    POTENTIAL_VIOLATION = "potential_violation"
    UNDECIDABLE = "undecidable"
    EXEMPT = "exempt"
    NOT_PROHIBITED = "not_prohibited"
    OUT_OF_SCOPE = "out_of_scope"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @property
    def rank(self) -> int:
        """Lower is more serious; ``decide`` picks the lowest rank among findings."""
        return list(Verdict).index(self)


VERDICT_MEANING: dict[Verdict, str] = {
    Verdict.VIOLATION: "the reported facts breach a measure in force on the event's date",
    Verdict.POTENTIAL_VIOLATION: "a measure would be breached, but the event is an offer or intent, "
    "or a fact the verdict needs (such as a quantity) is missing",
    Verdict.UNDECIDABLE: "the event touches the DPRK but lacks the facts needed to tell which "
    "measures apply (for example no commodity)",
    Verdict.EXEMPT: "a measure applies but a stated exemption, supported by evidence, removes it",
    Verdict.NOT_PROHIBITED: "a dealing with the DPRK that no measure in force prohibits",
    Verdict.OUT_OF_SCOPE: "not a dealing the 1718 regime governs (no DPRK nexus, or before the regime)",
}


class Direction(StrEnum):
    TO_DPRK = "to_dprk"
    FROM_DPRK = "from_dprk"
    EITHER = "either"
    DPRK_CONDUCT = "dprk_conduct"
    ANY = "any"


DIRECTION_MEANING: dict[Direction, str] = {
    Direction.TO_DPRK: "supplied, sold or transferred to the DPRK (recipient KP)",
    Direction.FROM_DPRK: "exported or supplied by the DPRK, or procured from it (supplier KP)",
    Direction.EITHER: "to or from the DPRK",
    Direction.DPRK_CONDUCT: "an act of the DPRK itself (actor KP), such as a launch",
    Direction.ANY: "between any parties: the link to the regime is a designated party or vessel",
}


class PartyScope(StrEnum):
    """Which listed parties a rule is about; screening against the UN lists decides."""

    DESIGNATED_PARTY = "designated-party"
    DESIGNATED_INDIVIDUAL = "designated-individual"
    DESIGNATED_VESSEL = "designated-vessel"


PARTY_SCOPE_MEANING: dict[PartyScope, str] = {
    PartyScope.DESIGNATED_PARTY: "a supplier or recipient on the UN 1718 list (individual or entity)",
    PartyScope.DESIGNATED_INDIVIDUAL: "a supplier or recipient who is an individual on the UN 1718 list",
    PartyScope.DESIGNATED_VESSEL: "a vessel on the 1718 Committee's designated vessels list",
}


class Confidence(StrEnum):
    """How sure the source is. Ordered from weakest to strongest."""

    ALLEGED = "alleged"
    REPORTED = "reported"
    CONFIRMED = "confirmed"

    @property
    def strength(self) -> int:
        return list(Confidence).index(self)


CONFIDENCE_MEANING: dict[Confidence, str] = {
    Confidence.ALLEGED: "claimed by one party (a government, a company) and not independently established",
    Confidence.REPORTED: "reported by the press or researchers from their own sources",
    Confidence.CONFIRMED: "established by an official finding (the Panel of Experts, a court, the Committee) "
    "or admitted by the parties",
}


class EventKind(StrEnum):
    TRANSFER = "transfer"
    SERVICE = "service"
    TRAINING = "training"
    COOPERATION = "cooperation"
    EMPLOYMENT = "employment"
    JOINT_VENTURE = "joint-venture"
    FINANCIAL = "financial"
    LAUNCH = "launch"
    NUCLEAR_TEST = "nuclear-test"
    OFFER = "offer"
    NOTIFICATION = "notification"
    DEPARTURE = "departure"
    AGREEMENT = "agreement"
    VISIT = "visit"
    VOTE = "vote"
    STATEMENT = "statement"
    INCIDENT = "incident"


EVENT_KIND_MEANING: dict[EventKind, str] = {
    EventKind.TRANSFER: "goods supplied, sold, transferred or exported (a gift included)",
    EventKind.SERVICE: "a service rendered: tourism, technical assistance, transport, insurance",
    EventKind.TRAINING: "teaching or training of DPRK nationals, or hosting trainers",
    EventKind.COOPERATION: "scientific or technical cooperation with DPRK-sponsored persons or groups",
    EventKind.EMPLOYMENT: "DPRK nationals working or earning income abroad",
    EventKind.JOINT_VENTURE: "opening, maintaining or operating a joint venture or cooperative entity",
    EventKind.FINANCIAL: "payments, bulk cash, banking relationships, financial support",
    EventKind.LAUNCH: "a launch by the DPRK using ballistic-missile technology (satellite launches included)",
    EventKind.NUCLEAR_TEST: "a nuclear test by the DPRK",
    EventKind.OFFER: "an offer, promise or stated intent to transfer or serve (name what in `offered`)",
    EventKind.NOTIFICATION: "a State's notification or report to the 1718 Committee (name what it covers)",
    EventKind.DEPARTURE: "DPRK nationals sent home or leaving a State (name whom, in refers_to or covers)",
    EventKind.AGREEMENT: "a treaty, memorandum or agreement signed (not itself a transfer)",
    EventKind.VISIT: "a visit or meeting (not itself a transfer)",
    EventKind.VOTE: "a vote or veto in a UN body",
    EventKind.STATEMENT: "a public statement or pledge",
    EventKind.INCIDENT: "a military or border incident",
}

#: Kinds that are dealings (something passes between parties, or the DPRK acts as the measures forbid).
TRANSACTIONAL_KINDS = frozenset(
    {
        EventKind.TRANSFER,
        EventKind.SERVICE,
        EventKind.TRAINING,
        EventKind.COOPERATION,
        EventKind.EMPLOYMENT,
        EventKind.JOINT_VENTURE,
        EventKind.FINANCIAL,
        EventKind.LAUNCH,
        EventKind.NUCLEAR_TEST,
        EventKind.OFFER,
        EventKind.NOTIFICATION,
    }
)
#: Kinds that record how a State discharged a duty; obligations look for them (see obligations.py).
RECORD_KINDS = frozenset({EventKind.NOTIFICATION, EventKind.DEPARTURE})

#: Kinds an offer can be an offer of.
OFFERABLE_KINDS = frozenset(
    {
        EventKind.TRANSFER,
        EventKind.SERVICE,
        EventKind.TRAINING,
        EventKind.COOPERATION,
        EventKind.EMPLOYMENT,
        EventKind.JOINT_VENTURE,
        EventKind.FINANCIAL,
    }
)


class RuleKind(StrEnum):
    PROHIBITION = "prohibition"
    CAP = "cap"
    OBLIGATION = "obligation"
    EXEMPTION = "exemption"


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Status(StrEnum):
    """How a fact in a rule is known, following the reference's tags."""

    VERIFIED = "verified"  # [V]
    BELIEVED = "believed"  # [B]
    UNCERTAIN = "uncertain"  # [?]

    @property
    def tag(self) -> str:
        return {"verified": "[V]", "believed": "[B]", "uncertain": "[?]"}[self.value]


class Flag(StrEnum):
    """Facts about an event that rules may test. Each needs evidence like any other fact."""

    NEW_ARRIVALS = "new-arrivals"
    INCOME_EARNING = "income-earning"
    SHIP_TO_SHIP = "ship-to-ship"
    DPRK_FLAGGED_VESSEL = "dprk-flagged-vessel"
    LIVELIHOOD_PURPOSE = "livelihood-purpose"
    HUMANITARIAN = "humanitarian"
    FOREIGN_ORIGIN_TRANSIT_RAJIN = "foreign-origin-transit-rajin"
    CIVIL_AIRCRAFT_OUTSIDE_DPRK = "civil-aircraft-outside-dprk"
    USED = "used"
    NOT_NOTIFIED = "not-notified"
    DESIGNATED_PARTY = "designated-party"
    NEW = "new"
    PRIOR_CONTRACT = "prior-contract"
    EXISTING_VENTURE = "existing-venture"
    EXISTING_HYDROELECTRIC = "existing-hydroelectric"
    RAJIN_KHASAN = "rajin-khasan"
    FISHING_RIGHTS = "fishing-rights"


FLAG_MEANING: dict[Flag, str] = {
    Flag.NEW_ARRIVALS: "DPRK nationals newly admitted (new work authorizations or their equivalent)",
    Flag.INCOME_EARNING: "the DPRK nationals concerned earn income",
    Flag.SHIP_TO_SHIP: "goods passed between vessels at sea",
    Flag.DPRK_FLAGGED_VESSEL: "a DPRK-flagged vessel took part",
    Flag.LIVELIHOOD_PURPOSE: "stated to be exclusively for the livelihood of DPRK nationals",
    Flag.HUMANITARIAN: "stated to be humanitarian assistance",
    Flag.FOREIGN_ORIGIN_TRANSIT_RAJIN: "foreign-origin goods transiting the DPRK solely for export from Rajin",
    Flag.CIVIL_AIRCRAFT_OUTSIDE_DPRK: "fuel sold outside the DPRK to a civil passenger aircraft for its flight",
    Flag.USED: "second-hand goods (used vessels, vehicles)",
    Flag.NOT_NOTIFIED: "the supplying State did not notify the 1718 Committee as the measure requires",
    Flag.DESIGNATED_PARTY: "a designated person or entity, or one acting for or owned by one, took part",
    Flag.NEW: "newly built or made goods (a new vessel or helicopter), or a newly opened venture",
    Flag.PRIOR_CONTRACT: "performed under a written contract finalized before the measure was adopted",
    Flag.EXISTING_VENTURE: "a joint venture or cooperative entity that existed before the measure",
    Flag.EXISTING_HYDROELECTRIC: "an existing China-DPRK hydroelectric power infrastructure project",
    Flag.RAJIN_KHASAN: "the Russia-DPRK Rajin-Khasan port and rail project, exporting Russian-origin coal",
    Flag.FISHING_RIGHTS: "a sale or transfer of fishing rights (not of goods)",
}


class PartyType(StrEnum):
    """What a named party is, when the report says: it decides which list entries its name is screened against."""

    PERSON = "person"
    ENTITY = "entity"
    VESSEL = "vessel"


PARTY_TYPE_MEANING: dict[PartyType, str] = {
    PartyType.PERSON: "a natural person: the name is screened against the listed individuals only",
    PartyType.ENTITY: "a company, bank, ministry or other body: screened against the listed entities only",
    PartyType.VESSEL: "a ship named as a party: screened against the designated vessels list only",
}

#: Written for a party's country when the report does not say it: screened by name only.
UNKNOWN_COUNTRY = "unknown"


class Unit(StrEnum):
    BARREL = "barrel"
    TONNE = "tonne"
    KILOLITRE = "kilolitre"
    LITRE = "litre"
    CUBIC_METRE = "cubic-metre"
    KILOGRAM = "kilogram"
    CONTAINER = "container"
    PIECE = "piece"
    ITEM = "item"
    BOTTLE = "bottle"
    VEHICLE = "vehicle"
    VESSEL = "vessel"
    PERSON = "person"
    VOYAGE = "voyage"
    USD = "usd"


#: Units that count items, so that a total value can be divided into a value per item.
COUNTABLE_UNITS = frozenset({Unit.PIECE, Unit.ITEM, Unit.BOTTLE, Unit.VEHICLE, Unit.VESSEL})

#: Units refused because they name different amounts: the message says which to write instead.
AMBIGUOUS_UNITS: dict[str, str] = {
    "ton": "a short ton (907 kg), a long ton (1,016 kg) or a metric tonne (1,000 kg)? write 'tonne' for metric",
    "tons": "short tons (907 kg), long tons (1,016 kg) or metric tonnes (1,000 kg)? write 'tonne' for metric",
    "gallon": "a US gallon (3.785 l) or an imperial gallon (4.546 l)? give the amount in litres or barrels",
    "gallons": "US gallons (3.785 l) or imperial gallons (4.546 l)? give the amount in litres or barrels",
}

UNIT_ALIASES: dict[str, Unit] = {
    "bbl": Unit.BARREL,
    "barrels": Unit.BARREL,
    "t": Unit.TONNE,
    "tonnes": Unit.TONNE,
    "mt": Unit.TONNE,
    "metric-ton": Unit.TONNE,
    "metric-tons": Unit.TONNE,
    "metric-tonne": Unit.TONNE,
    "metric-tonnes": Unit.TONNE,
    "kilograms": Unit.KILOGRAM,
    "kilogramme": Unit.KILOGRAM,
    "kilogrammes": Unit.KILOGRAM,
    "kgs": Unit.KILOGRAM,
    "kl": Unit.KILOLITRE,
    "kilolitres": Unit.KILOLITRE,
    "kiloliter": Unit.KILOLITRE,
    "kiloliters": Unit.KILOLITRE,
    "liter": Unit.LITRE,
    "liters": Unit.LITRE,
    "cubic-meter": Unit.CUBIC_METRE,
    "cubic-meters": Unit.CUBIC_METRE,
    "cubic-metres": Unit.CUBIC_METRE,
    "l": Unit.LITRE,
    "litres": Unit.LITRE,
    "m3": Unit.CUBIC_METRE,
    "kg": Unit.KILOGRAM,
    "containers": Unit.CONTAINER,
    "pieces": Unit.PIECE,
    "units": Unit.PIECE,
    "items": Unit.ITEM,
    "bottles": Unit.BOTTLE,
    "car": Unit.VEHICLE,
    "cars": Unit.VEHICLE,
    "vehicles": Unit.VEHICLE,
    "vessels": Unit.VESSEL,
    "persons": Unit.PERSON,
    "people": Unit.PERSON,
    "workers": Unit.PERSON,
    "voyages": Unit.VOYAGE,
    "usd": Unit.USD,
    "us$": Unit.USD,
}

DPRK = "KP"
