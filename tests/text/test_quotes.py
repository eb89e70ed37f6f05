from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.bench_quotes import (
    SPAN_F1_TARGET,
    SPEAKER_PRECISION_TARGET,
    SPEAKER_RECALL_TARGET,
    demo_text,
    evaluate,
    load_cases,
    pathological_text,
)
from newsapp.articles.demo import DEMO_DIR, parse_demo_file
from newsapp.text.extract import canonical_text, markdown_to_html
from newsapp.text.quotes import (
    QUOTE_MARKS,
    SAME_QUOTE_THRESHOLD,
    FoundQuote,
    blocks_from_html,
    find_quotes,
    normalize_quote,
    quote_similarity,
    speaker_slug,
)


def speech(text: str, blocks=None) -> list[tuple[str, str | None]]:
    return [(quote.text, quote.speaker) for quote in find_quotes(text, blocks)]


def only(text: str, blocks=None) -> FoundQuote:
    quotes = find_quotes(text, blocks)
    assert len(quotes) == 1, quotes
    return quotes[0]


# -- Quotation marks -------------------------------------------------------------------------


def test_curly_double_quotes_with_attribution_after():
    text = "“We will not go back,” Adaeze Okafor said on Tuesday."
    quote = only(text)
    assert (quote.text, quote.speaker, quote.verb) == (
        "We will not go back,",
        "Adaeze Okafor",
        "said",
    )
    assert quote.speaker_as_written == "Adaeze Okafor"


def test_offsets_cover_the_words_inside_the_marks():
    text = "Intro. “We will not go back,” she said."
    quote = only(text)
    assert text[quote.start : quote.end] == quote.text == "We will not go back,"
    assert text[quote.start - 1] == "“"
    assert text[quote.end] == "”"
    assert quote.parts == ((quote.start, quote.end),)


def test_straight_double_quotes():
    text = 'The chief, Rui Albuquerque, spoke late. "Nobody was hurt," Albuquerque said.'
    assert speech(text) == [("Nobody was hurt,", "Rui Albuquerque")]


def test_inverted_said_name_with_title():
    text = "“We expected loss,” said Dr. Lena Varga, a glaciologist in Davos."
    quote = only(text)
    assert quote.speaker == "Lena Varga"
    assert quote.speaker_as_written == "Dr. Lena Varga"


def test_colon_introduction():
    text = "Emeka Okonkwo faced the committee. Mr. Okonkwo told it: “I never saw the contract.”"
    quote = only(text)
    assert (quote.speaker, quote.verb, quote.attribution) == ("Emeka Okonkwo", "told", "before")


def test_colon_introduction_in_the_paragraph_before():
    assert speech("Okafor said:\n“We will not go back.”") == [("We will not go back.", "Okafor")]


def test_single_quotes_are_told_from_apostrophes():
    text = (
        "‘I don’t think the ’90s were better,’ said Marta Kowal, head of the students’ union. "
        "‘Rock ’n’ roll was louder, that’s all.’"
    )
    assert speech(text) == [
        ("I don’t think the ’90s were better,", "Marta Kowal"),
        ("Rock ’n’ roll was louder, that’s all.", "Marta Kowal"),
    ]


def test_straight_single_quotes_and_possessives():
    text = "'We saw the Smiths' house burn,' said Ana Ruiz. 'It's gone.' The Joneses' car survived."
    assert speech(text) == [
        ("We saw the Smiths' house burn,", "Ana Ruiz"),
        ("It's gone.", "Ana Ruiz"),
    ]


def test_short_single_quoted_phrase_ending_in_s_is_not_an_apostrophe():
    text = "The council’s ‘sponge streets’ programme has planted 40 roads."
    others = find_quotes(text, include_other=True)
    assert [(quote.text, quote.kind) for quote in others] == [("sponge streets", "scare")]


def test_french_guillemets_with_no_break_spaces():
    text = "« C’est une victoire », a déclaré Julien Marchand. Selon Marchand, « on avance »."
    assert speech(text) == [
        ("C’est une victoire", "Julien Marchand"),
        ("on avance", "Julien Marchand"),
    ]


def test_german_low_high_marks_with_nested_single_pair():
    text = "„Das Wort ‚Krise‘ ist richtig“, sagte Bürgermeisterin Petra Lenz."
    assert speech(text) == [("Das Wort ‚Krise‘ ist richtig", "Petra Lenz")]


def test_german_chevrons_pointing_inwards():
    text = "»Das Projekt ist tot«, sagte Stefan Krüger. Er fügte hinzu: »Wir warten.«"
    assert speech(text) == [
        ("Das Projekt ist tot", "Stefan Krüger"),
        ("Wir warten.", "Stefan Krüger"),
    ]


