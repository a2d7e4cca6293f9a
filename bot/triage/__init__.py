"""Triage: telling real requests from group chatter, with category, urgency and place.

    engine = TriageEngine.from_config(config)     # once per process
    result = engine.triage("3号楼井盖坏了")         # per message
    result.ticket, result.findings[0].category    # True, "municipal"
"""

from bot.triage.advice import safety_advice
from bot.triage.engine import TriageEngine
from bot.triage.evaluate import EvalReport, classify_stream, evaluate_file
from bot.triage.locations import normalise_building
from bot.triage.model import CATEGORIES, Finding, Location, TriageResult, Verdict

__all__ = [
    "CATEGORIES",
    "EvalReport",
    "Finding",
    "Location",
    "TriageEngine",
    "TriageResult",
    "Verdict",
    "classify_stream",
    "evaluate_file",
    "normalise_building",
    "safety_advice",
]
