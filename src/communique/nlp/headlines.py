"""Headline true-casing: parse Title Case and all-caps lines as if they were written in sentence case.

News headlines capitalise every word ("Kuwait Condemns Israeli Strikes On Gaza"). A small
statistical tagger reads each capitalised word as a proper noun, so the parser finds no verb and
the event coder no event. ``HeadlineTruecaser`` therefore, for every parsed doc,

1. finds the *headline-cased* lines: short lines whose lower-case words are all function words
   (or whose letters are all capitals) and that hold a capitalised event trigger or reporting
   cue (``headline_cased``);
2. builds a copy of the sentences covering each such line with the same tokens (``Doc`` built
   from the words, so token boundaries cannot move) in which, on the headline line only, every
   capitalised dictionary word that is not part of a knowledge-base name is lower-cased, and
   knowledge-base names in capitals take the knowledge base's casing ("ISRAELI" → "Israeli");
   a word whose case change would change its length is left as it is;
3. runs the pipeline on the copies (batched) and copies their tags, morphology, lemmas,
   dependency trees and entities back onto the original doc's rows for those sentences.
   Sentences are whole trees, so heads never leave the replaced rows and every other sentence
   keeps its parse.

4. then, for every short line not ended by a full stop (a headline in any case) that still has no
   verb, swaps the first word that can only be a verb trigger of the event lexicon ("Denounces",
   "decry"; not "attacks", a nominal event too) for a common verb of the same inflection
   ("rejects"), parses that copy and copies its tree back, the word keeping its own lemma
   (``verb_plan``). "Kuwait denounces actions by Morocco" is otherwise one noun phrase.

The text, the tokens and their offsets are unchanged: every record still carries the article's
own characters and spans; only the syntax and the entities the actor, quote and event code read
change (the copy's entities replace the Title Case ones that took in a lower-cased word). Lines
the selective parser skipped (no tags) are left alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from communique.events.lexicon import Lexicon
    from communique.knowledge import KnowledgeBase
    from communique.nlp.selective import Selector

T = TypeVar("T")

# A headline is short; longer lines in capitals are body text set in a heading style or tables.
_MAX_LINE_TOKENS = 40
_HYPHENS = frozenset({"-", "‐", "–"})
# Headlines without a verb are re-parsed only when this short (a longer verbless line is a list).
_MAX_HEADLINE_TOKENS = 20
# Longer sentences without a verb are lists, captions or tables, not misread clauses.
_MAX_VERBLESS_SENTENCE = 40
# Words inside these entities are names, never a verb to rescue.
_NAME_ENTS = frozenset({"PERSON", "GPE", "LOC", "NORP", "FAC"})
# Dependency labels of a word that modifies a noun rather than heading a clause.
_MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "npadvmod"})
# Common transitive verbs by inflection: the small tagger reads them as verbs in any headline.
_PROXIES = {"s": "rejects", "ed": "rejected", "ing": "rejecting", "": "reject"}


def _proxy(word: str, lemma: str) -> str | None:
    """A common verb with the inflection ``word`` has as a form of ``lemma`` (None: not a verb form)."""
    if word == lemma:
        return _PROXIES[""]
    if word.endswith("ing"):
        return _PROXIES["ing"]
    if word.endswith("ed"):
        return _PROXIES["ed"]
    if word.endswith("s"):
        return _PROXIES["s"]
    return None


def _line_ranges(doc: Doc) -> Iterator[tuple[int, int]]:
    """Token ranges of the lines of ``doc`` (between newlines), without their space tokens."""
    start = None
    n = len(doc)
    for i in range(n + 1):
        tok = doc[i] if i < n else None
        if tok is not None and not (tok.is_space and "\n" in tok.text):
            if start is None and not tok.is_space:
                start = i
            continue
        if start is not None:
            end = i
            while end > start and doc[end - 1].is_space:
                end -= 1
            yield start, end
        start = None


class HeadlineTruecaser:
    """Re-parses the headline-cased lines of parsed docs; built once per pipeline and knowledge base."""

    def __init__(self, nlp: Language, kb: KnowledgeBase, selector: Selector | None = None) -> None:
        from communique.nlp.gazetteer import gazetteer
        from communique.nlp.selective import Selector

        self.nlp = nlp
        self.gaz = gazetteer(kb)
        # The selective parser's word tests: dictionary words, event triggers and reporting cues.
        self.selector = selector or Selector(nlp, kb)
        self.common_word = self.selector.common_word
        self.stop_words = frozenset(getattr(nlp.Defaults, "stop_words", ()))
        self.reparsed_lines = 0  # running total, for benchmarks and tests
        self.verb_lines = 0  # verbless headlines re-parsed with their trigger read as a verb

    # -- finding headline lines ------------------------------------------------------------------

    def lines(self, doc: Doc) -> list[tuple[int, int]]:
        """Token ranges (non-space tokens only) of the lines of ``doc`` that are headline-cased."""
        return [
            (s, e)
            for s, e in _line_ranges(doc)
            if e - s <= _MAX_LINE_TOKENS and self.headline_cased([t.text for t in doc[s:e]])
        ]

    def headline_cased(self, words: list[str]) -> bool:
        """Whether a line is a headline in title case or capitals that may state an event.

        Its lower-case words are all function words ("Merkel met Macron" is a sentence with
        names), it holds at most one number (results tables and score lines hold more), and a
        capitalised word may be an event trigger or a reporting cue (name lists hold none).
        """
        alpha = [w for w in words if w[:1].isalpha()]
        if len(alpha) < 2 or sum(w[:1].isdigit() for w in words) > 1:
            return False
        all_caps = "".join(alpha).isupper()
        if all_caps and sum(len(w) > 1 for w in alpha) < 2:
            return False
        action = False
        for k, w in enumerate(words):
            if not w[:1].isalpha():
                continue
            if w[0].islower():
                # "Multi-country": the part after a hyphen keeps the case it had.
                if w.lower() not in self.stop_words and not (k and words[k - 1] in _HYPHENS):
                    return False
            elif not action and w.isalpha() and len(w) > 1 and (all_caps or not w.isupper()):
                action = self.selector.kind(w.lower()) != 0
        return action

    # -- the sentence-case copy ------------------------------------------------------------------

    def name_tokens(self, words: list[str]) -> set[int]:
        """Indices of the words inside knowledge-base names ("Kenya Air Force")."""
        from communique.nlp.gazetteer import case_ok

        lowers = [w.lower() for w in words]
        names, roles = self.gaz.names, self.gaz.roles
        out: set[int] = set()
        for i in range(len(words)):
            if lowers[i] in names.root:
                for end, entries in names.matches_at(lowers, i):
                    if end - i > 1 and any(case_ok(words[i:end], e.pattern) for e in entries):
                        out.update(range(i, end))
                        break
            if lowers[i] in roles.root:
                # Multi-word bodies and groups in capitals ("Air Force", "Coast Guard").
                for end, _ in roles.matches_at(lowers, i):
                    if end - i > 1 and all(w[:1].isupper() for w in words[i:end]):
                        out.update(range(i, end))
                        break
        return out

    def recased(self, words: list[str]) -> list[str]:
        """The line's words with dictionary words lower-cased and names in the knowledge base's case."""
        from communique.nlp.gazetteer import case_ok

        out = list(words)
        lowers = [w.lower() for w in words]
        all_caps = "".join(w for w in words if w[:1].isalpha()).isupper()
        names, roles = self.gaz.names, self.gaz.roles
        i, n = 0, len(words)
        while i < n:
            w = words[i]
            if not w[:1].isalpha():
                i += 1
                continue
            name_end = 0
            pattern: tuple[str, ...] = ()
            if lowers[i] in names.root:
                for end, entries in names.matches_at(lowers, i):
                    keep = [e for e in entries if case_ok(words[i:end], e.pattern)]
                    if keep:
                        name_end, pattern = end, keep[0].pattern
                        break
            if name_end:
                for k in range(i, name_end):
                    cased = pattern[k - i] if k - i < len(pattern) else words[k]
                    if all_caps and len(cased) == len(words[k]) and cased.lower() == lowers[k]:
                        out[k] = cased  # "ISRAELI" → "Israeli": a name in a name's case
                i = name_end
                continue
            if w.isupper() and len(w) > 1 and not all_caps:
                i += 1  # an acronym in a title-case line ("UN", "NATO"): a name
                continue
            low = lowers[i]
            if not w.isalpha() or len(w) < 2:
                i += 1  # an initial ("R."), a number or a symbol: as written
                continue
            if len(low) == len(w) and (self.common_word(low) or low in roles.root):
                out[i] = low
            elif all_caps and len(w) > 1:
                cap = w[0] + w[1:].lower()  # an unknown word in capitals: most likely a name
                if len(cap) == len(w):
                    out[i] = cap
            i += 1
        return out

    # -- applying --------------------------------------------------------------------------------

    def plan(self, doc: Doc) -> list[tuple[int, int, Doc, frozenset[int]]]:
        """For each headline line of ``doc`` that was parsed: the token range of the sentences
        covering it and an unparsed sentence-case copy of those tokens."""
        from spacy.tokens import Doc as SpacyDoc

        if not len(doc) or not doc.has_annotation("DEP"):
            return []
        plans: list[tuple[int, int, Doc, frozenset[int]]] = []
        last_end = 0
        for s, e in self.lines(doc):
            if not any(doc[k].tag_ for k in range(s, e)):
                continue  # skipped by the selective parser: nothing read from it
            first, last = doc[s].sent, doc[e - 1].sent
            lo, hi = first.start, last.end
            if lo < last_end:
                continue  # shares a sentence with the previous headline line's copy
            words = [t.text for t in doc[lo:hi]]
            recased = self.recased(words[s - lo : e - lo])
            if recased == words[s - lo : e - lo]:
                continue
            lowered = frozenset(
                s + k
                for k, (old, new) in enumerate(zip(words[s - lo : e - lo], recased, strict=True))
                if new != old and new.islower()
            )
            words[s - lo : e - lo] = recased
            spaces = [bool(t.whitespace_) for t in doc[lo:hi]]
            # The headline is a sentence of its own in the copy (the Title Case parse often runs
            # it into the next paragraph); the parser keeps preset sentence starts.
            starts: list[bool | int | None] = [None] * (hi - lo)
            starts[0] = starts[s - lo] = True
            after = e
            while after < hi and doc[after].is_space:
                after += 1
            if after < hi:
                starts[after - lo] = True
            plans.append(
                (lo, hi, SpacyDoc(doc.vocab, words=words, spaces=spaces, sent_starts=starts), lowered)
            )
            last_end = hi
        return plans

    def apply(self, doc: Doc, parsed: list[tuple[int, int, Doc, frozenset[int]]]) -> None:
        """Copy the parsed copies' syntax onto ``doc``, and their entities where the Title Case
        ones took in a lower-cased word ("Condemns Israeli Strikes" as one organisation)."""
        from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, TAG
        from spacy.tokens import Span

        if not parsed:
            return
        attrs = [TAG, POS, MORPH, LEMMA, DEP, HEAD]
        arr = doc.to_array(attrs)
        # Entities of names only stay (the model reads names in capitals as well as in a copy
        # that changes their neighbours); the copy's entities fill the gaps of the dropped ones.
        kept = [
            e
            for e in doc.ents
            if not any(k in lowered for _, _, _, lowered in parsed for k in range(e.start, e.end))
        ]
        added: list[Span] = []
        for lo, hi, copy, _ in parsed:
            arr[lo:hi] = copy.to_array(attrs)
            for ent in copy.ents:
                start, end = lo + ent.start, lo + ent.end
                if not any(start < e.end and e.start < end for e in kept):
                    added.append(Span(doc, start, end, label=ent.label_))
        doc.from_array(attrs, arr)  # type: ignore[arg-type]  # a uint64 array, as Doc.to_array gives
        doc.set_ents(sorted(kept + added, key=lambda e: e.start), default="outside")
        self.reparsed_lines += len(parsed)

    # -- verbless headlines ----------------------------------------------------------------------

    def verb_plan(self, doc: Doc) -> list[tuple[int, int, Doc, int, str]]:
        """For each short headline-like line of ``doc`` parsed with no verb at all, a copy of its
        sentences in which the first word that can only be a verb trigger is swapped for a common
        verb of the same inflection: (range start, range end, copy, token, trigger lemma).

        "Kuwait denounces actions by Morocco" is tagged as one noun phrase ("denounces" a plural
        noun); "Kuwait rejects actions by Morocco" is parsed as a sentence. The copy's tree is the
        one the original would have had with its verb read as a verb; the trigger keeps its own
        lemma. Words that are also nominal events ("attacks", "talks") are left alone: as nouns
        they are coded already.
        """
        from spacy.tokens import Doc as SpacyDoc

        if not len(doc) or not doc.has_annotation("DEP"):
            return []
        lexicon = self._lexicon()
        plans: list[tuple[int, int, Doc, int, str]] = []
        last_end = 0
        # Body sentences can come out verbless too ("Amnesty International documented abuses by
        # X" read as one noun phrase, "documented" an adjective); they get the same repair.
        sentences = [(sent.start, sent.end) for sent in doc.sents
                     if 4 <= len(sent) <= _MAX_VERBLESS_SENTENCE and sent[-1].text == "."]
        for s, e in sorted(set(self.short_lines(doc)) | set(sentences)):
            if not any(doc[k].tag_ for k in range(s, e)):
                continue
            lo, hi = doc[s].sent.start, doc[e - 1].sent.end
            # A verb tagged as such but hung as a modifier ("Sign" in "X and Y Sign Trade Deal" read as
            # one noun phrase) heads no clause: the line is still verbless.
            # So does a word of a known name the tagger took for a verb ("Force" in "Kenya Air Force").
            in_names = self.name_tokens([t.text for t in doc[s:e]])
            if lo < last_end or any(doc[k].pos_ in ("VERB", "AUX") and doc[k].dep_ not in _MODIFIER_DEPS
                                    and k - s not in in_names for k in range(lo, hi)):
                continue
            found: tuple[int, str, str | None] | None = None
            for k in range(s + 1, e):
                tok = doc[k]
                low = tok.lower_
                if not tok.is_alpha or len(low) < 3 or low in self.stop_words or tok.ent_type_ in _NAME_ENTS:
                    continue
                if k - s in in_names:
                    continue  # "Force" of "Air Force": part of a known name, no verb
                lemmas = self.selector.lemmas(low)
                verbs = [lemma for lemma in lemmas if lemma in lexicon.verbs]
                if verbs and not any(lemma in lexicon.nouns for lemma in lemmas):
                    found = (k, min(verbs, key=len), _proxy(low, min(verbs, key=len)))
                    break
            if found is None or found[2] is None:
                continue
            k, lemma, proxy = found
            words = [t.text for t in doc[lo:hi]]
            words[k - lo] = found[2]
            spaces = [bool(t.whitespace_) for t in doc[lo:hi]]
            starts: list[bool | int | None] = [None] * (hi - lo)
            starts[0] = True
            plans.append((lo, hi, SpacyDoc(doc.vocab, words=words, spaces=spaces, sent_starts=starts), k, lemma))
            last_end = hi
        return plans

    @staticmethod
    def short_lines(doc: Doc) -> list[tuple[int, int]]:
        """Token ranges of lines that read as headlines: short and not ended by a full stop."""
        return [
            (s, e)
            for s, e in _line_ranges(doc)
            if 2 < e - s <= _MAX_HEADLINE_TOKENS and doc[e - 1].text not in (".", "!", "?", ":")
        ]

    def apply_verbs(self, doc: Doc, parsed: list[tuple[int, int, Doc, int, str]]) -> None:
        """Copy the verb copies' syntax onto ``doc``; the swapped word keeps its own lemma."""
        from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, TAG

        if not parsed:
            return
        attrs = [TAG, POS, MORPH, LEMMA, DEP, HEAD]
        arr = doc.to_array(attrs)
        for lo, hi, copy, _k, _ in parsed:
            arr[lo:hi] = copy.to_array(attrs)
        doc.from_array(attrs, arr)  # type: ignore[arg-type]  # a uint64 array, as Doc.to_array gives
        for _, _, _copy, k, lemma in parsed:
            doc[k].lemma_ = lemma
        self.verb_lines += len(parsed)

    @staticmethod
    def _lexicon() -> Lexicon:
        from communique.events.lexicon import load_lexicon

        return load_lexicon()

    def pipe(self, docs: Iterable[tuple[Doc, T]], batch_size: int = 64) -> Iterator[tuple[Doc, T]]:
        """Re-parse the headline lines of already parsed ``(doc, context)`` pairs, in batches:
        first Title Case lines in sentence case, then headlines still without a verb."""
        it = iter(docs)
        while True:
            batch = list(islice(it, batch_size))
            if not batch:
                return
            plans = [self.plan(doc) for doc, _ in batch]
            copies = [copy for plan in plans for _, _, copy, _ in plan]
            if copies:
                parsed = iter(self.nlp.pipe(copies, batch_size=batch_size))
                for (doc, _), plan in zip(batch, plans, strict=True):
                    self.apply(doc, [(lo, hi, next(parsed), lowered) for lo, hi, _, lowered in plan])
            verb_plans = [self.verb_plan(doc) for doc, _ in batch]
            copies = [copy for plan in verb_plans for _, _, copy, _, _ in plan]
            if copies:
                parsed = iter(self.nlp.pipe(copies, batch_size=batch_size))
                for (doc, _), vplan in zip(batch, verb_plans, strict=True):
                    self.apply_verbs(doc, [(lo, hi, next(parsed), k, lemma) for lo, hi, _, k, lemma in vplan])
            yield from batch

    def fix(self, doc: Doc) -> Doc:
        """One parsed doc, its headline lines re-parsed in place (see ``pipe``)."""
        return next(self.pipe([(doc, None)]))[0]