def test_swedish_and_polish_marks():
    assert speech("”Vi backar inte”, sa ministern Anna Lindqvist.") == [
        ("Vi backar inte", "Anna Lindqvist")
    ]
    assert speech("„Nie zgadzamy się”, powiedziała Agata Nowicka.") == [
        ("Nie zgadzamy się", "Agata Nowicka")
    ]


def test_nested_quote_belongs_to_the_outer_quotation():
    text = "“He said ‘never’, and I believed him,” said Tomás Reyes."
    assert speech(text) == [("He said ‘never’, and I believed him,", "Tomás Reyes")]


def test_unclosed_mark_is_not_a_quotation():
    assert find_quotes("He wrote “maybe and left it there.") == []
    assert find_quotes("") == []
    assert find_quotes("No quotation marks at all.") == []


# -- Shapes of quotations ---------------------------------------------------------------------


def test_interrupted_quote_is_one_quotation_with_two_parts():
    text = "“We are not going to pretend,” the minister told reporters, “that this ends a war.”"
    text = "Defence Minister Adaeze Okafor spoke. " + text
    quote = only(text)
    assert quote.text == "We are not going to pretend, that this ends a war."
    assert [text[start:end] for start, end in quote.parts] == [
        "We are not going to pretend,",
        "that this ends a war.",
    ]
    assert (quote.start, quote.end) == (quote.parts[0][0], quote.parts[1][1])
    assert (quote.speaker, quote.attribution) == ("Adaeze Okafor", "interrupted")


def test_quote_split_across_paragraphs():
    text = (
        "Liesl Achterberg described the night:\n"
        "“We almost lost it over one map reference.\n"
        "“Then both sides came back.”\n"
        "Talks resume on Monday."
    )
    quote = only(text)
    assert quote.text == "We almost lost it over one map reference. Then both sides came back."
    assert len(quote.parts) == 2
    assert quote.speaker == "Liesl Achterberg"


def test_opening_mark_without_continuation_does_not_run_into_the_next_paragraph():
    text = "He wrote “the first words\nThe next paragraph has “a quote” of its own."
    assert [quote.text for quote in find_quotes(text, include_other=True)] == ["a quote"]


def test_block_quote_from_blocks():
    text = "Ruth Adebayo wrote:\nI leave with regret.\nThe library should stay open.\nNext."
    lines = text.split("\n")
    blocks, start = [], 0
    for line, kind in zip(lines, ["p", "blockquote", "blockquote", "p"], strict=True):
        blocks.append((start, start + len(line), kind))
        start += len(line) + 1
    quote = only(text, blocks)
    assert quote.text == "I leave with regret. The library should stay open."
    assert quote.speaker == "Ruth Adebayo"


def test_blocks_from_html_match_the_canonical_text():
    html = (
        "<p>Okafor wrote:</p><blockquote><p>The pause is “not a gift”.</p><p>Second.</p>"
        "</blockquote><ul><li><p>Item</p></li></ul>tail <b>bold</b><!-- note -->"
    )
    text = canonical_text(html)
    blocks = blocks_from_html(html)
    assert [(text[start:end], kind) for start, end, kind in blocks] == [
        ("Okafor wrote:", "p"),
        ("The pause is “not a gift”.", "blockquote"),
        ("Second.", "blockquote"),
        ("Item", "p"),
        ("tail bold", "div"),
    ]
    quote = only(text, blocks)
    assert (quote.text, quote.speaker) == ("The pause is “not a gift”. Second.", "Okafor")
    assert blocks_from_html("") == []


@pytest.mark.parametrize("path", sorted(DEMO_DIR.glob("*.md")), ids=lambda path: path.stem)
def test_demo_articles_give_the_same_quotes_with_or_without_blocks(path):
    html = markdown_to_html(parse_demo_file(path).body_markdown)
    text = canonical_text(html)
    blocks = blocks_from_html(html)
    covered = set()
    previous_end = 0
    for start, end, _kind in blocks:
        assert previous_end <= start < end <= len(text)
        covered.update(range(start, end))
        previous_end = end
    assert all(index in covered for index, ch in enumerate(text) if not ch.isspace())
    assert find_quotes(text, blocks) == find_quotes(text)


def test_block_quote_guessed_from_a_colon_introduction():
    text = "Intro.\nIn a statement, Okafor wrote:\n\nThe pause is not a gift.\n\nNext section"
    quote = only(text)
    assert (quote.text, quote.speaker, quote.verb) == (
        "The pause is not a gift.",
        "Okafor",
        "wrote",
    )


def test_paragraph_after_a_colon_without_speech_verb_is_not_a_block_quote():
    assert find_quotes("The figures were:\nInflation 6.8 percent, growth 1.4 percent.") == []


