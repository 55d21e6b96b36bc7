"""Selective parsing: run the statistical pipeline only on the sentences that can matter.

The tokenizer is some forty times faster than the rest of a spaCy pipeline, and most sentences
of a news article (sport results, market figures, background) hold no actor, no quote and no
event. ``SelectiveParser`` therefore

1. tokenizes the whole article with ``nlp.tokenizer`` (token offsets stay offsets into the
   article as given) and cuts it into sentences by rule (terminal punctuation before a capital,
   line breaks);
2. picks the *candidate* sentences (``Selector``): those with a reporting-verb form (a quote
   with its cue and speaker), a quote mark after a colon or before a dash (a speaker named
   there), or an event-trigger form (with the particles and objects its lexicon entry needs)
   next to something that can be an actor: a knowledge-base name or role word, a capitalised
   name, a person pronoun, "they"/"both", or the inside of a quote (its speaker). Then the
   sentences the back-references of the chosen ones reach: the nearest earlier sentence with a
   name before a pronoun, and every sentence that names in full someone a chosen one names.
   A quoted span needs no parse of its own (quote marks are read from the text), nor does a
   knowledge-base name (the gazetteer matches the tokens), so a sentence holding only those is
   skipped; spaCy-only names in skipped sentences (people and organisations the knowledge base
   does not know) are not reported as actors;
3. joins each run of adjacent candidates into one *reduced* doc per article (a sentence break is
   forced where two runs meet, so no parse crosses a skipped stretch), runs the full pipeline on
   the reduced docs through ``nlp.pipe`` (batching kept), and copies tags, morphology, lemmas,
   the dependency trees and the entities back onto the full-text doc by token index;
4. gives every skipped sentence a flat tree of its own (the first token the root), no tags and
   no entities, so ``doc.sents`` still lists every sentence and the actor, quote and event code
   runs unchanged on the full doc.

Words are matched by their surface forms: a word is a trigger or a cue when one of the lemmas
the model's own rule lemmatiser could give it (its exception tables and suffix rules, for any
part of speech) is in the event lexicon or the reporting-verb lexicon. Pipelines with components
this module does not know (a transformer, a span categoriser, custom components) are parsed in
full (``supports``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from communique.knowledge import KnowledgeBase
    from communique.nlp.gazetteer import Gazetteer

T = TypeVar("T")

# Components whose output is per token or per sentence and can be copied back by token index.
KNOWN_COMPONENTS = frozenset(
    {
        "tok2vec",
        "tagger",
        "morphologizer",
        "parser",
        "senter",
        "sentencizer",
        "attribute_ruler",
        "lemmatizer",
        "trainable_lemmatizer",
        "ner",
        "entity_ruler",
    }
)
_TERMINALS = frozenset({".", "!", "?", "...", "…", "?!", "!?", "!!", "??"})
_DASHES = frozenset({"—", "―", "–", "-", "--"})
_CLOSERS = frozenset({'"', "”", "’", "'", "»", ")", "]", "}"})
_QUOTE_CHARS = frozenset('"“”‘’«»„')
# Pronouns the actor recogniser resolves to the nearest earlier person (nlp.actors.PRONOUNS).
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "his", "her", "hers"})
# Words that let an event reach back to the latest bilateral pair ("they", "both sides").
_PAIR_WORDS = frozenset({"they", "them", "both"})
# Words before a noun: a cue word after one of them is a noun ("the report"), not a verb.
_NOUN_DETERMINERS = frozenset({"the", "a", "an", "its", "his", "their", "our", "my", "your", "this", "these", "those"})
# Capitalised words that never name an actor.
_NOT_NAMES = frozenset(
    {
        "i",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mr",
        "mrs",
        "ms",
        "dr",
        "mr.",
        "mrs.",
        "ms.",
        "dr.",
    }
)
# Lemmas the attribute ruler gives to contractions, which the lemmatiser tables do not list.
_CONTRACTIONS = {
    "'s": ("be", "have"),
    "’s": ("be", "have"),
    "'ve": ("have",),
    "’ve": ("have",),
    "'d": ("have", "would"),
    "’d": ("have", "would"),
    "'re": ("be",),
    "’re": ("be",),
    "'m": ("be",),
    "’m": ("be",),
    "'ll": ("will",),
    "’ll": ("will",),
}
# Generic suffix rules (those of events.lexicon's form matching), for pipelines without tables.
_SUFFIXES = (
    ("ied", "y"),
    ("ies", "y"),
    ("ed", "e"),
    ("ed", ""),
    ("d", ""),
    ("ing", "e"),
    ("ing", ""),
    ("es", ""),
    ("s", ""),
)
# Back-references reach no further than this many characters (quotes.speakers' reach).
_REACH = 3000
_U64 = (1 << 64) - 1


def supports(nlp: Language) -> bool:
    """Whether ``nlp`` can be run selectively: a dependency parser and only known components."""
    names = set(nlp.pipe_names)
    return "parser" in names and names <= KNOWN_COMPONENTS


@dataclass
class SelectionStats:
    """Running totals of what the selective parser parsed (for benchmarks and tests)."""

    docs: int = 0
    tokens: int = 0
    parsed_tokens: int = 0
    sentences: int = 0
    parsed_sentences: int = 0

    @property
    def parsed_share(self) -> float:
        """Share of tokens that went through the statistical pipeline."""
        return self.parsed_tokens / self.tokens if self.tokens else 0.0


@dataclass
class _Features:
    """Per-sentence features of one doc."""

    bounds: list[tuple[int, int]]
    in_quote: list[bool] = field(default_factory=list)
    cue: list[bool] = field(default_factory=list)
    trigger: list[bool] = field(default_factory=list)
    known: list[bool] = field(default_factory=list)
    names: list[set[str]] = field(default_factory=list)
    person_pronoun: list[bool] = field(default_factory=list)
    pair_word: list[bool] = field(default_factory=list)
    full_names: list[set[str]] = field(default_factory=list)
    quote_frame: list[bool] = field(default_factory=list)
    capitalised: list[set[str]] = field(default_factory=list)


class Selector:
    """Chooses the candidate sentences of a tokenized doc; built once per pipeline and knowledge base."""

    def __init__(self, nlp: Language, kb: KnowledgeBase) -> None:
        from communique.events.lexicon import load_lexicon as load_events
        from communique.nlp.gazetteer import gazetteer
        from communique.quotes.lexicon import load_lexicon as load_cues

        # Trigger lemma → the words each of its entries needs around it: particles and compound
        # words must be there, and one of the light-verb objects ("hold +talk|meeting") if any.
        # Governing verbs without a code of their own ("plan to") are no events.
        self.needs: dict[str, list[tuple[frozenset[str], frozenset[str]]]] = {}
        lexicon = load_events()
        for table in (lexicon.verbs, lexicon.nouns):
            for head, entries in table.items():
                for entry in entries:
                    if entry.cameo is None:
                        continue
                    words = frozenset(entry.particles) | frozenset(entry.compounds)
                    self.needs.setdefault(head, []).append((words, entry.objects))
        self.triggers = frozenset(self.needs)
        # The cue classes the pipeline's quote extraction reads (quotes.extract's default).
        cue_lemmas = load_cues(frozenset({"speech"}))
        # Cue lemma → the particles it needs ("point out"; "go" is a cue only in "go on").
        self.cue_needs: dict[str, list[frozenset[str]]] = {"according": [frozenset()]}
        for key in cue_lemmas:
            head, *particles = key.split()
            self.cue_needs.setdefault(head, []).append(frozenset(particles))
        self.cues = frozenset(self.cue_needs)
        self.gaz: Gazetteer = gazetteer(kb)
        self._rules: list[tuple[str, str]] = []
        self._exceptions: dict[str, set[str]] = {}
        self._known_words: set[str] = set()
        self._load_lemma_tables(nlp)
        self._stop_words = frozenset(getattr(nlp.Defaults, "stop_words", ()))
        self._kinds: dict[str, int] = {}  # lower form → bit 1 trigger, bit 2 cue (cached)
        self._lemmas: dict[str, frozenset[str]] = {}

    def _load_lemma_tables(self, nlp: Language) -> None:
        """The rule lemmatiser's tables of ``nlp`` (exceptions, suffix rules, lemma index)."""
        rules: set[tuple[str, str]] = set(_SUFFIXES)
        if "lemmatizer" in nlp.pipe_names:
            lookups: Any = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
            tables = set(lookups.tables) if lookups is not None else set()
            if "lemma_rules" in tables:
                for pos_rules in lookups.get_table("lemma_rules").values():
                    rules.update((old, new) for old, new in pos_rules)
            if "lemma_exc" in tables:
                for pos_exc in lookups.get_table("lemma_exc").values():
                    for form, lemmas in pos_exc.items():
                        self._exceptions.setdefault(form, set()).update(lemmas)
            if "lemma_lookup" in tables:
                for form, lemma in lookups.get_table("lemma_lookup").items():
                    if isinstance(form, str):
                        self._exceptions.setdefault(form, set()).add(lemma)
            if "lemma_index" in tables:
                for words in lookups.get_table("lemma_index").values():
                    self._known_words.update(words)
        for form, lemmas in _CONTRACTIONS.items():
            self._exceptions.setdefault(form, set()).update(lemmas)
        self._rules = sorted(rules)

    def lemmas(self, lower: str) -> frozenset[str]:
        """Every lemma the lemmatiser could give the lower-case word ``lower`` (a superset)."""
        found = self._lemmas.get(lower)
        if found is not None:
            return found
        out = {lower}
        out.update(self._exceptions.get(lower, ()))
        for old, new in self._rules:
            if old and lower.endswith(old) and len(lower) > len(old):
                out.add(lower[: -len(old)] + new)
        # "stopped", "planning": a doubled final consonant.
        for suffix in ("ed", "ing"):
            if lower.endswith(suffix):
                stem = lower[: -len(suffix)]
                if len(stem) > 2 and stem[-1] == stem[-2]:
                    out.add(stem[:-1])
        found = frozenset(out)
        if len(self._lemmas) < 200_000:
            self._lemmas[lower] = found
        return found

    def kind(self, lower: str) -> int:
        """Bit 1: the word may be an event trigger; bit 2: a reporting cue."""
        found = self._kinds.get(lower)
        if found is None:
            lemmas = self.lemmas(lower)
            found = (1 if lemmas & self.triggers else 0) | (2 if lemmas & self.cues else 0)
            if len(self._kinds) < 200_000:
                self._kinds[lower] = found
        return found

    def _cue(self, forms: list[str], lowers: list[str]) -> bool:
        """Whether one of the cue words ``forms`` has the particles its lexicon entry needs."""
        words: set[str] | None = None
        for low in forms:
            for lemma in self.lemmas(low) & self.cues:
                for particles in self.cue_needs[lemma]:
                    if not particles:
                        return True
                    if words is None:
                        words = set(lowers)
                    if particles <= words:
                        return True
        return False

    def _trigger(self, heads: list[str], lowers: list[str]) -> bool:
        """Whether one of the trigger words ``heads`` has what its lexicon entry needs in the sentence."""
        words: set[str] | None = None
        lemmas: set[str] | None = None
        for low in heads:
            for lemma in self.lemmas(low) & self.triggers:
                for required, objects in self.needs[lemma]:
                    if not required and not objects:
                        return True
                    if words is None:
                        words = set(lowers) | set(_joined(lowers))
                    if not required <= words:
                        continue
                    if objects:
                        if lemmas is None:
                            lemmas = set().union(*(self.lemmas(w) for w in words))
                        if not objects & lemmas:
                            continue
                    return True
        return False

    def common_word(self, lower: str) -> bool:
        """A dictionary word (so a capital at a sentence start says nothing about a name)."""
        if lower in self._stop_words:
            return True
        if not self._known_words:
            return False
        return any(lemma in self._known_words for lemma in self.lemmas(lower))

    # -- sentences -------------------------------------------------------------------------------

    @staticmethod
    def sentences(doc: Doc) -> list[tuple[int, int]]:
        """Sentence token ranges by rule: a break after terminal punctuation (and closing marks
        glued to it) before a capital, digit or opening mark; and after every line break."""
        n = len(doc)
        bounds: list[tuple[int, int]] = []
        start = 0
        i = 0
        while i < n:
            tok = doc[i]
            cut: int | None = None
            if tok.is_space and "\n" in tok.text:
                cut = i + 1
            elif tok.text in _TERMINALS:
                j = i + 1
                while j < n and doc[j].text in _CLOSERS and not doc[j - 1].whitespace_:
                    j += 1
                while j < n and doc[j].is_space and "\n" not in doc[j].text:
                    j += 1
                if j < n and "\n" in doc[j].text:
                    cut = j + 1
                elif j < n:
                    first = doc[j].text[:1]
                    if first.isupper() or first.isdigit() or first in _QUOTE_CHARS or first in "([":
                        cut = j
                elif j >= n:
                    cut = n
                i = j - 1
            if cut is not None and cut > start:
                if any(not doc[k].is_space for k in range(start, cut)) or not bounds:
                    bounds.append((start, cut))
                else:  # whitespace only: glue to the previous sentence
                    bounds[-1] = (bounds[-1][0], cut)
                start = cut
                i = cut
                continue
            i += 1
        if start < n:
            if bounds and all(doc[k].is_space for k in range(start, n)):
                bounds[-1] = (bounds[-1][0], n)
            else:
                bounds.append((start, n))
        return bounds

    def features(self, doc: Doc) -> _Features:
        """What each rule sentence of ``doc`` holds."""
        from communique.nlp.gazetteer import case_ok
        from communique.quotes.marks import scan_quote_marks

        text = doc.text
        bounds = self.sentences(doc)
        f = _Features(bounds)
        texts = [t.text for t in doc]
        lowers = [t.lower_ for t in doc]
        names_trie, roles_trie = self.gaz.names, self.gaz.roles
        marked = scan_quote_marks(text) if any(ch in _QUOTE_CHARS or ch == "'" for ch in text) else []
        mi = 0
        for s, e in bounds:
            lo, hi = doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text)
            while mi < len(marked) and marked[mi].end <= lo:
                mi += 1
            f.in_quote.append(mi < len(marked) and marked[mi].start < hi)
            f.quote_frame.append(_speaker_frame(texts, s, e))
            known = person = pair = False
            heads: list[str] = []
            cue_words: list[str] = []
            full_names: set[str] = set()
            capitalised: set[str] = set()
            capitals = 0
            names: set[str] = set()
            first_word = True
            for k in range(s, e):
                low = lowers[k]
                tok_text = texts[k]
                if not tok_text[:1].isalpha():
                    capitals = 0
                    continue
                kind = self.kind(low)
                if kind & 1:
                    heads.append(low)
                if kind & 2 and (k == s or lowers[k - 1] not in _NOUN_DETERMINERS):
                    cue_words.append(low)  # "the report" is a noun, never a cue
                if tok_text[0].isupper():
                    capitalised.add(low)
                    capitals += 1
                    if capitals >= 2:
                        full_names.add(low)  # the last word of a name in full ("Sergei Lavrov")
                else:
                    capitals = 0
                if not known and (low in names_trie.root or low in roles_trie.root):
                    for end, entries in names_trie.matches_at(lowers, k):
                        if any(case_ok(texts[k:end], entry.pattern) for entry in entries):
                            known = True
                            break
                    if not known and roles_trie.matches_at(lowers, k):
                        known = True
                if low in _PERSON_PRONOUNS:
                    person = True
                elif low in _PAIR_WORDS:
                    pair = True
                if tok_text[0].isupper() and low not in _NOT_NAMES and (not first_word or not self.common_word(low)):
                    names.add(low)
                first_word = False
            # Words the tokenizer split at a hyphen ("sit-in", "cease-fire") are lexicon words joined.
            heads += [w for w in _joined(lowers[s:e]) if self.kind(w) & 1]
            f.cue.append(bool(cue_words) and self._cue(cue_words, lowers[s:e]))
            f.full_names.append(full_names)
            f.capitalised.append(capitalised)
            f.trigger.append(bool(heads) and self._trigger(heads, lowers[s:e]))
            f.known.append(known)
            f.names.append(names)
            f.person_pronoun.append(person)
            f.pair_word.append(pair)
        return f

    def select(self, doc: Doc) -> tuple[list[tuple[int, int]], list[bool]]:
        """The rule sentences of ``doc`` and, for each, whether it is to be parsed."""
        f = self.features(doc)
        n = len(f.bounds)
        keep = [False] * n
        for k in range(n):
            actorish = f.known[k] or bool(f.names[k]) or f.person_pronoun[k] or f.pair_word[k] or f.in_quote[k]
            # A quoted span alone needs no parse (marks are read from the text); its speaker
            # does, when a cue, a colon before it or a dash after it names one.
            keep[k] = f.cue[k] or f.quote_frame[k] or (f.trigger[k] and actorish)
        # A pronoun (or a speaker behind "he said") points back to the nearest named person:
        # keep the nearest earlier sentence with a name when it was skipped.
        starts = [doc[s].idx for s, _ in f.bounds]
        for k in range(n):
            if not keep[k] or not f.person_pronoun[k]:
                continue
            j = k - 1
            while j >= 0 and starts[k] - starts[j] <= _REACH:
                if f.names[j]:
                    keep[j] = True
                    break
                j -= 1
        # A surname stands for the person named in full elsewhere ("Lavrov" ... "Sergei Lavrov"):
        # keep the sentences that give a chosen sentence's names in full.
        chosen_names: set[str] = set()
        for k in range(n):
            if keep[k]:
                chosen_names |= f.capitalised[k]
        for k in range(n):
            if not keep[k] and f.full_names[k] & chosen_names:
                keep[k] = True
        return f.bounds, keep


