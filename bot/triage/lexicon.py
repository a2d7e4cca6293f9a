"""The domain vocabulary: which words name things, faults, needs and their negations.

The vocabulary lives in one file, ``data/domain_dict.txt``, in jieba's dictionary format
(``word freq class``): jieba reads the first two columns to segment, triage reads the
third to know what a token means. Keeping both in one file means a word added for
segmentation can never silently lack a meaning, or the other way round.

Class grammar (third column):

* ``obj.CAT`` — a thing that can be broken or needed (井盖 → municipal). Pairs with a
  predicate to make a finding of category CAT.
* ``site.CAT`` — a place that is more often where a problem is than what is broken
  (楼道, 楼下): it pairs only with faults that carry their own category (楼道 + 臭 is
  sanitation, 楼道 + 冒烟 is safety) and then that category wins.
* ``obj.med`` — a medicine: category care, pairs with needs and with plain faults (药没了).
* ``pred`` — a fault (坏了, 不亮) that only counts next to an object.
* ``pred=CAT`` — a fault that also stands alone as a problem of category CAT (漏水, 噪音).
* ``pred!CAT`` — a hazard that forces category CAT even next to an object (冒烟, 飞线充电).
* ``need`` / ``need=CAT`` — care needs (帮我买, 摔倒); pair with people and medicines.
* ``ask`` — a question (怎么申请); pairs with policy objects (低保) to make a consult.
* ``prob=CAT`` — a problem on its own that never pairs (停水).
* ``cry`` — a cry for help: urgent, merged into whatever else the message reports.
* ``neg``, ``fixed`` — negators and "it is fixed now" markers.
* ``word`` — an ordinary word listed only so jieba keeps it whole (火锅 keeps 火 from
  reading as fire, 药店 keeps 药 from reading as medicine).

Any class may end in ``.urgent``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.triage.model import CATEGORIES

PAIRING_KINDS = frozenset({"obj", "site", "med", "pred", "need", "ask", "prob", "cry"})
MARKER_KINDS = frozenset({"neg", "fixed", "word"})
DEFAULT_FREQ = 1000


@dataclass(frozen=True, slots=True)
class Term:
    """What one dictionary word means to triage."""

    word: str
    kind: str  # obj pred need ask prob cry neg fixed word
    category: str | None = None  # for obj: its category; for pred/need/prob: standalone one
    forced: bool = False  # pred!CAT: the category wins over the object's
    urgent: bool = False
    canonical: str | None = None  # set for configured synonyms (电驴 → 电动车)

    @property
    def standalone(self) -> bool:
        return self.kind in ("prob", "cry") or (
            self.kind in ("pred", "need") and self.category is not None
        )


# The shipped data files of triage (dictionary, model, pinyin table).
DATA_DIR = Path(__file__).resolve().parent / "data"


class LexiconError(ValueError):
    """A dictionary line triage cannot understand; names the file and line."""


def domain_dict_path() -> Path:
    """The packaged dictionary as a real file: jieba wants a path to build its cache key.
    Found beside this module, as installed (importlib.resources would load zipfile, bz2
    and lzma for it, a few milliseconds of every `gridbot classify`)."""
    return DATA_DIR / "domain_dict.txt"


def parse_class(word: str, cls: str, where: str = "") -> Term:
    urgent = cls.endswith(".urgent")
    if urgent:
        cls = cls[: -len(".urgent")]
    forced = False
    category: str | None = None
    if "!" in cls:
        kind, category = cls.split("!", 1)
        forced = True
    elif "=" in cls:
        kind, category = cls.split("=", 1)
    elif "." in cls:
        kind, category = cls.split(".", 1)
    else:
        kind = cls
    if kind == "obj" and category == "med":
        return Term(word, "med", "care", False, urgent)
    if kind == "cry":
        category = "safety"
    if kind not in PAIRING_KINDS | MARKER_KINDS:
        raise LexiconError(f"{where}: unknown class {cls!r} for {word!r}")
    if category is not None and category not in CATEGORIES:
        raise LexiconError(f"{where}: unknown category {category!r} for {word!r}")
    if kind in ("obj", "site") and category is None:
        raise LexiconError(f"{where}: object {word!r} needs a category (obj.CAT)")
    return Term(word, kind, category, forced, urgent)


def read_terms(path: Path) -> Iterator[Term]:
    where = str(path)
    with path.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, 1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 3:
                raise LexiconError(f"{where}:{lineno}: expected 'word freq class', got {line!r}")
            yield parse_class(parts[0], parts[2], f"{where}:{lineno}")


def build_terms(
    path: Path,
    extra_words: Iterable[str] = (),
    synonyms: Mapping[str, str] | None = None,
) -> dict[str, Term]:
    """Word → meaning for one engine, with the community's additions layered on top.

    A synonym takes the meaning of its canonical word (电驴 means what 电动车 means); an
    extra word with no synonym is only a segmentation hint.
    """
    terms = {term.word: term for term in read_terms(path)}
    for word in extra_words:
        word = word.strip()
        if word and word not in terms:
            terms[word] = Term(word, "word")
    for alias, canonical in (synonyms or {}).items():
        alias, canonical = alias.strip(), canonical.strip()
        target = terms.get(canonical)
        if not alias or target is None:
            # A synonym for a word triage does not know adds nothing but a segment.
            if alias and alias not in terms:
                terms[alias] = Term(alias, "word")
            continue
        terms[alias] = Term(
            alias, target.kind, target.category, target.forced, target.urgent, canonical
        )
    return terms
