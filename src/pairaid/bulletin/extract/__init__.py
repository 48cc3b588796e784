"""Find every quantified claim about assistance work in a clean text (see `normalize`).

A claim is a figure (`14654.73万元`, `9500余万元`, `一百五十四个`, `近5000人`) with what it
counts (the metric), whose figure it is (the subject, as written, carried over from an
earlier clause when the sentence leaves it out) and over which period. The rules are
plain and local — keywords next to the figure, the grammar of a Chinese news sentence —
so that a reader can see why a claim was read as it was; where they do not settle the
question the claim is marked `uncertain` with the reason, never guessed silently.

Extraction needs no database. The checker passes the ledger's names (`gazetteer`) so that
names it knows are cut exactly.

- `claims`: what a claim is (metrics, qualifiers, `Claim`, `Mention`);
- `quantities`: the figures in a text and their units;
- `metrics`: what a figure counts, from keywords near it;
- `subjects`: whose figure it is (names of places and bodies);
- `periods`: over which period, and the date a text was published;
- `text`: paragraphs and sentences;
- `reading`: `extract`, paragraph by paragraph and sentence by sentence.
"""

# isort: off
from pairaid.bulletin.extract.claims import (
    METRICS,
    EXACT,
    MORE_THAN,
    NEARLY,
    ABOUT,
    QUALIFIERS,
    CJK,
    Mention,
    Claim,
)
from pairaid.bulletin.extract.quantities import (
    MONEY_UNITS,
    PERSON_UNITS,
    COUNT_UNITS,
    UNITS,
    PRE_QUALIFIERS,
    POST_QUALIFIERS,
    FIGURE,
    Quantity,
    quantities_in,
    read_quantity,
)
from pairaid.bulletin.extract.metrics import (
    OVERRIDES_FOR_PEOPLE,
    PEOPLE,
    MONEY,
    COUNTS,
    DEFAULT_COUNT,
    NEAR,
    nearest,
    choose,
    classify,
    has_keyword,
    classify_money,
    last_figure_end,
    tags_for,
)
from pairaid.bulletin.extract.subjects import (
    ADMIN_SUFFIXES,
    ORG_SUFFIXES,
    STOP_WORDS,
    SINGLE_STOPS,
    MULTI_STOPS,
    NOT_NAMES,
    NUMERALS,
    ORG_BLOCKERS,
    GENERIC_STEMS,
    PRONOUNS,
    SUBJECT_MAY_FOLLOW,
    OBJECT_MARKERS,
    COORDINATORS,
    Gazetteer,
    index_names,
    mentions_in,
    is_object,
    inside_word,
    name_at,
    starts_after_stop,
    extend_org,
    pronoun_referents,
)
from pairaid.bulletin.extract.text import CLAUSE_BREAKS, SENTENCE_BREAKS, paragraphs, sentences
from pairaid.bulletin.extract.periods import (
    YEAR,
    PERIOD,
    PUBLISHED,
    FULL_DATE,
    period_for,
    published_date,
)
from pairaid.bulletin.extract.reading import (
    Context,
    extract,
    clause_start_of,
    read_sentence,
    clause_end,
    subject_for,
    joint,
    distribute,
)
# isort: on

__all__ = [
    "ABOUT",
    "ADMIN_SUFFIXES",
    "CJK",
    "CLAUSE_BREAKS",
    "COORDINATORS",
    "COUNTS",
    "COUNT_UNITS",
    "DEFAULT_COUNT",
    "EXACT",
    "FIGURE",
    "FULL_DATE",
    "GENERIC_STEMS",
    "METRICS",
    "MONEY",
    "MONEY_UNITS",
    "MORE_THAN",
    "MULTI_STOPS",
    "NEAR",
    "NEARLY",
    "NOT_NAMES",
    "NUMERALS",
    "OBJECT_MARKERS",
    "ORG_BLOCKERS",
    "ORG_SUFFIXES",
    "OVERRIDES_FOR_PEOPLE",
    "PEOPLE",
    "PERIOD",
    "PERSON_UNITS",
    "POST_QUALIFIERS",
    "PRE_QUALIFIERS",
    "PRONOUNS",
    "PUBLISHED",
    "QUALIFIERS",
    "SENTENCE_BREAKS",
    "SINGLE_STOPS",
    "STOP_WORDS",
    "SUBJECT_MAY_FOLLOW",
    "UNITS",
    "YEAR",
    "Claim",
    "Context",
    "Gazetteer",
    "Mention",
    "Quantity",
    "choose",
    "classify",
    "classify_money",
    "clause_end",
    "clause_start_of",
    "distribute",
    "extend_org",
    "extract",
    "has_keyword",
    "index_names",
    "inside_word",
    "is_object",
    "joint",
    "last_figure_end",
    "mentions_in",
    "name_at",
    "nearest",
    "paragraphs",
    "period_for",
    "pronoun_referents",
    "published_date",
    "quantities_in",
    "read_quantity",
    "read_sentence",
    "sentences",
    "starts_after_stop",
    "subject_for",
    "tags_for",
]