# -- Not speech -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words", "kind"),
    [
        ("The so-called “reforms” cut pensions.", "reforms", "scare"),
        ("In Osk, the “temporary” checkpoints have stood for 19 months.", "temporary", "scare"),
        ("Her 2024 book “The Long Ceasefire” examined 31 truces.", "The Long Ceasefire", "title"),
        ("A report titled “Counting the Cost” found gaps.", "Counting the Cost", "title"),
        ("A documentary called ‘Tides of Change’ opens soon.", "Tides of Change", "title"),
        ("It appeared in the journal “Cryosphere Letters”, in May.", "Cryosphere Letters", "title"),
        ("Her favourite film is ‘Brief Encounter’.", "Brief Encounter", "title"),
    ],
)
def test_scare_quotes_and_titles_are_not_speech(text, words, kind):
    assert find_quotes(text) == []
    others = find_quotes(text, include_other=True)
    assert [(quote.text, quote.kind) for quote in others] == [(words, kind)]


def test_a_title_noun_followed_by_a_word_is_not_a_title_cue():
    text = "Noor Haddad calls the programme a “love letter to small rooms”."
    assert speech(text) == [("love letter to small rooms", "Noor Haddad")]


def test_partial_quotes_with_a_speaker_are_speech():
    text = (
        "Negotiators came “within a sentence” of a deal, according to Liesl Achterberg. "
        "Samuel Adeyemi-Clarke said the record was “unusually long”."
    )
    assert speech(text) == [
        ("within a sentence", "Liesl Achterberg"),
        ("unusually long", "Samuel Adeyemi-Clarke"),
    ]


# -- Speakers ---------------------------------------------------------------------------------


def test_short_form_resolves_to_the_fullest_name():
    text = "Defence Minister Adaeze Okafor arrived late. “No,” Okafor said."
    quote = only(text)
    assert (quote.speaker, quote.speaker_as_written) == ("Adaeze Okafor", "Okafor")


def test_role_resolves_to_the_one_person_holding_it():
    text = "Health Minister Rosa Ibáñez visited.\n“We need 400 nurses,” the minister said."
    assert speech(text) == [("We need 400 nurses,", "Rosa Ibáñez")]


def test_role_shared_by_two_people_is_left_unresolved():
    text = (
        "Finance Minister Carla Duarte and Defence Minister Piet Janssen met.\n"
        "“We agreed on nothing,” the minister said.\n"
        "“Not quite nothing,” the defence minister said."
    )
    quotes = find_quotes(text)
    assert [(quote.speaker, quote.speaker_as_written) for quote in quotes] == [
        (None, "the minister"),
        ("Piet Janssen", "the defence minister"),
    ]


def test_same_surname_twice_is_left_unresolved():
    text = "Laura Fischer and Tobias Fischer run the bakery.\n“We sold the car,” Fischer said."
    quote = only(text)
    assert (quote.speaker, quote.speaker_as_written) == (None, "Fischer")


def test_pronouns_follow_the_nearest_compatible_person():
    text = (
        "Maria Olsen and her brother Henrik Olsen run the farm. Henrik Olsen said it was poor.\n"
        "“It rained for six weeks,” he said. Maria Olsen disagreed.\n"
        "“The prices were the problem,” she said."
    )
    assert speech(text) == [
        ("It rained for six weeks,", "Henrik Olsen"),
        ("The prices were the problem,", "Maria Olsen"),
    ]


def test_pronoun_resolution_learns_gender_from_resolved_pronouns():
    text = (
        "Judge Miriam Osei-Bonsu questioned the witness, Paul Hendry.\n"
        "“Were you at the depot?” she asked.\n"
        "“I was at home,” he replied."
    )
    assert speech(text) == [
        ("Were you at the depot?", "Miriam Osei-Bonsu"),
        ("I was at home,", "Paul Hendry"),
    ]


def test_following_quote_continues_the_same_speaker():
    text = "“We are ready,” said Radomír Šťastný, a diplomat. “It is not a settlement.”"
    quotes = find_quotes(text)
    assert [quote.speaker for quote in quotes] == ["Radomír Šťastný", "Radomír Šťastný"]
    assert quotes[1].attribution == "continuation"


def test_attribution_in_the_sentence_before_or_after():
    text = (
        "Chief Constable Rhys Pembroke said the force would not comment. “We never do.”\n"
        "“Nobody is above the rules.” Pembroke said the review would report by March."
    )
    quotes = find_quotes(text)
    assert [(quote.speaker, quote.attribution) for quote in quotes] == [
        ("Rhys Pembroke", "previous sentence"),
        ("Rhys Pembroke", "after"),
    ]


