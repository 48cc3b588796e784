"""Reading a Word report the way a reader does (this module holds no tests of its own): its
title, its headings in order, the paragraphs under a heading, and each table under the
caption before it."""

from __future__ import annotations

from typing import Any

from docx.table import Table as DocxTable


def title(document: Any) -> str:
    return next(p.text for p in document.paragraphs if p.style.name == "Title")


def headings(document: Any) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]


def paragraphs_under(document: Any, heading: str) -> list[str]:
    """The text paragraphs between a heading and the next one."""
    found, inside = [], False
    for paragraph in document.paragraphs:
        if paragraph.style.name.startswith("Heading"):
            inside = paragraph.text == heading
        elif inside and paragraph.text:
            found.append(paragraph.text)
    return found


def tables(document: Any) -> dict[str, list[list[str]]]:
    """Each table under the caption before it: header row first."""
    found: dict[str, list[list[str]]] = {}
    caption = ""
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(node.text or "" for node in child.iter() if node.tag.endswith("}t"))
            caption = text or caption
        elif tag == "tbl":
            rows = DocxTable(child, document).rows
            found[caption] = [[cell.text for cell in row.cells] for row in rows]
    return found
