"""No import cycle among aurora_desktop's modules.

The graph is built with `ast` from each module's source, without importing anything:
an edge A -> B for every module-level `import B`, `from B import x` (or `from pkg import B`
when B is a submodule), relative imports included.

What counts:
- Imports under `if TYPE_CHECKING:` COUNT. They are how two modules that know each other hide
  it from the interpreter; the dependency (and the need to read both to change one) is still
  there, mypy follows it, and the runtime <-> poller cycle this test was written for was half
  made of one. A module that needs only a shape of another should depend on a Protocol.
- Imports inside functions (or methods) do NOT count: they are deliberate lazy loads that keep
  start-up quick (e.g. the CLI loading Qt only for the window) and run after every module-level
  import has finished.
- A package's own `__init__` run when one of its submodules is imported is not an edge: only
  what a module names itself is.

Allowed cycles would be listed in ALLOWED with the reason; there are none.
"""

from __future__ import annotations

import ast
from pathlib import Path

import aurora_desktop

PACKAGE = "aurora_desktop"
ROOT = Path(aurora_desktop.__file__).parent

# frozenset of module names in the cycle -> why it is kept. Prefer breaking a cycle to listing it.
ALLOWED: dict[frozenset[str], str] = {}


def module_names() -> dict[str, Path]:
    names = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def _module_level(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Import statements outside any function: at the top, or nested in if/try/with blocks."""
    found: list[ast.Import | ast.ImportFrom] = []
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue  # lazy loads
        else:
            stack.extend(ast.iter_child_nodes(node))
    return found


def _base(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    anchor = package[: len(package) - (node.level - 1)]
    return ".".join(anchor + ([node.module] if node.module else []))


def imports_of(module: str, path: Path, known: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    targets: set[str] = set()
    for node in _module_level(tree):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        else:
            base = _base(module, path.name == "__init__.py", node)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                targets.add(sub if sub in known else base)
    return {t for t in targets if t in known and t != module}


def import_graph() -> dict[str, set[str]]:
    names = module_names()
    known = set(names)
    return {name: imports_of(name, path, known) for name, path in names.items()}


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm (iterative): every component of more than one module, or one importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [(root, sorted(graph[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, todo = work[-1]
            if todo:
                nxt = todo.pop()
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(graph[nxt])))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    found.append(sorted(component))
    return found


def a_cycle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """One shortest loop through a component, to print: start -> ... -> start (breadth first)."""
    members, start = set(component), component[0]
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in sorted(graph[node] & members):
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [*reversed(path), start]
                if nxt not in previous:
                    previous[nxt] = node
                    following.append(nxt)
        frontier = following
    return [start]


def test_the_graph_sees_the_package() -> None:
    graph = import_graph()
    assert len(graph) > 50
    # Sanity: `from module import name` and `from package import submodule` are both seen.
    assert "aurora_desktop.jobs.async_store" in graph["aurora_desktop.jobs.runtime"]
    assert "aurora_desktop.jobs.transitions" in graph["aurora_desktop.jobs.runtime"]


def test_the_checker_finds_a_cycle_and_prints_it() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert strongly_connected(graph) == [["a", "b", "c"], ["e"]]
    assert a_cycle(graph, ["a", "b", "c"]) == ["a", "b", "c", "a"]


def test_type_checking_imports_count_and_function_imports_do_not(tmp_path: Path) -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from aurora_desktop import b\n"
        "def late():\n    from aurora_desktop import c\n"
        "from . import d\n"
    )
    path = tmp_path / "a.py"
    path.write_text(source, encoding="utf-8")
    known = {"aurora_desktop.a", "aurora_desktop.b", "aurora_desktop.c", "aurora_desktop.d"}
    assert imports_of("aurora_desktop.a", path, known) == {"aurora_desktop.b", "aurora_desktop.d"}


def test_no_import_cycle() -> None:
    graph = import_graph()
    cycles = [c for c in strongly_connected(graph) if frozenset(c) not in ALLOWED]
    report = "\n".join(" -> ".join(a_cycle(graph, c)) + f"   (component: {', '.join(c)})" for c in cycles)
    assert not cycles, f"import cycles among aurora_desktop's modules:\n{report}"
