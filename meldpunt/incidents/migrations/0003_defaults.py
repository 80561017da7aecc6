"""The phases and categories a new installation starts with (SPEC INC-4, INC-5).

Administrators may rename, reorder, switch off or remove them afterwards;
this migration only adds what is missing and never touches existing rows.
"""

from django.db import migrations

PHASES = [
    # code, nl, en, nb, is_closed, is_initial
    ("new", "Nieuw", "New", "Ny", False, True),
    ("in_progress", "In behandeling", "In progress", "Under behandling", False, False),
    (
        "waiting_tenant",
        "Wacht op huurder",
        "Waiting for tenant",
        "Venter på leietaker",
        False,
        False,
    ),
    (
        "waiting_supplier",
        "Wacht op leverancier",
        "Waiting for supplier",
        "Venter på leverandør",
        False,
        False,
    ),
    ("resolved", "Opgelost", "Resolved", "Løst", True, False),
    ("closed", "Gesloten", "Closed", "Lukket", True, False),
]

CATEGORIES = [
    (
        ("Reparatie", "Repair", "Reparasjon"),
        (
            "Er is iets kapot of het werkt niet goed in of aan uw woning, zoals een lekkende "
            "kraan, een klemmende deur of een storing aan de cv-ketel.",
            "Something in or on your home is broken or not working properly, such as a "
            "dripping tap, a sticking door or a boiler fault.",
            "Noe i eller på boligen er ødelagt eller virker ikke som det skal, for eksempel en "
            "kran som drypper, en dør som henger seg opp eller feil på varmeanlegget.",
        ),
    ),
    (
        (
            "Onderhoud voor eigen rekening",
            "Maintenance at your own cost",
            "Vedlikehold for egen regning",
        ),
        (
            "Klein onderhoud, zoals lampen vervangen, een verstopte gootsteen of een losse "
            "deurklink, is voor rekening van de huurder. Wij kunnen het tegen betaling voor u "
            "laten doen.",
            "Small jobs such as replacing light bulbs, a blocked sink or a loose door handle "
            "are the tenant's own cost. We can have them done for you for a fee.",
            "Småjobber som å skifte lyspærer, en tett vask eller et løst dørhåndtak betaler "
            "leietakeren selv. Vi kan ordne det for deg mot betaling.",
        ),
    ),
    (
        ("Overlast", "Nuisance", "Nabostøy og sjenanse"),
        (
            "Last van buren, geluid, stank of afval rond uw woning. Praat er eerst samen over; "
            "lukt dat niet, dan denken wij met u mee.",
            "Trouble with neighbours, noise, smells or rubbish around your home. Try talking "
            "it over first; if that does not help, we will work with you on it.",
            "Plager med naboer, støy, lukt eller søppel rundt boligen. Snakk gjerne sammen "
            "først; hjelper ikke det, finner vi en løsning sammen med deg.",
        ),
    ),
    (
        ("Garantie", "Warranty", "Garanti"),
        (
            "Gebreken in een nieuwe of net gerenoveerde woning binnen de garantietermijn. "
            "Wij geven ze door aan de aannemer.",
            "Defects in a new or recently renovated home within the warranty period. We "
            "pass them on to the contractor.",
            "Feil og mangler i en ny eller nylig rehabilitert bolig innenfor garantitiden. "
            "Vi sender dem videre til entreprenøren.",
        ),
    ),
    (
        ("Huur en betalen", "Rent and payments", "Husleie og betaling"),
        (
            "Vragen over uw huur, servicekosten, betalingen of een betalingsregeling.",
            "Questions about your rent, service charges, payments or a payment arrangement.",
            "Spørsmål om husleie, felleskostnader, innbetalinger eller en betalingsavtale.",
        ),
    ),
    (
        ("Woonomgeving", "Living environment", "Bomiljø"),
        (
            "De buurt en het complex: trappenhuis, lift, tuin, verlichting of de schoonmaak "
            "van gemeenschappelijke ruimtes.",
            "The neighbourhood and the complex: stairwell, lift, garden, lighting or the "
            "cleaning of shared areas.",
            "Nabolaget og bygget: trappeoppgang, heis, hage, belysning eller renhold av "
            "fellesarealer.",
        ),
    ),
    (
        ("Overig", "Other", "Annet"),
        (
            "Past uw vraag of melding nergens anders bij? Kies dan deze.",
            "Does your question or report not fit anywhere else? Choose this one.",
            "Passer ikke spørsmålet eller meldingen din noe annet sted? Velg denne.",
        ),
    ),
]


def add_defaults(apps, schema_editor):
    Phase = apps.get_model("incidents", "Phase")
    Category = apps.get_model("incidents", "Category")
    has_initial = Phase.objects.filter(is_initial=True).exists()
    for position, (code, nl, en, nb, is_closed, is_initial) in enumerate(PHASES, start=1):
        if Phase.objects.filter(code=code).exists():
            continue
        Phase.objects.create(
            code=code,
            name_nl=nl,
            name_en=en,
            name_nb=nb,
            is_closed=is_closed,
            is_initial=is_initial and not has_initial,
            ordering=position,
        )
    if Category.objects.exists():
        return
    for position, ((nl, en, nb), (help_nl, help_en, help_nb)) in enumerate(CATEGORIES, start=1):
        Category.objects.create(
            name_nl=nl,
            name_en=en,
            name_nb=nb,
            help_nl=help_nl,
            help_en=help_en,
            help_nb=help_nb,
            ordering=position,
        )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0002_inbox")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