class SelectiveParser:
    """Parses texts with ``nlp``, running the statistical components on candidate sentences only."""

    def __init__(self, nlp: Language, kb: KnowledgeBase) -> None:
        self.nlp = nlp
        self.selector = Selector(nlp, kb)
        self.stats = SelectionStats()
        # Tokens of skipped text parsed along with each run, as context (see ``_reduce``): the
        # encoders' reach. Without it a run's first and last sentences change more often (a
        # name at a run's start read as an organisation, a closing quote mark split off).
        self.context = _receptive_field(nlp)

    def pipe(self, pairs: Iterable[tuple[str, T]], batch_size: int = 64) -> Iterator[tuple[Doc, T]]:
        """Like ``nlp.pipe(pairs, as_tuples=True)``: one annotated full-text doc per text."""
        it = iter(pairs)
        while True:
            batch = list(islice(it, batch_size))
            if not batch:
                return
            yield from self._batch(batch, batch_size)

    def parse(self, text: str) -> Doc:
        """One text (see ``pipe``)."""
        return next(self.pipe([(text, None)]))[0]

    def _batch(self, batch: list[tuple[str, T]], batch_size: int) -> Iterator[tuple[Doc, T]]:
        nlp = self.nlp
        docs: list[Doc] = []
        plans: list[tuple[list[tuple[int, int]], list[tuple[int, int]]]] = []
        reduced: list[Doc] = []
        wheres: list[list[int]] = []
        for text, _ in batch:
            if len(text) > nlp.max_length:
                # Same guard (and message) as nlp.pipe: spaCy's own limit on a text's length.
                from spacy.errors import Errors

                raise ValueError(Errors.E088.format(length=len(text), max_length=nlp.max_length))
            doc = nlp.make_doc(text)
            bounds, keep = self.selector.select(doc) if len(doc) else ([], [])
            runs = _runs(bounds, keep)
            docs.append(doc)
            plans.append((bounds, runs))
            self.stats.docs += 1
            self.stats.tokens += len(doc)
            self.stats.sentences += len(bounds)
            self.stats.parsed_sentences += sum(keep)
            if runs:
                small, where = _reduce(doc, runs, self.context)
                reduced.append(small)
                wheres.append(where)
                self.stats.parsed_tokens += len(small)
        parsed = iter(nlp.pipe(reduced, batch_size=batch_size))
        maps = iter(wheres)
        for doc, (bounds, runs), (_, context) in zip(docs, plans, batch, strict=True):
            if runs:
                _annotate(doc, bounds, next(parsed), next(maps))
            else:
                _annotate(doc, bounds, None, [])
            yield doc, context


