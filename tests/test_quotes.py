"""Quote extraction: direct, reported and mixed quotes with their speakers, on passages written for these tests."""

from __future__ import annotations

import json

import pytest

from communique.quotes.lexicon import load_lexicon
from communique.quotes.marks import scan_quote_marks
from communique.records import Quote
from conftest import EXAMPLES, FIXTURES


def quotes_of(analyze, text: str) -> list[Quote]:
    return analyze(text).quotes


def only(quotes: list[Quote], fragment: str) -> Quote:
    """The one quote whose text contains ``fragment``."""
    hits = [q for q in quotes if fragment in q.text]
    assert len(hits) == 1, f"{fragment!r} in {[q.text for q in quotes]}"
    return hits[0]


def check_spans(text: str, quotes: list[Quote]) -> None:
    for q in quotes:
        assert text[q.span[0] : q.span[1]] == q.text
        if q.speaker is not None and q.speaker.start is not None:
            assert text[q.speaker.start : q.speaker.end] == q.speaker.text
        if q.cue_span is not None:
            assert text[q.cue_span[0] : q.cue_span[1]] == q.cue


# -- direct quotes ----------------------------------------------------------------------------


def test_straight_quote_marks_belong_to_the_span(analyze):
    text = 'The port reopened on Monday. "We will not back down on safety," said Harbour Master Lena Kovac.'
    quotes = quotes_of(analyze, text)
    check_spans(text, quotes)
    q = only(quotes, "back down")
    assert q.kind == "direct"
    assert q.text == '"We will not back down on safety,"'
    assert q.cue == "said"
    assert q.speaker is not None and q.speaker.name == "Lena Kovac"
    assert "Kovac" in (q.speaker.text or "")


def test_typographic_quote_marks(analyze):
    text = "“The border crossing will stay open through the winter,” the interior minister said on Sunday."
    q = only(quotes_of(analyze, text), "border crossing")
    assert q.kind == "direct"
    assert q.text.startswith("“") and q.text.endswith("”")
    assert q.speaker is not None and q.speaker.text == "the interior minister"


def test_quote_split_around_the_cue_keeps_the_speaker_without_a_span(analyze):
    text = (
        "Prime Minister Oskar Lindqvist spoke after the vote.\n\n"
        '"This was never about one budget line," he said. "It was about trust."'
    )
    quotes = quotes_of(analyze, text)
    check_spans(text, quotes)
    first, second = only(quotes, "budget line"), only(quotes, "about trust")
    assert first.speaker is not None and first.speaker.text == "he"
    assert first.speaker.name == "Oskar Lindqvist"
    assert second.speaker is not None and second.speaker.name == "Oskar Lindqvist"
    assert second.speaker.start is None and second.speaker.end is None
    assert second.cue is None


def test_quote_running_over_paragraphs(analyze):
    text = (FIXTURES / "quotes" / "harbour_talks.txt").read_text("utf-8")
    quotes = quotes_of(analyze, text)
    check_spans(text, quotes)
    opening = only(quotes, "We came here to listen")
    closing = only(quotes, "Nobody gains")
    # one piece per paragraph; the opening piece, which has no cue, is Borg's
    assert opening.text.endswith("do the same.")
    assert opening.speaker is not None and opening.speaker.name == "Ian Borg"
    assert closing.speaker is not None and closing.speaker.name == "Ian Borg"
    assert closing.cue == "told"


def test_nested_quotes_stay_inside_one_quote(analyze):
    text = (
        "\"She looked at me and said 'never again,' and I believed her,\" said Tomas Brandt, a former aide."
    )
    quotes = quotes_of(analyze, text)
    assert len(quotes) == 1
    q = quotes[0]
    assert q.text == "\"She looked at me and said 'never again,' and I believed her,\""
    assert q.speaker is not None and q.speaker.name == "Tomas Brandt"


def test_colon_introduced_quote(analyze):
    text = 'Senator Ruth Akande put it plainly: "Nobody in this chamber voted for a blank cheque."'
    q = only(quotes_of(analyze, text), "blank cheque")
    assert q.kind == "direct"
    assert q.speaker is not None and q.speaker.name == "Ruth Akande"


# -- reported speech -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "content", "cue", "speaker"),
    [
        (
            "Finance Minister Carla Duarte said that the deficit would shrink next year.",
            "that the deficit would shrink next year",
            "said",
            "Carla Duarte",
        ),
        (
            "Carla Duarte said the deficit would shrink next year.",
            "the deficit would shrink next year",
            "said",
            "Carla Duarte",
        ),
        (
            "General Idris Okafor told reporters the convoy had reached the border town.",
            "the convoy had reached the border town",
            "told",
            "Idris Okafor",
        ),
        (
            "Ambassador Mei Tanaka warned that further tests would isolate the government.",
            "that further tests would isolate the government",
            "warned",
            "Mei Tanaka",
        ),
        (
            "Union leader Pavel Novak urged members to reject the offer.",
            "to reject the offer",
            "urged",
            "Pavel Novak",
        ),
    ],
)
def test_reported_clause(analyze, text, content, cue, speaker):
    quotes = quotes_of(analyze, text)
    check_spans(text, quotes)
    q = only(quotes, content)
    assert q.text == content
    assert q.kind == "indirect"
    assert q.cue == cue
    assert q.speaker is not None and q.speaker.name == speaker


def test_described_as(analyze):
    text = "Foreign Minister Ana Ruiz described the agreement as a turning point for the region."
    q = only(quotes_of(analyze, text), "turning point")
    assert q.text == "the agreement as a turning point for the region"
    assert q.cue == "described"
    assert q.speaker is not None and q.speaker.name == "Ana Ruiz"


