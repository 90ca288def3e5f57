"""Rough reading time of a chapter, counted from its pages at build time.

The home page writes `<!-- reading-time: convolution -->` where it wants the time for the
chapter `convolution`; the hook replaces it with e.g. "about 25 min". The count covers
everything a reader sees on the chapter's pages (prose, code and printed output; the YAML
front matter and HTML comments left out), at 200 words a minute, a slow but usual rate
for technical text. A chapter is `docs/<chapter>.md` or the pages under `docs/<chapter>/`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

WORDS_PER_MINUTE = 200
MARKER = re.compile(r"<!-- reading-time: (?P<chapter>[\w-]+) -->")
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def words(markdown: str) -> int:
    """The words a reader sees on a Markdown page."""
    text = _TAG.sub(" ", _COMMENT.sub(" ", _FRONT_MATTER.sub("", markdown)))
    return len(_WORD.findall(text))


def minutes(pages: Iterable[str]) -> int:
    """Reading time of some pages, in whole minutes (at least 1)."""
    return max(1, round(sum(words(page) for page in pages) / WORDS_PER_MINUTE))


def is_in_chapter(src_uri: str, chapter: str) -> bool:
    return src_uri == f"{chapter}.md" or (src_uri.startswith(f"{chapter}/") and src_uri.endswith(".md"))


def fill(markdown: str, chapter_pages: dict[str, list[str]]) -> str:
    """Every reading-time marker replaced by "about N min"; `chapter_pages` maps a chapter to its pages' text."""

    def replace(m: re.Match[str]) -> str:
        pages = chapter_pages.get(m["chapter"])
        if not pages:
            raise ValueError(f"reading-time: no pages for chapter {m['chapter']!r}")
        return f"about {minutes(pages)} min"

    return MARKER.sub(replace, markdown)
