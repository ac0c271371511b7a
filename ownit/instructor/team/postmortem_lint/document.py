"""A Markdown post-mortem as sections of blocks, each block with its line number: what the
checks need, parsed by markdown-it (CommonMark with tables)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

_PARSER = MarkdownIt("commonmark").enable("table")
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)(?P<title>[^*_\n]{1,80}?):?\s*\1\s*:?\s*$")
# "Impact: 1.2B queries lost" or "**Impact:** ...": a labelled paragraph, as in the SRE book's
# example post-mortem, where the short sections are one paragraph each.
_LABEL = re.compile(r"^\s*(?:\*\*|__)?(?P<label>[A-Za-z][\w &'/-]{1,40}?)\s*(?::\s*(?:\*\*|__)|"
                    r"(?:\*\*|__)\s*:|:)\s*\S")


@dataclass
class Block:
    """A paragraph, list item, table row or heading. ``text`` is its inline Markdown (lines
    joined with newlines), ``line`` the first line (1-based). List items also carry ``source``,
    their raw lines with nested items; table rows their ``cells`` and the table's ``header``."""

    kind: str
    text: str
    line: int
    source: str = ""
    cells: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    header_line: int = 0
    depth: int = 0


@dataclass
class Section:
    title: str  # plain text of the heading, "" for what comes before the first heading
    level: int
    line: int
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Document:
    lines: list[str]
    sections: list[Section]
    labels: list[tuple[str, int]] = field(default_factory=list)  # (label, line)

    def scope(self, section: Section) -> list[Block]:
        """The blocks of a section and of its subsections."""
        start = self.sections.index(section)
        blocks = list(section.blocks)
        for later in self.sections[start + 1:]:
            if later.level <= section.level:
                break
            blocks += later.blocks
        return blocks

    def blocks(self) -> list[Block]:
        return [block for section in self.sections for block in section.blocks]


def plain(text: str) -> str:
    """Inline Markdown as plain text, keeping every newline (so offsets map to lines): code
    spans become "code", links their text, emphasis markers and HTML go."""
    text = re.sub(r"<!--.*?-->", lambda m: "\n" * m.group().count("\n"), text, flags=re.S)
    text = re.sub(r"`+[^`]*`+", lambda m: "code" + "\n" * m.group().count("\n"), text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"!?\[([^\]]*)\]\[[^\]]*\]", r"\1", text)
    text = re.sub(r"<(https?://[^>]+)>", r"\1", text)
    text = re.sub(r"</?[A-Za-z][^>]*>", " ", text)
    text = re.sub(r"(\*\*|__|~~)", "", text)
    text = re.sub(r"(?<!\w)[*_]|[*_](?!\w)", "", text)
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!|>])", r"\1", text)


def column_index(header: tuple[str, ...], names: tuple[str, ...]) -> int | None:
    """The index of the first header cell whose text is one of ``names`` (lower case)."""
    for i, cell in enumerate(header):
        if plain(cell).strip().lower().rstrip(":") in names:
            return i
    return None


def parse(text: str) -> Document:
    lines = text.splitlines()
    tokens = _PARSER.parse(text)
    sections = [Section("", 0, 1)]
    items: list[tuple[int, int]] = []  # open list items: (first line, last line exclusive)
    header: tuple[str, ...] = ()
    header_line = 0
    row: list[str] = []
    row_line = 0
    in_head = False
    for i, token in enumerate(tokens):
        kind = token.type
        if kind == "heading_open":
            title = plain(tokens[i + 1].content).strip()
            sections.append(Section(title, int(token.tag[1]), token.map[0] + 1))
        elif kind == "list_item_open":
            items.append((token.map[0], token.map[1]))
        elif kind == "list_item_close":
            items.pop()
        elif kind == "thead_open":
            in_head, header = True, ()
        elif kind == "thead_close":
            in_head = False
        elif kind == "tr_open":
            row, row_line = [], token.map[0] + 1
            if in_head:
                header_line = row_line
        elif kind == "tr_close":
            if in_head:
                header = tuple(row)
            else:
                sections[-1].blocks.append(Block("row", " | ".join(row), row_line,
                                                 cells=tuple(row), header=header,
                                                 header_line=header_line))
        elif kind == "inline" and tokens[i - 1].type in ("th_open", "td_open"):
            row.append(token.content.strip())
        elif kind == "inline" and tokens[i - 1].type == "paragraph_open":
            line = token.map[0] + 1
            bold = _BOLD_LINE.match(token.content)
            if bold and not items:
                # A line that is all bold works as a heading in many exported documents.
                sections.append(Section(plain(bold.group("title")).strip(), 7, line))
            elif items and items[-1][0] == token.map[0]:
                first, end = items[-1]
                sections[-1].blocks.append(Block("item", token.content, line,
                                                 source="\n".join(lines[first:end]),
                                                 depth=len(items)))
            else:
                sections[-1].blocks.append(Block("paragraph", token.content, line,
                                                 depth=len(items)))
    labels = []
    for block in (b for section in sections for b in section.blocks):
        if block.kind == "paragraph" and (match := _LABEL.match(block.text)):
            labels.append((match.group("label").strip(), block.line))
    return Document(lines, sections, labels)