def test_called_x_y(analyze):
    text = "Opposition leader Marek Zielinski called the new tariffs reckless."
    q = only(quotes_of(analyze, text), "reckless")
    assert q.cue == "called"
    assert q.text == "the new tariffs reckless"
    assert q.speaker is not None and q.speaker.name == "Marek Zielinski"


def test_according_to(analyze):
    text = "According to the health ministry, 40 people were treated for smoke inhalation."
    q = only(quotes_of(analyze, text), "smoke inhalation")
    assert q.text == "40 people were treated for smoke inhalation"
    assert q.cue == "According to"
    assert q.speaker is not None and q.speaker.text == "the health ministry"


def test_in_a_statement(analyze):
    text = "In a statement, the company said it had suspended all flights to the region."
    q = only(quotes_of(analyze, text), "suspended")
    assert q.text == "it had suspended all flights to the region"
    assert q.speaker is not None and q.speaker.text == "the company"


def test_spokesman_of(analyze):
    text = "The Kremlin's spokesman said the talks had been useful."
    q = only(quotes_of(analyze, text), "useful")
    assert q.speaker is not None
    assert q.speaker.text == "The Kremlin's spokesman"


def test_group_speaker_in_a_joint_statement(analyze):
    text = "The two ministers said in a joint statement that they would meet again in the spring."
    q = only(quotes_of(analyze, text), "meet again")
    assert q.text == "that they would meet again in the spring"
    assert q.speaker is not None and q.speaker.text == "The two ministers"
    assert q.speaker.name


def test_mixed_quote(analyze):
    text = 'The mayor said the new bridge was "a promise kept to every commuter in this city."'
    quotes = quotes_of(analyze, text)
    assert len(quotes) == 1
    q = quotes[0]
    assert q.kind == "mixed"
    assert q.text == 'the new bridge was "a promise kept to every commuter in this city."'
    assert q.speaker is not None and q.speaker.text == "The mayor"


# -- speakers ------------------------------------------------------------------------------------


def test_pronoun_two_sentences_after_the_name(analyze):
    text = (FIXTURES / "quotes" / "harbour_talks.txt").read_text("utf-8")
    q = only(quotes_of(analyze, text), "resume in Tunis")
    assert q.speaker is not None
    assert q.speaker.text == "He"
    assert q.speaker.name == "Nabil Ammar"


def test_quote_with_no_speaker_is_not_guessed(analyze):
    text = (
        '"The water came up to the second floor in less than an hour."\n\n'
        "Residents of the valley spent the night on rooftops as the river rose."
    )
    q = only(quotes_of(analyze, text), "second floor")
    assert q.kind == "direct"
    assert q.speaker is None
    assert q.cue is None


def test_scare_quotes_are_not_quotes(analyze):
    text = 'The so-called "red lines" were redrawn twice during the negotiations over the weekend.'
    assert quotes_of(analyze, text) == []


# -- the shipped example -------------------------------------------------------------------------


def test_seed_statements_have_the_right_speakers(analyze):
    text = (EXAMPLES / "iran_russia_talks.txt").read_text("utf-8")
    quotes = quotes_of(analyze, text)
    check_spans(text, quotes)

    def name(fragment: str) -> str | None:
        q = only(quotes, fragment)
        return q.speaker.name if q.speaker else None

    assert only(quotes, "moving in the right direction").kind == "mixed"
    assert name("moving in the right direction") == "Abbas Araghchi"
    assert name("partnership treaty had been finalised") == "Abbas Araghchi"
    assert name("support for a diplomatic settlement") == "Sergey Lavrov"
    assert name("We oppose unilateral sanctions") == "Sergey Lavrov"
    assert name("Washington must be realistic") == "Abbas Araghchi"
    assert name("Pressure will not work") == "Abbas Araghchi"
    assert only(quotes, "We oppose unilateral sanctions").speaker.text == "he"  # type: ignore[union-attr]
    assert "ministers" in (only(quotes, "unacceptable").speaker.text or "")  # type: ignore[union-attr]


# -- invariants and plumbing ---------------------------------------------------------------------


def test_quote_ids_are_stable_and_distinct(analyze):
    text = '"One thing at a time," she said. Officials said the plan was ready.'
    first, second = quotes_of(analyze, text), quotes_of(analyze, text)
    assert [q.quote_id for q in first] == [q.quote_id for q in second]
    assert len({q.quote_id for q in first}) == len(first) == 2


def test_hostile_text_gives_no_error(analyze):
    for text in [
        '"',
        '""""',
        "“",
        "”unbalanced“ marks ” everywhere “",
        "said said said",
        '"' * 500,
        "\n\n\n",
    ]:
        quotes = quotes_of(analyze, text)
        check_spans(text, quotes)


def test_quote_marks_scan_per_paragraph():
    text = '“Open and never closed\n\n“Continued here,” she said. A "straight" pair.'
    spans = scan_quote_marks(text)
    assert [text[s.start : s.end] for s in spans] == [
        "“Open and never closed",
        "“Continued here,”",
        '"straight"',
    ]
    assert not spans[0].closed and spans[1].continues and not spans[2].continues


def test_lexicon_is_data():
    lexicon = load_lexicon()
    assert "clause" in lexicon["say"].frames
    assert "as" in lexicon["describe"].frames
    assert "point out" in lexicon
    assert "believe" not in lexicon  # cognition verbs are off by default
    assert "believe" in load_lexicon(frozenset({"speech", "cognition"}))


def test_quotes_command_writes_one_quote_per_line(tmp_path):
    from typer.testing import CliRunner

    from communique.cli import app

    article = tmp_path / "talks.txt"
    article.write_text('"We are ready," the envoy said.\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["quotes", str(article), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [line["text"] for line in lines] == ['"We are ready,"']
    assert lines[0]["speaker"]["text"] == "the envoy"
