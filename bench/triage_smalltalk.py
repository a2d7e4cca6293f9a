"""False alarms of triage on public small talk: chatterbot-corpus's Chinese files.

    .venv/bin/python bench/triage_smalltalk.py [--show 20] [--rules-only]

Every utterance of chatterbot-corpus 1.3.3 (`pip install chatterbot-corpus==1.3.3`, its
``data/chinese/*.yml``; none of it is a request to a community) goes through triage; a
ticket is a false alarm. Target (issue 14): at most 0.5%. Skips, saying so, when the
package is not installed. The files are read with a few lines of parsing, so PyYAML is not
needed.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_ITEM = re.compile(r"^\s*-\s+(?:-\s+)?(.*\S)\s*$")


def smalltalk_lines() -> list[str] | None:
    """The unique Chinese utterances of chatterbot-corpus, or None without the package."""
    spec = importlib.util.find_spec("chatterbot_corpus")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "data" / "chinese"
    seen: dict[str, None] = {}
    for path in sorted(folder.glob("*.yml")):
        in_conversations = False
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("conversations:"):
                in_conversations = True
                continue
            if not in_conversations:
                continue
            m = _ITEM.match(line)
            if m:
                text = m.group(1).strip().strip("'\"")
                if text:
                    seen.setdefault(text, None)
    return list(seen)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=20, help="false alarms to print")
    parser.add_argument("--rules-only", action="store_true", help="without the model")
    args = parser.parse_args()
    lines = smalltalk_lines()
    if lines is None:
        print("skipped: chatterbot-corpus is not installed"
              " (pip install chatterbot-corpus==1.3.3)")
        return 0
    from bot.triage import TriageEngine

    engine = TriageEngine(model=None) if args.rules_only else TriageEngine()
    alarms = [(t, r) for t in lines if (r := engine.triage(t)).ticket]
    print(f"chatterbot-corpus Chinese small talk: {len(lines)} utterances,"
          f" {len(alarms)} false alarms = {len(alarms) / len(lines):.1%} (target <= 0.5%)")
    for text, result in alarms[: args.show]:
        f = result.findings[0]
        print(f"  {f.category:<10} {f.rule:<16} {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
