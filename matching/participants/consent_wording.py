"""The consent text the participant reads, versioned.

Each consent stores the version of the wording it was given under, so what a person agreed to can
always be shown word for word later. Never edit a published version: add a new one and point
``CURRENT_WORDING_VERSION`` at it. The Swedish text is the one that counts (lättläst, plain
Swedish); the English text is a translation for staff and for participants who read English better.
The same paragraphs are used on the digital page, on the printable form and on the receipt.
"""

from __future__ import annotations

from django.utils.translation import get_language

WORDINGS: dict[str, dict[str, list[str]]] = {
    "2026-11": {
        "sv": [
            "Du bestämmer själv vem som får se uppgifter om dig.",
            "Här ser du vem din jobbguide vill dela uppgifter med. "
            "Du ser också exakt vilka uppgifter det är.",
            "Du kan säga ja eller nej till varje mottagare. "
            "Det blir inga problem för dig om du säger nej.",
            "Om du säger ja får mottagaren se uppgifterna bara för det syfte som står.",
            "Du kan ändra dig när du vill. Då slutar vi dela direkt. "
            "Det gör du på din egen sida eller genom att säga det till din jobbguide.",
            "Vi sparar när och hur du svarade.",
        ],
        "en": [
            "You decide yourself who may see information about you.",
            "Here you see who your job guide would like to share information with. "
            "You also see exactly which information it is.",
            "You can say yes or no to each recipient. Saying no causes you no problems.",
            "If you say yes, the recipient may see the information only for the purpose given.",
            "You can change your mind whenever you like. Then we stop sharing at once. "
            "You do it on your own page or by telling your job guide.",
            "We keep a record of when and how you answered.",
        ],
    },
}

CURRENT_WORDING_VERSION = "2026-11"


def wording(version: str | None = None, language: str | None = None) -> list[str]:
    """The paragraphs of a version in the current language (Swedish when not available)."""
    texts = WORDINGS.get(version or CURRENT_WORDING_VERSION) or WORDINGS[CURRENT_WORDING_VERSION]
    lang = (language or get_language() or "sv")[:2]
    return texts.get(lang) or texts["sv"]