def _joined(lowers: list[str]) -> list[str]:
    """The hyphenated words of a token list, with and without the hyphen ("sit", "-", "in" → "sit-in", "sitin")."""
    out: list[str] = []
    for k in range(1, len(lowers) - 1):
        if lowers[k] == "-" and lowers[k - 1].isalpha() and lowers[k + 1].isalpha():
            out += [f"{lowers[k - 1]}-{lowers[k + 1]}", lowers[k - 1] + lowers[k + 1]]
    return out


def _speaker_frame(texts: list[str], s: int, e: int) -> bool:
    """A quote mark after a colon ('put it bluntly: "..."') or before a dash ('"..." - Ann Lee')."""
    for k in range(s, e):
        if texts[k] not in _QUOTE_CHARS and texts[k] != "'":
            continue
        j = k - 1
        while j >= s and not texts[j].strip():
            j -= 1
        if j >= s and texts[j] == ":":
            return True
        j = k + 1
        while j < e and not texts[j].strip():
            j += 1
        if j < e and texts[j] in _DASHES:
            return True
    return False


def _runs(bounds: list[tuple[int, int]], keep: list[bool]) -> list[tuple[int, int]]:
    """Token ranges of the runs of adjacent kept sentences."""
    runs: list[tuple[int, int]] = []
    for (s, e), kept in zip(bounds, keep, strict=True):
        if not kept:
            continue
        if runs and runs[-1][1] == s:
            runs[-1] = (runs[-1][0], e)
        else:
            runs.append((s, e))
    return runs


