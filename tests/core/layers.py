"""The import graph of the project, read from the source (ast), for the layer rules (issue 21).

Every ``import`` counts, also those inside functions (a lazy import still ties two modules together);
only those under ``if TYPE_CHECKING:`` do not (they never run). ``from pkg import submodule`` is an
import of the submodule, not of the package's own names.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Lowest first: a package may import its own layer and the ones before it, never one after it.
LAYERS = ("core", "employers", "matching", "placements", "portal", "config")


@dataclass
class Graph:
    modules: dict[str, Path]
    # module -> {imported name (dotted, as written, resolved)}
    imports: dict[str, set[str]] = field(default_factory=dict)

    def edges(self) -> dict[str, set[str]]:
        """module -> the project modules it imports."""
        out: dict[str, set[str]] = {}
        for module, names in self.imports.items():
            targets = {self.module_of(name) for name in names} - {None, module}
            out[module] = targets  # type: ignore[assignment]
        return out

    def module_of(self, name: str) -> str | None:
        parts = name.split(".")
        for i in range(len(parts), 0, -1):
            candidate = ".".join(parts[:i])
            if candidate in self.modules:
                return candidate
        return None


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    return "TYPE_CHECKING" in ast.unparse(node.test)


def build(root: Path, packages: tuple[str, ...] = LAYERS) -> Graph:
    modules = {
        _module_name(root, path): path
        for package in packages
        for path in sorted((root / package).rglob("*.py"))
        if "migrations" not in path.parts
    }
    graph = Graph(modules)
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        names: set[str] = set()

        def visit(node: ast.AST, module=module, is_package=is_package, names=names) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.If) and _is_type_checking(child):
                    for other in child.orelse:
                        visit(other)
                    continue
                if isinstance(child, ast.Import):
                    names.update(alias.name for alias in child.names)
                elif isinstance(child, ast.ImportFrom):
                    names.update(_from_names(module, is_package, child, modules))
                visit(child)

        visit(ast.parse(path.read_text(encoding="utf-8")))
        graph.imports[module] = names
    return graph


def _from_names(module: str, is_package: bool, node: ast.ImportFrom, modules) -> set[str]:
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module or ""
    subs = {f"{prefix}.{alias.name}" for alias in node.names}
    if all(sub in modules for sub in subs):
        return subs
    return subs | {prefix}


def layer_violations(graph: Graph, layers: tuple[str, ...] = LAYERS) -> list[str]:
    found = []
    for module, names in graph.imports.items():
        own = layers.index(module.split(".")[0])
        for name in names:
            top = name.split(".")[0]
            if top in layers and layers.index(top) > own:
                found.append(f"{module} imports {name} (a higher layer)")
    return sorted(found)


ENGINE_MAY_IMPORT = frozenset({"numpy", "scipy", "sklearn"})


def engine_violations(graph: Graph, engine: str = "matching.engine") -> list[str]:
    """The engine imports the standard library, numpy, scipy, scikit-learn and itself only."""
    found = []
    for module, names in graph.imports.items():
        if module != engine and not module.startswith(engine + "."):
            continue
        for name in names:
            top = name.split(".")[0]
            if name == engine or name.startswith(engine + "."):
                continue
            if top in ENGINE_MAY_IMPORT or top in sys.stdlib_module_names or top == "__future__":
                continue
            found.append(f"{module} imports {name}")
    return sorted(found)


def inner_violations(graph: Graph, package: str, allowed: tuple[str, ...]) -> list[str]:
    """``package`` imports from its own app only ``allowed`` (and itself)."""
    app = package.split(".")[0]
    found = []
    for module, names in graph.imports.items():
        if module != package and not module.startswith(package + "."):
            continue
        for name in names:
            if name.split(".")[0] != app or name == package or name.startswith(package + "."):
                continue
            if not any(name == ok or name.startswith(ok + ".") for ok in allowed):
                found.append(f"{module} imports {name}")
    return sorted(found)


def cycles(graph: Graph) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    edges = graph.edges()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
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
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)
