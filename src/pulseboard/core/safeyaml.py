"""Reading YAML that someone else wrote: libyaml's safe loader, minus the documents that stall or crash it.

Every YAML pulse reads (task frontmatter, pulse.yaml, theme files) goes through `load`. It refuses,
with `Refused` (a `yaml.YAMLError` whose text is one sentence to put after the file's name):
aliases that expand past a small limit (a "billion laughs" document: 200 bytes that become
gigabytes when anything walks the value), aliases that refer to themselves, lists or mappings nested
deeper than libyaml's composer can recurse (it crashes the process), and values Python can't hold
(an integer of 5,000 digits). The common document has no anchor (`&`) or no alias (`*`) and isn't
deep: it costs a scan or two of its text on top of the C loader.
"""

from __future__ import annotations

from typing import Any, ClassVar

import yaml

from pulseboard.core.text import clip

SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_ALIAS_NODES = 10_000  # nodes that aliases may add to a document, all repeats counted
MAX_DEPTH = 1_000  # lists and mappings inside each other (libyaml's composer recurses in C)
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"

BOMB = "has YAML aliases that expand too far (a 'billion laughs' document); pulse won't read it"
DEEP = f"nests YAML lists or mappings more than {MAX_DEPTH:,} deep; pulse won't read it"


class Refused(yaml.YAMLError):
    """A YAML document pulse won't read; str() is a reason that follows the file's name."""


class TextTimesLoader(SafeLoader):  # type: ignore[misc,valid-type]
    """The safe loader, leaving timestamps as text (task files: pulse normalises them, faster)."""

    yaml_implicit_resolvers: ClassVar = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP_TAG]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def load(text: str, loader: type = SafeLoader) -> Any:
    """The one document in text, like `yaml.load(text, Loader=loader)`; Refused for a document
    that would stall or crash pulse, yaml.YAMLError for one that isn't YAML."""
    if len(text) > MAX_DEPTH and _depth_bound(text) > MAX_DEPTH:
        _check_depth(text, loader)
    reader = loader(text)
    try:
        if "&" not in text or "*" not in text:  # no anchor or no alias: nothing repeats
            return reader.get_single_data()
        node = reader.get_single_node()
        if node is None:
            return None
        _check_aliases(node)
        return reader.construct_document(node)
    except (ValueError, OverflowError, RecursionError) as exc:
        reason = clip(" ".join(str(exc).split()) or type(exc).__name__, 80)
        raise Refused(f"has a YAML value pulse can't read ({reason})") from None
    finally:
        reader.dispose()


def _depth_bound(text: str) -> int:
    """At least the nesting depth of text: each level opens with `[`, `{` (a flow pair inside
    a flow list adds one more), `-`, `?` or a new line."""
    flow = text.count("[") + text.count("{")
    return 2 * flow + text.count("-") + text.count("?") + text.count("\n") + 1


def _check_depth(text: str, loader: type) -> None:
    """Refused if collections nest past MAX_DEPTH; libyaml's parser keeps its own stack, so
    walking its events is safe where composing is not."""
    depth = 0
    reader = loader(text)
    try:
        while reader.check_event():
            event = reader.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise Refused(DEEP)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    finally:
        reader.dispose()


def _check_aliases(root: yaml.Node) -> None:
    """Refused if aliases make the document more than MAX_ALIAS_NODES nodes bigger than it is
    written, or refer to themselves. Visits each distinct node once, without recursion."""
    expanded: dict[int, int] = {}  # id(node) -> its size with every alias written out
    entered: set[int] = set()
    distinct = 0
    stack: list[tuple[yaml.Node, list[yaml.Node] | None]] = [(root, None)]  # children once entered
    while stack:
        node, children = stack.pop()
        key = id(node)
        if children is not None:  # every child is sized by now
            size = 1 + sum(expanded[id(child)] for child in children)
            if size > distinct + MAX_ALIAS_NODES:  # this part alone already repeats too much
                raise Refused(BOMB)
            expanded[key] = size
        elif key in expanded:
            continue
        elif key in entered:
            raise Refused(BOMB)  # an alias inside its own anchor: endless when written out
        else:
            entered.add(key)
            distinct += 1
            if isinstance(node, yaml.ScalarNode):
                expanded[key] = 1
                continue
            children = _children(node)
            stack.append((node, children))
            stack.extend((child, None) for child in children if id(child) not in expanded)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return list(node.value)  # a sequence
