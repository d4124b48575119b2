"""The import's file format: its columns, the Swedish and English headers people write for them,
and reading a spreadsheet (or JobTech ads) into rows, bounded."""

from __future__ import annotations

from core.tabular import is_json, read_table_named

COLUMNS = [
    "name",
    "orgnr",
    "municipality",
    "industry",
    "sector",
    "size_class",
    "status",
    "notes",
    "site_name",
    "address",
    "postal_code",
    "locality",
    "contact_name",
    "contact_title",
    "contact_phone",
    "contact_email",
    "contact_is_supervisor",
    "latitude",
    "longitude",
    "profile_title",
    "occupation",
    "profile_kind",
    "profile_description",
    "hours_min",
    "hours_max",
    "hours_percent",
    "slots",
    "period_start",
    "period_end",
    "skills_required",
    "skills_nice",
    "skills_must",
    "licences",
]
REQUIRED = ("name", "municipality")
MAX_ROWS = 5000

# Headers people write, in Swedish and English, for each column (case, spaces, "_" and "-" do not
# matter). A header that is none of these nor a column is reported with the nearest names.
ALIASES = {
    **dict.fromkeys(("namn", "arbetsgivare", "employer", "employer name", "företag"), "name"),
    **dict.fromkeys(
        (
            "organisationsnummer",
            "org nr",
            "orgnummer",
            "organization number",
            "organisation number",
            "org no",
        ),
        "orgnr",
    ),
    **dict.fromkeys(
        ("kommun", "kommunkod", "kommunnamn", "municipality code", "kommun kod"), "municipality"
    ),
    **dict.fromkeys(("bransch", "sni", "sni kod", "sni code"), "industry"),
    "sektor": "sector",
    "storlek": "size_class",
    "storleksklass": "size_class",
    "size": "size_class",
    "relation": "status",
    "anteckningar": "notes",
    **dict.fromkeys(("arbetsplats", "arbetsställe", "site", "workplace"), "site_name"),
    **dict.fromkeys(("adress", "gatuadress", "street address"), "address"),
    **dict.fromkeys(("postnummer", "postnr", "postcode", "zip"), "postal_code"),
    **dict.fromkeys(("ort", "postort", "city"), "locality"),
    **dict.fromkeys(("kontaktperson", "kontakt", "contact"), "contact_name"),
    **dict.fromkeys(("befattning", "kontaktens titel"), "contact_title"),
    **dict.fromkeys(("telefon", "phone", "telefonnummer"), "contact_phone"),
    **dict.fromkeys(("e post", "epost", "email", "mejl"), "contact_email"),
    **dict.fromkeys(("handledare", "supervisor"), "contact_is_supervisor"),
    **dict.fromkeys(("lat", "latitud"), "latitude"),
    **dict.fromkeys(("lon", "lng", "longitud"), "longitude"),
    **dict.fromkeys(("rubrik", "headline", "kravprofil", "title", "titel"), "profile_title"),
    **dict.fromkeys(("yrke", "yrkesbenämning", "ssyk", "occupation label"), "occupation"),
    **dict.fromkeys(("typ", "kind", "profiltyp"), "profile_kind"),
    **dict.fromkeys(
        ("beskrivning", "arbetsuppgifter", "description", "uppgifter"), "profile_description"
    ),
    **dict.fromkeys(("timmar min", "min timmar", "timmar från"), "hours_min"),
    **dict.fromkeys(("timmar max", "max timmar", "timmar till"), "hours_max"),
    **dict.fromkeys(
        ("omfattning", "sysselsättningsgrad", "procent", "scope", "scope of work"), "hours_percent"
    ),
    **dict.fromkeys(
        ("platser", "antal platser", "number of vacancies", "vacancies", "antal"), "slots"
    ),
    **dict.fromkeys(("startdatum", "start date", "från", "from", "start"), "period_start"),
    **dict.fromkeys(
        ("avslutsdatum", "slutdatum", "end date", "till", "until", "end"), "period_end"
    ),
    **dict.fromkeys(("krav", "kompetenskrav", "required skills", "must have"), "skills_required"),
    **dict.fromkeys(
        ("meriterande", "önskvärt", "nice to have", "nice to have skills"), "skills_nice"
    ),
    **dict.fromkeys(("måste", "måste ha", "ska krav", "must", "must skills"), "skills_must"),
    **dict.fromkeys(
        ("behörigheter", "körkort", "legitimation", "legitimationer", "licence", "license"),
        "licences",
    ),
}


def read_rows(content: bytes, filename: str) -> list[dict[str, str]]:
    """Rows as dicts keyed by column (see ``core.tabular``)."""
    return read_named(content, filename)[0]


def read_named(content: bytes, filename: str) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The rows, and each column's name as the file writes it (a header, or a JSON field)."""
    if is_json(filename):
        from employers.importing.ads import read_ads

        return read_ads(content, max_rows=MAX_ROWS)
    return read_table_named(
        content,
        filename,
        columns=COLUMNS,
        required=REQUIRED,
        max_rows=MAX_ROWS,
        aliases=ALIASES,
    )
