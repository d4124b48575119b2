"""The raw-code check that the demo walk runs on every page: it must see codes a person reads, and only those."""

from tests.portal.visible_text import enum_codes, raw_codes_in


def test_known_codes_include_the_ones_people_saw():
    codes = enum_codes()
    assert {"behalla", "work_unsubsidised", "signed_paper"} <= set(codes)
    assert "finna" not in codes  # its Swedish label is the word itself


def test_codes_in_text_are_found_and_codes_in_markup_are_not():
    codes = enum_codes()
    assert raw_codes_in("<td>behalla</td><p>Utfall: work_unsubsidised</p>", codes) == {
        "behalla",
        "work_unsubsidised",
    }
    assert raw_codes_in('<span title="signed_paper">x</span>', codes) == {"signed_paper"}
    assert not raw_codes_in(
        '<option value="behalla">Behålla</option><a href="/x/work_unsubsidised/">Arbete</a>'
        "<script>var phase = 'behalla';</script><p>Kolumner: <code>behalla</code></p>",
        codes,
    )
