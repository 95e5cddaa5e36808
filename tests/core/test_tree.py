"""The one block-tree walker (reports.core.tree): order, places, and which nodes have children."""

from reports.core.tree import any_children, block_path, walk


def heading(title, *children):
    return {"type": "heading", "title": title, "children": list(children)}


def para(text, **extra):
    return {"type": "paragraph", "text": text, **extra}


BLOCKS = [
    heading("一", para("a"), heading("一.一", para("b")), para("c")),
    para("d"),
]


def test_it_visits_in_reading_order_with_depth_path_and_parents():
    seen = [
        (v.node.get("title") or v.node["text"], v.depth, v.index, v.path, [p["title"] for p in v.parents])
        for v in walk(BLOCKS)
    ]
    assert seen == [
        ("一", 1, 0, (0,), []),
        ("a", 2, 0, (0, 0), ["一"]),
        ("一.一", 2, 1, (0, 1), ["一"]),
        ("b", 3, 0, (0, 1, 0), ["一", "一.一"]),
        ("c", 2, 2, (0, 2), ["一"]),
        ("d", 1, 1, (1,), []),
    ]


def test_it_gives_the_nearest_parent():
    parents = {v.node.get("text"): v.parent for v in walk(BLOCKS)}
    assert parents["b"]["title"] == "一.一"
    assert parents["d"] is None


def test_it_descends_only_into_headings_unless_told_otherwise():
    blocks = [para("x", children=[para("hidden")])]
    assert [v.node["text"] for v in walk(blocks)] == ["x"]
    assert [v.node["text"] for v in walk(blocks, any_children)] == ["x", "hidden"]


def test_it_ignores_children_that_are_not_a_list():
    blocks = [{"type": "heading", "title": "t", "children": None}, "not a block"]
    assert [v.path for v in walk(blocks, any_children)] == [(0,), (1,)]


def test_it_walks_a_tree_deeper_than_the_recursion_limit():
    top = node = heading("0")
    for n in range(1, 3000):
        child = heading(str(n))
        node["children"] = [child]
        node = child
    assert sum(1 for _ in walk([top])) == 3000


def test_it_sees_children_added_while_visiting():
    blocks = [heading("h")]
    for visit in walk(blocks):
        if visit.depth == 1:
            visit.node["children"].append(para("new"))
    assert [v.depth for v in walk(blocks)] == [1, 2]


def test_it_names_a_block_as_snapshot_fields_do():
    assert block_path((0, 2)) == "blocks.0.children.2"
    assert block_path((3,)) == "blocks.3"
    assert block_path(()) == "blocks"
