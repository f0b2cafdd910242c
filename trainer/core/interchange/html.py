"""Bank text as HTML for Moodle, GIFT, QTI, Anki and printed forms, and HTML read back.

Bank text is plain: `text_html` escapes it, keeps line breaks as <br/> and runs of spaces
with no-break spaces; exhibits become a table or a <pre>; the explanation is followed by a
"See:" line with each reference in a <cite>. `read_html` inverts all of that exactly, and
reads HTML from other tools as a browser would show it (whitespace collapsed, paragraphs
and line breaks kept as newlines).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

from trainer.core.questions import Question, TableExhibit

EXHIBIT_CLASS = "exhibit"
REFERENCES_CLASS = "references"
_VOID = {"br", "hr", "img", "input", "meta", "link", "col", "wbr", "source", "area", "base"}
_BLOCKS = {
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr",
    "blockquote", "section", "figure", "figcaption", "caption", "pre", "dl", "dt", "dd",
}
_SPACES = re.compile(r"[ \t\r\n\f]+")
_RUN = re.compile(r" {2,}")
_BLOCK = "\x00"  # where a block element starts or ends: a paragraph break in the text
_BREAK = re.compile(r"[ \n]*\x00[\x00 \n]*")


def text_html(text: str) -> str:
    """Plain text as an HTML fragment with the same line breaks and spaces."""
    escaped = escape(text, quote=False)
    escaped = _RUN.sub(lambda m: " " + "&#160;" * (len(m.group(0)) - 1), escaped)
    return escaped.replace("\n", "<br/>")


def exhibit_html(question: Question, border: bool = True) -> str:
    """The exhibit as a table or a <pre>; QTI's XHTML has no border attribute, so it asks
    for none."""
    exhibit = question.exhibit
    if exhibit is None:
        return ""
    if isinstance(exhibit, TableExhibit):
        caption = f"<caption>{text_html(exhibit.title)}</caption>" if exhibit.title else ""
        head = "".join(f"<th>{text_html(column)}</th>" for column in exhibit.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{text_html(cell)}</td>" for cell in row) + "</tr>"
            for row in exhibit.rows
        )
        frame = ' border="1"' if border else ""
        return (
            f'<table class="{EXHIBIT_CLASS}"{frame}>{caption}<thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>"
        )
    title = f"<p><strong>{text_html(exhibit.title)}</strong></p>" if exhibit.title else ""
    # Newlines as character references: GIFT needs each question on lines without blanks.
    verbatim = escape(exhibit.text, quote=False).replace("\n", "&#10;")
    return f'<div class="{EXHIBIT_CLASS}">{title}<pre>{verbatim}</pre></div>'


def prompt_html(question: Question, border: bool = True) -> str:
    """The prompt, then the exhibit."""
    return f"<p>{text_html(question.prompt)}</p>{exhibit_html(question, border)}"


def feedback_html(question: Question) -> str:
    """The explanation, then "See:" and the references."""
    cites = "; ".join(f"<cite>{text_html(ref)}</cite>" for ref in question.references)
    return (
        f"<p>{text_html(question.explanation)}</p>"
        f'<p class="{REFERENCES_CLASS}">See: {cites}</p>'
    )


# --- reading ----------------------------------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def find(self, tag: str) -> list[Node]:
        """Every descendant element with this tag, in document order."""
        found: list[Node] = []
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag:
                    found.append(child)
                found.extend(child.find(tag))
        return found


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self._open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs})
        self._open[-1].children.append(node)
        if tag not in _VOID:
            self._open.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open[-1].children.append(Node(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._open) - 1, 0, -1):
            if self._open[depth].tag == tag:
                del self._open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self._open[-1].children.append(data)


def parse_html(fragment: str) -> Node:
    """A forgiving tree of an HTML fragment: unclosed tags close at their parent's end."""
    builder = _TreeBuilder()
    builder.feed(fragment)
    builder.close()
    return builder.root


def node_text(node: Node | str) -> str:
    """The text a browser shows: whitespace collapsed, line breaks and paragraphs as newlines,
    <pre> verbatim, no-break spaces as spaces."""
    parts: list[str] = []
    _collect(node, parts, verbatim=False)
    text = "".join(parts).replace("\xa0", " ")
    text = "\n".join(line.strip(" ") for line in text.split("\n"))
    return _BREAK.sub("\n\n", text).strip("\n \x00")


def _collect(node: Node | str, parts: list[str], verbatim: bool) -> None:
    if isinstance(node, str):
        parts.append(node if verbatim else _SPACES.sub(" ", node))
        return
    if node.tag in ("script", "style"):
        return
    if node.tag == "br":
        parts.append("\n")
        return
    block = node.tag in _BLOCKS
    if block:
        parts.append(_BLOCK)
    for child in node.children:
        _collect(child, parts, verbatim or node.tag == "pre")
    if node.tag in ("td", "th"):
        parts.append(" ")
    if block:
        parts.append(_BLOCK)


def _remove(root: Node, target: Node) -> None:
    for child in root.children:
        if child is target:
            root.children.remove(child)
            return
        if isinstance(child, Node):
            _remove(child, target)


def _first_with_class(root: Node, tags: tuple[str, ...], name: str) -> Node | None:
    for tag in tags:
        for node in root.find(tag):
            if name in node.classes:
                return node
    return None


def read_prompt(fragment: str) -> tuple[str, dict[str, object] | None]:
    """(prompt text, exhibit as bank data or None) from question HTML."""
    root = parse_html(fragment)
    exhibit = _first_with_class(root, ("table", "div"), EXHIBIT_CLASS)
    if exhibit is None:
        return node_text(root), None
    _remove(root, exhibit)
    return node_text(root), _exhibit_data(exhibit)


def _exhibit_data(node: Node) -> dict[str, object]:
    if node.tag == "table":
        captions = node.find("caption")
        rows = [
            [node_text(cell) for cell in row.children if isinstance(cell, Node)
             and cell.tag in ("td", "th")]
            for row in node.find("tr")
        ]
        data: dict[str, object] = {"kind": "table"}
        if captions:
            data["title"] = node_text(captions[0])
        data.update(columns=rows[0] if rows else [], rows=rows[1:])
        return data
    pres = node.find("pre")
    strongs = node.find("strong")
    text = "".join(_raw(child) for child in pres[0].children) if pres else node_text(node)
    data = {"kind": "text"}
    if strongs:
        data["title"] = node_text(strongs[0])
    data["text"] = text
    return data


def _raw(node: Node | str) -> str:
    if isinstance(node, str):
        return node
    return "".join(_raw(child) for child in node.children)


def read_feedback(fragment: str) -> tuple[str, list[str]]:
    """(explanation, references) from feedback HTML; references are [] when it has none."""
    root = parse_html(fragment)
    line = _first_with_class(root, ("p", "div"), REFERENCES_CLASS)
    if line is None:
        return node_text(root), []
    _remove(root, line)
    references = [node_text(cite) for cite in line.find("cite")]
    return node_text(root), [ref for ref in references if ref]


def plain_text(fragment: str) -> str:
    """Any HTML fragment (a choice, a feedback) as the text it shows."""
    return node_text(parse_html(fragment))

