"""How the bot repeats what a resident said (phrases.summary_of)."""

from __future__ import annotations

import pytest

from bot.messaging.phrases import summary_of


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        ("另外4号楼楼道灯也不亮了", "4号楼楼道灯也不亮了"),
        ("还有，5号楼门口垃圾没人清", "5号楼门口垃圾没人清"),
        ("而且电梯也坏了。", "电梯也坏了"),
        ("还有人在楼道里抽烟", "还有人在楼道里抽烟"),  # 还有人: someone is, not "also"
        ("同时", "同时"),  # nothing else: kept as said
        ("还书的地方在哪", "还书的地方在哪"),  # 还 alone is not a joining word
        ("3号楼井盖坏了!", "3号楼井盖坏了"),
    ],
)
def test_a_split_off_clause_loses_the_word_that_joined_it(said: str, shown: str) -> None:
    assert summary_of(said) == shown
