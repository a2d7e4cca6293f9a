"""How a serving process sets up CPython, once it has started (``gridbot run``).

Two settings keep one chat's heavy message from holding up the others, measured with
``bench/long_message.py`` (a 100,000-character report and another group's report after it):

- The garbage collector. Once started, the bot holds a large heap that lives as long as
  the process: jieba's dictionary, the triage model and its word tables, the config,
  SQLAlchemy's compiled statements. A full collection walks every tracked object, so each
  one held the loop, and every chat, for about 100 ms, at a moment no one chooses.
  ``gc.freeze`` moves what start-up built out of the collector's sight, leaving a full
  collection only the objects made since. Frozen objects are still freed by reference
  counting; only cycles among them are kept, and start-up builds those once.
- The interval at which a thread holding the GIL hands it over. The worker thread that
  normalises, masks and triages a long message holds it for CPython's default 5 ms at a
  time, so the loop waited 10–15 ms for each turn; at 1 ms it waits 4–8 ms. The cost is
  more hand-overs, which only happen while a worker thread is busy.

Not done by the App itself: tests build hundreds of Apps in one process, and these are
settings of the whole process.
"""

from __future__ import annotations

import gc
import sys

SWITCH_INTERVAL = 0.001  # seconds


def tune_for_serving() -> int:
    """Collect start-up's garbage, freeze what is left and shorten the GIL's interval;
    how many objects were frozen."""
    gc.collect()
    gc.freeze()
    sys.setswitchinterval(SWITCH_INTERVAL)
    return gc.get_freeze_count()
