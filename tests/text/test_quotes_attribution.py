"""Who said it: the attribution patterns of real news (issue 10), one test each.

Every sentence here is written for these tests; the people, places and outlets are fictional.
"""

from __future__ import annotations

from newsapp.text.extract import canonical_text, markdown_to_html, text_to_html
from newsapp.text.quotes import FoundQuote, blocks_from_html, find_quotes


def speech(text: str) -> list[tuple[str, str | None]]:
    return [(quote.text, quote.speaker) for quote in find_quotes(text)]


def only(text: str) -> FoundQuote:
    quotes = find_quotes(text)
    assert len(quotes) == 1, quotes
    return quotes[0]


def imported(body: str, body_format: str = "text") -> list[tuple[str, str | None]]:
    """The quotations of an article imported the way the app imports it."""
    html = text_to_html(body) if body_format == "text" else markdown_to_html(body)
    text = canonical_text(html)
    return [(quote.text, quote.speaker) for quote in find_quotes(text, blocks_from_html(html))]


# -- Names: what is not part of one ----------------------------------------------------------


def test_a_word_that_only_starts_the_sentence_is_not_part_of_the_name():
    text = (
        "Hosting Ilse Brannock at the summit was a coup for the organisers. "
        "“I came for the coffee,” Brannock said."
    )
    assert only(text).speaker == "Ilse Brannock"


def test_a_possessive_determiner_before_a_nationality_is_not_a_person():
    text = "Her Polish counterpart, Marek Zielonka, was blunt. “We will not sign this,” he said."
    assert only(text).speaker == "Marek Zielonka"


def test_place_and_title_before_a_name_are_the_role_not_the_name():
    text = "Northmark Gov. Kristi Lund (R) defended the plan. “It works,” Lund said on Monday."
    assert only(text).speaker == "Kristi Lund"


def test_an_abbreviated_title_is_stripped():
    quote = only("“It works,” said Gov. Kristi Lund on Monday.")
    assert (quote.speaker, quote.speaker_as_written) == ("Kristi Lund", "Gov. Kristi Lund")


def test_initials_of_a_title_do_not_become_the_speaker():
    assert only("“The case is closed,” said U.S. Attorney Nealy Fox.").speaker == "Nealy Fox"


def test_a_party_and_state_suffix_is_not_part_of_the_name():
    assert only("“We have the votes,” said Sen. Dale Prior (R-Texas).").speaker == "Dale Prior"


def test_a_role_of_several_titles_and_an_acronym_before_the_name():
    text = "“Sales were soft,” chairman, CEO and president Ola Brandt said in the release."
    assert only(text).speaker == "Ola Brandt"


def test_an_organisation_and_a_role_before_the_name():
    text = "“We found it,” lead researcher and ESA planetary scientist Ivo Marek said."
    assert only(text).speaker == "Ivo Marek"


def test_a_role_after_the_before_a_surname():
    text = "Noor Haddad won in straight sets. “I played well,” the 14th-ranked Haddad said."
    assert only(text).speaker == "Noor Haddad"


def test_a_headline_line_in_title_case_is_not_a_person():
    # Without the rule the headline makes a second "Varga" and the surname is ambiguous.
    body = (
        "Varga Doubts Northland Can Regain Its Old Coastline\n\n"
        "Speaking in Tallberg, deputy minister Oskar Varga described the talks.\n\n"
        '"We want a safe and prosperous coast, but going back to the old line is not '
        'possible," Varga stated.'
    )
    assert imported(body) == [
        (
            "We want a safe and prosperous coast, but going back to the old line is not possible,",
            "Oskar Varga",
        )
    ]


# -- Verbs and frames -----------------------------------------------------------------------


def test_laughed_is_a_speech_verb():
    assert only("Mina Rask ran the trial. “We had no idea it would work,” Rask laughed.").speaker


def test_agreed_with_a_colon():
    text = "Tomas Berg, the coach, was asked about it. Berg agreed: “We were poor after the break.”"
    assert only(text).speaker == "Tomas Berg"


def test_a_participle_speaks_for_the_subject_of_its_clause_not_its_object():
    text = "Ines Calder weighed in, telling Morrow: “You should have called me first.”"
    assert only(text).speaker == "Ines Calder"


