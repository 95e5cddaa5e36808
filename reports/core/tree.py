"""The one walk over a block tree, for every module that visits blocks in reading order.

A block tree is a list of nodes, each of which may hold a list of children: a snapshot's blocks
(reports.core.document; only headings have children) or the importer's outline nodes
({"item": index, "children": [...]}, reports.core.importer.model.build_tree). `walk` visits them
pre-order (a heading, then its children, then its next sibling) with an explicit stack, so a deep
tree costs no recursion.

Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Children = Callable[[Any], Sequence[Any]]


@dataclass(frozen=True)
class Visit:
    """One node met by `walk`.

    depth: 1 for a top-level node (a heading's level); index: its place among its siblings;
    path: the indexes from the top, (0, 2) for blocks[0]["children"][2]; parents: the nodes
    enclosing it, outermost first.
    """

    node: Any
    depth: int
    index: int
    path: tuple[int, ...]
    parents: tuple[Any, ...]

    @property
    def parent(self) -> Any:
        return self.parents[-1] if self.parents else None


def heading_children(block: Any) -> Sequence[Any]:
    """A snapshot block's children: a heading's "children" list; other blocks have none."""
    if isinstance(block, Mapping) and block.get("type") == "heading":
        return _list(block.get("children"))
    return ()


def any_children(node: Any) -> Sequence[Any]:
    """Any node's "children" list: outline nodes, or a snapshot taken as it comes."""
    return _list(node.get("children")) if isinstance(node, Mapping) else ()


def _list(value: Any) -> Sequence[Any]:
    return value if isinstance(value, list | tuple) else ()


def walk(nodes: Iterable[Any], children: Children = heading_children) -> Iterator[Visit]:
    """Every node of the tree in reading order. `children(node)` gives a node's children (default:
    `heading_children`). A caller may change a node's fields while walking; its children are read
    after it has been visited."""
    stack: list[tuple[Iterator[tuple[int, Any]], tuple[int, ...], tuple[Any, ...]]] = [
        (enumerate(nodes), (), ())
    ]
    while stack:
        siblings, path, parents = stack[-1]
        for index, node in siblings:
            visit = Visit(node, len(path) + 1, index, (*path, index), parents)
            yield visit
            below = children(node)
            if below:
                stack.append((enumerate(below), visit.path, (*parents, node)))
            break
        else:
            stack.pop()


def block_path(path: Sequence[int], root: str = "blocks") -> str:
    """A block's place as snapshot fields name it: (0, 2) -> "blocks.0.children.2"."""
    return root + "".join((".children." if n else ".") + str(i) for n, i in enumerate(path))