def test_unknown_or_unnamed_speakers_are_none():
    text = (
        "“I never said it would be easy.”\n"
        "“Heavy lorries must detour,” a senior official said.\n"
        "“Why?” I asked."
    )
    quotes = find_quotes(text)
    assert [(quote.speaker, quote.speaker_as_written) for quote in quotes] == [
        (None, None),
        (None, "a senior official"),
        (None, "I"),
    ]


def test_blocks_stop_attribution_across_headings():
    text = "“One glacier is one glacier”\n“Careful work,” Adeyemi-Clarke said."
    blocks = [(0, 28, "h2"), (29, len(text), "p")]
    quotes = find_quotes(text, blocks)
    assert [(quote.text, quote.speaker) for quote in quotes] == [
        ("One glacier is one glacier", None),
        ("Careful work,", "Adeyemi-Clarke"),
    ]


# -- Matching quotes between articles ---------------------------------------------------------


def test_same_quote_in_two_demo_articles_is_recognised():
    ledger = find_quotes(demo_text("ministers-agree-to-pause-shelling-along-northern-line.md"))
    courier = find_quotes(demo_text("bank-of-talvania-holds-rates-as-inflation-cools.md"))
    okafor_ledger = next(q for q in ledger if "2019 line" in q.text)
    okafor_courier = next(q for q in courier if "2019 line" in q.text)
    assert okafor_ledger.speaker == okafor_courier.speaker == "Adaeze Okafor"
    assert okafor_ledger.text != okafor_courier.text
    assert quote_similarity(okafor_ledger.text, okafor_courier.text) >= SAME_QUOTE_THRESHOLD
    unrelated = [
        quote_similarity(a.text, b.text)
        for a in ledger
        for b in courier
        if a is not okafor_ledger and b is not okafor_courier
    ]
    assert max(unrelated) < SAME_QUOTE_THRESHOLD


def test_normalize_quote_ignores_marks_case_punctuation_and_spacing():
    assert normalize_quote("  “Don’t  GO — now!”\n") == "dont go now"
    assert normalize_quote('"Don\'t go, now"') == "dont go now"
    assert normalize_quote("") == ""


def test_quote_similarity_bounds():
    assert quote_similarity("We will not go back.", "“We will NOT go back”") == 1.0
    assert quote_similarity("", "") == 1.0
    assert quote_similarity("something", "") == 0.0
    assert quote_similarity("We will not go back", "Prices rose sharply in May") < 0.5


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Radomír Šťastný", "radomir-stastny"),
        ("Ilse Jørgensen", "ilse-jorgensen"),
        ("Joost van der Meulen", "joost-van-der-meulen"),
        ("Kwame Asante-Darko", "kwame-asante-darko"),
        ("Selvi Aydın", "selvi-aydin"),
        ("王伟", "王伟"),
    ],
)
def test_speaker_slug(name, slug):
    assert speaker_slug(name) == slug


# -- Invariants and the labelled set ----------------------------------------------------------

words_and_marks = st.lists(
    st.one_of(
        st.sampled_from(list(QUOTE_MARKS)),
        st.sampled_from(["said", "she", "Okafor", "Adaeze", "the", "minister", "book", ",", "."]),
        st.sampled_from([" ", " ", "\n", ": "]),
        st.text(alphabet="ab’'", min_size=1, max_size=3),
    ),
    max_size=60,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(words_and_marks)
def test_any_text_gives_well_formed_quotes(text):
    everything = find_quotes(text, include_other=True)
    previous_end = -1
    for quote in everything:
        assert 0 <= quote.start <= quote.end <= len(text)
        assert quote.start > previous_end or quote.start == quote.end
        assert quote.parts
        assert quote.parts[0][0] == quote.start
        assert quote.parts[-1][1] == quote.end
        assert quote.text == " ".join(text[start:end] for start, end in quote.parts)
        assert quote.kind in ("speech", "scare", "title")
        previous_end = quote.end
    assert [q for q in everything if q.kind == "speech"] == find_quotes(text)


def test_pathological_text_is_handled():
    text = pathological_text(size=50_000)
    quotes = find_quotes(text)
    assert all(0 <= quote.start <= quote.end <= len(text) for quote in quotes)


def test_labelled_set_meets_targets():
    cases = load_cases()
    score = evaluate(cases)
    assert score.expected >= 80
    assert score.span_f1 >= SPAN_F1_TARGET, score.misses
    assert score.speaker_precision >= SPEAKER_PRECISION_TARGET, score.misses
    assert score.speaker_recall >= SPEAKER_RECALL_TARGET, score.misses
    assert score.non_quotes_as_speech == []
