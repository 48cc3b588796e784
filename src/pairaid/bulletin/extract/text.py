"""Cutting a text into paragraphs, sentences and clauses (offsets into the text)."""

from __future__ import annotations

CLAUSE_BREAKS = ",，;；:："
SENTENCE_BREAKS = "。！？!?"


def paragraphs(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    begin = start
    for index in range(start, end):
        if text[index] in SENTENCE_BREAKS:
            spans.append((begin, index + 1))
            begin = index + 1
    if begin < end:
        spans.append((begin, end))
    return spans