def test_a_person_introducing_a_quotation_with_a_colon():
    text = "Paula Greer had a similar experience: “The tickets never arrived.”"
    assert only(text).speaker == "Paula Greer"


def test_said_in_a_statement_after_a_long_appositive():
    text = (
        "“We regret the delay,” Oren Vale, a professor of engineering at Tallin University in "
        "Harrowgate who chairs the review panel, said in a statement."
    )
    assert only(text).speaker == "Oren Vale"


def test_an_appositive_that_holds_commas_itself():
    text = (
        "“The wind shifted,” Lene Ostrowska, an analyst at the Institute for Energy, Water and "
        "Land told the radio."
    )
    assert only(text).speaker == "Lene Ostrowska"


def test_told_reporters_and_wrote_on():
    assert speech(
        "“The talks are over,” Hana Lisk told reporters. “We are not done,” Jo Ames wrote on X."
    ) == [
        ("The talks are over,", "Hana Lisk"),
        ("We are not done,", "Jo Ames"),
    ]


def test_a_name_and_his_team_wrote():
    text = "“The plumes are rare,” Ivo Paganelli and his team wrote in the paper."
    assert only(text).speaker == "Ivo Paganelli"


def test_as_a_speaker_told_me_after_a_partial_quotation():
    text = "They care about their customers’ “financial health,” as one bank chief told me."
    quote = only(text)
    assert (quote.text, quote.speaker) == ("financial health,", None)


def test_a_plural_group_saying_is_no_speaker():
    text = "Most Northlanders say the plan is “a waste of money and time.”"
    assert only(text).speaker is None


# -- Organisations --------------------------------------------------------------------------


def test_an_organisations_spokesperson_speaks_for_it():
    assert only("“We are cooperating fully,” a Corvex spokesperson said.").speaker == "Corvex"


def test_an_organisation_as_the_subject_of_saying():
    text = "Harbor Records rejected the claims, saying they were “plainly untrue.”"
    assert only(text).speaker == "Harbor Records"


# -- Pronouns --------------------------------------------------------------------------------


def test_a_pronoun_does_not_refer_to_a_place():
    text = (
        "Tomas Brenner flew out on Monday. The talks in Sierra Leone ran late. "
        "“We made progress,” he said."
    )
    assert only(text).speaker == "Tomas Brenner"


def test_a_pronoun_does_not_refer_to_an_operation():
    text = (
        "Kai Lindholm briefed the press. The raids belonged to Operation Silent Harbor. "
        "“We hit every target,” he said."
    )
    assert only(text).speaker == "Kai Lindholm"


def test_a_short_and_a_long_given_name_are_one_person():
    body = (
        "Alexandra Ferro, a geologist, has watched the coast for years.\n\n"
        "The shore is moving again\n\n"
        "— Alex Ferro (@aferro) May 2, 2021\n\n"
        '"It moved a metre this winter," Ferro said.'
    )
    assert speech(body) == [
        ("The shore is moving again", "Alexandra Ferro"),
        ("It moved a metre this winter,", "Alexandra Ferro"),
    ]


# -- Marks, splits and blocks ---------------------------------------------------------------


def test_a_stray_space_just_inside_the_marks():
    quote = only("Lena Ford smiled. “ I love what I do. ” Ford said.")
    assert (quote.text, quote.speaker) == ("I love what I do.", "Lena Ford")


def test_a_quotation_split_by_she_added():
    quote = only("“We will not,” Ada Blom added, “go back to the old rules.”")
    assert (quote.text, quote.speaker, quote.attribution) == (
        "We will not, go back to the old rules.",
        "Ada Blom",
        "interrupted",
    )


def test_a_markdown_block_quote_keeps_its_attribution_out_of_the_quotation():
    body = (
        '> "This is the largest rebuild in our history," said council leader Petra Wendt.\n\n'
        "The council voted on Monday."
    )
    assert imported(body, "markdown") == [
        ("This is the largest rebuild in our history,", "Petra Wendt")
    ]