def _reduce(doc: Doc, runs: list[tuple[int, int]], context: int) -> tuple[Doc, list[int]]:
    """A doc of the runs' tokens (same words and spaces) and, for each of its tokens, the index of
    the full-doc token it stands for, or -1 for context.

    Each run comes with up to ``context`` tokens of the text on either side, as sentences of their
    own: the token-to-vector layers see that far (``_receptive_field``), so the run's tokens get
    the same vectors as in a full parse. A sentence break is forced at each run and context piece.
    """
    from spacy.tokens import Doc

    words: list[str] = []
    spaces: list[bool] = []
    starts: list[bool | int | None] = []
    where: list[int] = []
    n = len(doc)
    for s, e in runs:
        lo, hi = max(0, s - context), min(n, e + context)
        for k in range(lo, hi):
            tok = doc[k]
            words.append(tok.text)
            spaces.append(bool(tok.whitespace_))
            starts.append(True if k in (lo, s, e) else None)
            where.append(k if s <= k < e else -1)
    return Doc(doc.vocab, words=words, spaces=spaces, sent_starts=starts), where


def _annotate(doc: Doc, bounds: list[tuple[int, int]], parsed: Doc | None, where: list[int]) -> None:
    """Copy ``parsed`` (the runs' annotations) onto ``doc``; flat trees for the other sentences."""
    import numpy
    from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, TAG

    attrs = [TAG, POS, MORPH, LEMMA, DEP, HEAD]
    n = len(doc)
    if n == 0:
        return
    arr = numpy.zeros((n, len(attrs)), dtype="uint64")
    strings = doc.vocab.strings
    root, dep = strings.add("ROOT"), strings.add("dep")
    lemma_col, dep_col, head_col = 3, 4, 5
    for s, e in bounds:
        # A flat tree per skipped sentence: the first token heads the others.
        arr[s, dep_col] = root
        for k in range(s + 1, e):
            arr[k, dep_col] = dep
            arr[k, head_col] = (s - k) & _U64  # a negative relative offset, wrapped as spaCy stores it
        for k in range(s, e):
            arr[k, lemma_col] = doc[k].lower
    ents: list[Any] = []
    if parsed is not None:
        from spacy.tokens import Span

        index = numpy.asarray(where)
        kept = index >= 0
        # Heads are relative offsets, and no tree leaves its run: rows copy over unchanged.
        arr[index[kept]] = parsed.to_array(attrs)[kept]
        for ent in parsed.ents:
            # Only the part inside one run (never context, never across a skipped stretch).
            inside = [where[k] for k in range(ent.start, ent.end) if where[k] >= 0]
            if not inside:
                continue
            end = inside[0] + 1
            while end - inside[0] < len(inside) and inside[end - inside[0]] == end:
                end += 1
            ents.append(Span(doc, inside[0], end, label=ent.label_))
    doc.from_array(attrs, arr)  # type: ignore[arg-type]  # a uint64 array, as Doc.to_array gives
    doc.set_ents(ents, default="outside")


def _receptive_field(nlp: Language) -> int:
    """How many tokens either side a token's vector depends on (depth x window of the encoders)."""
    reach = 0
    stack: list[Any] = [nlp.config.get("components", {})]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            depth, window = node.get("depth"), node.get("window_size")
            if isinstance(depth, int) and isinstance(window, int):
                reach = max(reach, depth * window)
            stack.extend(node.values())
    return min(reach, 16) if reach else 4
