"""What the demo organization consists of: its settings, stock, suppliers,
owners and the names its tenants are drawn from. Data only; ``plan`` draws
the rows from it and ``seed`` writes them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from meldpunt.people.models import Channel, Contact
from meldpunt.properties.models import CommonArea, UnitType

# Reference data ----------------------------------------------------------------

# (code, name, show in portal, usable in portal, order)
HOUSEHOLD_ROLES = (
    ("main-tenant", "Hoofdhuurder", True, False, 10),
    ("co-tenant", "Medehuurder", True, False, 20),
    ("partner", "Partner", True, True, 30),
    ("child", "Inwonend kind", True, True, 40),
    ("parent", "Inwonende ouder", True, True, 50),
    ("other-occupant", "Overige inwoner", True, True, 60),
    ("administrator", "Bewindvoerder", False, False, 90),
)
# (code, name, kind)
UNIT_TYPES = (
    ("apartment", "Appartement", UnitType.Kind.DWELLING),
    ("senior-apartment", "Seniorenappartement", UnitType.Kind.DWELLING),
    ("family-house", "Eengezinswoning", UnitType.Kind.DWELLING),
    ("garage", "Garagebox", UnitType.Kind.GARAGE),
)
# (code, name, cost code)
CONTRACT_ELEMENTS = (
    ("net-rent", "Kale huur", "1000"),
    ("service-costs", "Servicekosten", "2000"),
    ("cleaning", "Schoonmaak algemene ruimten", "2100"),
    ("heating-advance", "Voorschot warmte", "2200"),
    ("tenant-maintenance", "Huurdersonderhoudsabonnement", "3000"),
    ("glass-insurance", "Glasverzekering", "3100"),
)

# The organization ------------------------------------------------------------------

ORGANIZATION = {
    "country": "NL",
    "contact_phone": "030 234 56 00",
    "contact_email": "klantenservice@delinden.example.org",
    "urgent_phone": "030 234 56 99",
    "website": "https://www.delinden.example.org",
}
ORGANIZATION_NAME = "Woonstichting De Linden"
OPENING_HOURS = (time(8, 30), time(17, 0))

# Owners and suppliers -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContactSpec:
    name: str
    company: str
    email: str
    phone: str
    channel: str = Channel.EMAIL
    trade: str = ""


FUND_OWNER = ContactSpec(
    "Mw. L. Brouwer",
    "Heuvelrug Vastgoed B.V.",
    "vastgoedbeheer@heuvelrug.example.com",
    "030 699 12 40",
)
PRIVATE_OWNER = ContactSpec("Dhr. J.H. Verhoeven", "", "jh.verhoeven@example.net", "06 21436587")
FUND_OWNER_MESSAGE = (
    "De woningen aan het Havenplein zijn eigendom van Heuvelrug Vastgoed B.V. "
    "Reparaties en storingen meldt u rechtstreeks bij hun beheerder: bel 030 699 12 40 "
    "(werkdagen 8.00–17.00 uur) of mail naar vastgoedbeheer@heuvelrug.example.com. "
    "Bij een spoedgeval buiten kantoortijd belt u hetzelfde nummer en kiest u optie 1."
)

SUPPLIERS: tuple[ContactSpec, ...] = (
    ContactSpec(
        "Marco van Rijn",
        "Loodgietersbedrijf Van Rijn",
        "planning@vanrijn.example.com",
        "06 12873456",
        Channel.WHATSAPP,
        Contact.Trade.PLUMBER,
    ),
    ContactSpec(
        "Peter Bosman",
        "Bosman Elektrotechniek B.V.",
        "service@bosman.example.com",
        "030 241 58 60",
        Channel.EMAIL,
        Contact.Trade.ELECTRICIAN,
    ),
    ContactSpec(
        "Ilse de Ruiter",
        "Glashandel De Ruit",
        "glasschade@deruit.example.com",
        "033 461 22 10",
        Channel.EMAIL,
        Contact.Trade.GLAZIER,
    ),
    ContactSpec(
        "Kees Kramer",
        "Slotenservice Midden-Nederland",
        "kees@slotenservice.example.com",
        "06 34519872",
        Channel.SMS,
        Contact.Trade.LOCKSMITH,
    ),
    ContactSpec(
        "Gerard Hoogland",
        "Dakdekkersbedrijf Hoogland",
        "info@hoogland.example.com",
        "033 455 78 90",
        Channel.EMAIL,
        Contact.Trade.ROOFER,
    ),
    ContactSpec(
        "Fatih Demir",
        "Verwarmingstechniek Demir",
        "storingen@demir.example.com",
        "06 41827365",
        Channel.WHATSAPP,
        Contact.Trade.HEATING,
    ),
    ContactSpec(
        "Lisa Vermeer",
        "LiftTechniek Centraal B.V.",
        "meldingen@lifttechniek.example.com",
        "030 262 11 44",
        Channel.EMAIL,
        Contact.Trade.LIFT,
    ),
    ContactSpec(
        "Bram Groen",
        "Hoveniersbedrijf Groen & Zo",
        "bram@groenenzo.example.com",
        "06 55123987",
        Channel.SMS,
        Contact.Trade.GARDENER,
    ),
    ContactSpec(
        "Ronald Schilder",
        "Schildersbedrijf Kleurrijk",
        "werkbon@kleurrijk.example.com",
        "0343 51 42 00",
        Channel.EMAIL,
        Contact.Trade.PAINTER,
    ),
    ContactSpec(
        "Wendy de Wering",
        "Ongediertebestrijding De Wering",
        "afspraak@dewering.example.com",
        "06 29384756",
        Channel.WHATSAPP,
        Contact.Trade.PEST_CONTROL,
    ),
    ContactSpec(
        "Tom Timmer",
        "Timmerbedrijf Het Bouwhuis",
        "klus@bouwhuis.example.com",
        "030 288 30 30",
        Channel.EMAIL,
        Contact.Trade.CARPENTER,
    ),
)

# The housing stock ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StreetSpec:
    """A run of units on one street with the same type, postcode and block."""

    street: str
    numbers: tuple[int, ...]
    additions: tuple[str, ...]
    postcode: str
    unit_type: str
    block: str | None


@dataclass(frozen=True, slots=True)
class ComplexSpec:
    code: str
    name: str
    city: str
    build_year: int
    blocks: tuple[tuple[str, str], ...]
    streets: tuple[StreetSpec, ...]
    owned_by_fund: bool = False


# Complex codes; Havenkwartier belongs to an external owner.
LINDEHOF, PARKZICHT, HAVENKWARTIER = "1001", "1002", "2001"

COMPLEXES: tuple[ComplexSpec, ...] = (
    ComplexSpec(
        LINDEHOF,
        "Lindehof",
        "Utrecht",
        1968,
        blocks=(("A", "Blok A Lindelaan"), ("B", "Blok B Esdoornlaan")),
        streets=(
            StreetSpec("Lindelaan", (2, 4, 6), tuple("ABCDE"), "3532 AL", "apartment", "A"),
            StreetSpec("Lindelaan", (8, 10, 12), tuple("ABCDE"), "3532 AM", "apartment", "A"),
            StreetSpec("Esdoornlaan", (14, 16, 18), ("1",), "3532 AN", "senior-apartment", "B"),
            StreetSpec("Esdoornlaan", (14, 16, 18), tuple("23456"), "3532 AN", "apartment", "B"),
            StreetSpec("Esdoornlaan", (20, 22), ("1", "2"), "3532 AP", "senior-apartment", "B"),
            StreetSpec("Esdoornlaan", (20, 22), tuple("3456"), "3532 AP", "apartment", "B"),
        ),
    ),
    ComplexSpec(
        PARKZICHT,
        "Parkzicht",
        "Amersfoort",
        1985,
        blocks=(("BL", "Beukenlaan"), ("EL", "Eikenlaan"), ("GA", "Garages Achter de Beuken")),
        streets=(
            StreetSpec(
                "Beukenlaan", tuple(range(1, 16, 2)), ("",), "3817 BA", "family-house", "BL"
            ),
            StreetSpec(
                "Beukenlaan", tuple(range(17, 32, 2)), ("",), "3817 BB", "family-house", "BL"
            ),
            StreetSpec("Eikenlaan", tuple(range(2, 17, 2)), ("",), "3817 BC", "family-house", "EL"),
            StreetSpec(
                "Eikenlaan", tuple(range(18, 33, 2)), ("",), "3817 BD", "family-house", "EL"
            ),
            StreetSpec("Achter de Beuken", tuple(range(1, 13)), ("",), "3817 BE", "garage", "GA"),
        ),
    ),
    ComplexSpec(
        HAVENKWARTIER,
        "Havenkwartier",
        "Zeist",
        2019,
        blocks=(("HK", "Havenplein"),),
        streets=(
            StreetSpec("Havenplein", tuple(range(1, 13)), ("",), "3701 HA", "apartment", "HK"),
            StreetSpec(
                "Havenplein", tuple(range(13, 19)), ("",), "3701 HB", "senior-apartment", "HK"
            ),
            StreetSpec("Havenplein", tuple(range(19, 25)), ("",), "3701 HB", "apartment", "HK"),
        ),
        owned_by_fund=True,
    ),
)

# Unit figures per type: (rooms, floor area m², tax value €) ranges.
UNIT_FIGURES = {
    "apartment": ((2, 4), (55, 80), (235_000, 315_000)),
    "senior-apartment": ((2, 3), (50, 65), (220_000, 280_000)),
    "family-house": ((4, 5), (95, 125), (335_000, 425_000)),
    "garage": ((0, 0), (15, 19), (24_000, 32_000)),
}

# (complex, block or None = whole complex, kind, name, unit types served or None = all)
COMMON_AREAS: tuple[tuple[str, str | None, str, str, tuple[str, ...] | None], ...] = (
    (LINDEHOF, "A", CommonArea.Kind.STAIRWELL, "Trappenhuis blok A", None),
    (LINDEHOF, "B", CommonArea.Kind.STAIRWELL, "Trappenhuis blok B", None),
    (LINDEHOF, "B", CommonArea.Kind.LIFT, "Lift blok B", None),
    (LINDEHOF, None, CommonArea.Kind.PUMP, "Hydrofoor Lindehof", None),
    (LINDEHOF, None, CommonArea.Kind.GARDEN, "Binnentuin Lindehof", None),
    (LINDEHOF, "A", CommonArea.Kind.BICYCLE_STORAGE, "Fietsenberging blok A", None),
    (PARKZICHT, None, CommonArea.Kind.GARDEN, "Groenstrook Parkzicht", ("family-house",)),
    (PARKZICHT, "GA", CommonArea.Kind.PARKING, "Garagepad Achter de Beuken", None),
    (HAVENKWARTIER, "HK", CommonArea.Kind.ENTRANCE, "Entreehal Havenplein", None),
    (HAVENKWARTIER, "HK", CommonArea.Kind.STAIRWELL, "Trappenhuis Havenplein", None),
    (HAVENKWARTIER, "HK", CommonArea.Kind.LIFT, "Lift Havenplein", None),
    (HAVENKWARTIER, "HK", CommonArea.Kind.BICYCLE_STORAGE, "Fietsenberging Havenplein", None),
    (HAVENKWARTIER, None, CommonArea.Kind.GARDEN, "Daktuin Havenkwartier", None),
)
# (common area name, installation name, asset type, brand, serial number, installed on)
AREA_INSTALLATIONS = (
    (
        "Lift blok B",
        "Liftmachine blok B",
        "lift_motor",
        "Kone",
        "KN-MX10-448213",
        date(2011, 6, 14),
    ),
    ("Hydrofoor Lindehof", "Hydrofoorpomp", "pump", "Grundfos", "GF-HYDRO-20931", date(2016, 3, 2)),
    (
        "Lift Havenplein",
        "Liftmachine Havenplein",
        "lift_motor",
        "Schindler",
        "SCH-3300-918274",
        date(2019, 9, 20),
    ),
)
BOILER_BRANDS = ("Intergas", "Remeha", "Nefit", "Vaillant", "ATAG")


def _split_surname(full: str) -> tuple[str, str]:
    """("van der", "Meer") from "van der Meer"; the infix is empty for "El Amrani"."""
    for infix in INFIXES:
        if full.startswith(f"{infix} "):
            return infix, full[len(infix) + 1 :]
    return "", full


# People -------------------------------------------------------------------------------

# Lists of names read best packed; the formatter would put one name per line.
# fmt: off
FEMALE_NAMES = (
    "Anna", "Emma", "Sophie", "Julia", "Lotte", "Sanne", "Lisa", "Eva", "Fleur", "Iris", "Anouk",
    "Marieke", "Ingrid", "Petra", "Monique", "Linda", "Saskia", "Wilma", "Ria", "Gerda", "Truus",
    "Joke", "Yvonne", "Esther", "Fatima", "Samira", "Aylin", "Nadia", "Priya", "Mei", "Johanna",
    "Cornelia", "Noor", "Mila", "Tess", "Zoë", "Sara", "Yasmina", "Elif", "Chantal", "Naomi",
    "Romy", "Mirjam", "Hanneke", "Femke",
)
MALE_NAMES = (
    "Jan", "Pieter", "Kees", "Henk", "Gerrit", "Willem", "Johan", "Bert", "Cor", "Hans", "Erik",
    "Mark", "Dennis", "Sander", "Bas", "Thijs", "Daan", "Sem", "Lucas", "Finn", "Levi", "Noah",
    "Jesse", "Ruben", "Mohamed", "Ahmed", "Yusuf", "Emre", "Rachid", "Kevin", "Stefan", "Martijn",
    "Jeroen", "Arjan", "Ronald", "Frank", "Theo", "Kofi", "Wouter", "Joost", "Tim", "Niels", "Rik",
    "Koen", "Gijs",
)
INFIXES = ("van der", "van den", "van 't", "op den", "van", "de", "ter")
FULL_SURNAMES = (
    "de Vries", "Jansen", "van Dijk", "van den Berg", "Bakker", "Visser", "Smit", "Meijer",
    "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
    "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden", "Kok",
    "Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "van der Veen", "van den Broek",
    "de Bruijn", "de Jong", "Yilmaz", "El Amrani", "Kaya", "Bouzid", "Pinas", "Nguyen", "van Beek",
    "Willems", "Schouten", "Hoekstra", "Koster", "Prins", "Huisman", "Postma", "ter Horst",
    "op den Kamp", "Öztürk", "Sedney", "van 't Hof", "Wijnands", "Verbeek", "Timmermans",
)
# fmt: on
SURNAMES: tuple[tuple[str, str], ...] = tuple(_split_surname(name) for name in FULL_SURNAMES)

# Where former tenants moved to: (street, city, first four digits of the postcode).
ELSEWHERE = (
    ("Stationsweg", "Houten", "3991"),
    ("Dorpsstraat", "Bunnik", "3981"),
    ("Molenweg", "Nieuwegein", "3431"),
    ("Kerkstraat", "Maarssen", "3601"),
    ("Julianalaan", "Bilthoven", "3722"),
    ("Prinses Beatrixlaan", "Leusden", "3832"),
    ("Schoolstraat", "Soest", "3764"),
    ("Hoofdstraat", "Driebergen", "3971"),
    ("Oranjelaan", "Woerden", "3441"),
    ("Wilhelminastraat", "Veenendaal", "3901"),
)
POSTCODE_LETTERS = "ABCDEGHJKLMNPRTVWXZ"
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")