def test_a_signed_post_is_one_quotation_by_the_name_under_it():
    body = (
        "The minister posted on Sunday.\n\n"
        "The river is higher than in 1998\n"
        "Stay away from the banks pic.twitter.com/abc123\n\n"
        "— Arno Vesely (@arnovesely) March 3, 2024\n\n"
        "Crews worked through the night."
    )
    assert speech(body) == [
        ("The river is higher than in 1998 Stay away from the banks", "Arno Vesely")
    ]


def test_a_review_signed_under_its_paragraph():
    body = "Readers wrote in.\n\n“Lovely show, we laughed all night.”\n\n– Ela K."
    assert speech(body) == [("Lovely show, we laughed all night.", "Ela K.")]


def test_a_credit_line_without_a_handle_does_not_make_speech():
    body = "The council voted on Monday to close the pier.\n\n— Harbour Desk"
    assert find_quotes(body) == []


def test_a_closing_mark_before_a_korean_particle_closes_the_quotation():
    text = "그는 “우리는 준비됐다”고 말했다. 그리고 떠났다."
    quotes = find_quotes(text, include_other=True)
    assert [quote.text for quote in quotes] == ["우리는 준비됐다"]


# -- Partial quotes, scare quotes, titles, slogans ------------------------------------------


def test_a_short_partial_quotation_before_a_role_and_name_is_speech():
    text = "The plan is “dead in the water,” CEO Tim Rook said."
    assert speech(text) == [("dead in the water,", "Tim Rook")]


def test_a_short_partial_quotation_after_a_speech_verb_is_speech():
    text = "Mara Holt told staff the plan was “dead in the water” and would be dropped."
    assert speech(text) == [("dead in the water", "Mara Holt")]


def test_a_quoted_word_before_the_noun_it_modifies_is_a_scare_quote():
    text = "Nadia Ruiz’s office said it called on the “interim” council to step aside."
    assert find_quotes(text) == []
    assert [quote.kind for quote in find_quotes(text, include_other=True)] == ["scare"]


def test_a_possessive_noun_is_not_a_speech_verb():
    text = "His repeated claims of knowing nothing of Lorne’s “unusual” habits went on."
    assert find_quotes(text) == []


def test_titles_in_a_list_are_not_speech():
    text = "Her favourite films:\n“Bambi.”\n“Heidi.”"
    assert find_quotes(text) == []


def test_a_slogan_repeated_through_the_article_is_not_speech():
    text = (
        "Just what is the new slogan?\n\n"
        "“Salt. We’re on it.”\n\n"
        "The “Salt. We’re on it.” posters went up on Monday."
    )
    assert find_quotes(text) == []


def test_a_title_in_title_case_with_a_full_stop_is_not_speech():
    assert find_quotes("The band closed with “Walking Out of the Rain.”") == []


def test_words_introduced_by_wondering_are_imagined_not_said():
    text = "The board will be left to wonder: “what did we miss?”"
    assert find_quotes(text) == []
    assert [quote.kind for quote in find_quotes(text, include_other=True)] == ["thought"]


def test_according_to_does_not_reach_into_the_next_paragraph():
    text = "The board met on Tuesday, according to Mara Lindt.\n\n“We will decide next week.”"
    assert speech(text) == [("We will decide next week.", None)]


def test_according_to_in_the_same_paragraph_still_attributes():
    text = "The board met, according to Mara Lindt. “We will decide next week.”"
    assert speech(text) == [("We will decide next week.", "Mara Lindt")]


def test_an_attribution_after_one_quotation_is_not_read_again_for_the_next():
    text = "It cares about “financial health,” as one chief told me, and easing the “pain” of it."
    assert [quote.text for quote in find_quotes(text)] == ["financial health,"]


def test_an_attribution_that_introduces_the_next_quotation_is_not_the_previous_ones():
    text = "Umar Safi berkata, “Do not love too much.” Aslam berkata, “How so?”"
    assert speech(text) == [("Do not love too much.", "Umar Safi"), ("How so?", "Aslam")]


def test_a_hard_wrapped_line_does_not_split_a_quotation():
    text = "Rena Vos said, “If you love someone, do not love\nthem too much.”"
    assert speech(text) == [("If you love someone, do not love\nthem too much.", "Rena Vos")]
