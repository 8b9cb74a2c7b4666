"""The architecture, enforced: one package per stage, imports only down the stages and only through faces.

The code is parsed with `ast`, never imported, and every import counts:
module level, inside functions (the lazy ones) and under TYPE_CHECKING. A
*unit* is a package directly under pipelines/ or a module at its root; the
graph's edges are the pairs of units one imports from the other. Checked:

- every unit has its place in `LAYERS`, so a new package is placed on purpose;
- an edge only runs down: a unit imports only units on lower layers;
- no cycle, between units or between any two modules;
- another unit is imported only through its face (`pipelines.x`, whose
  `__init__.py` re-exports the public names), never `pipelines.x.internal`;
- at most 7 layers on the longest chain of imports;
- tests/ has a folder per stage package, and every `pipelines/...` path or
  `pipelines.x` module named in the docs and docstrings exists.

Run as a script to print the measure (docs/architecture.md quotes it):
    .venv/bin/python tests/test_architecture.py [path/to/pipelines]
"""

from __future__ import annotations

import ast
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "pipelines"

# The stages from the ground floor up; a unit may import only units on lower layers.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"config", "errors", "files", "model", "net", "outcome", "redaction"}),  # shared types, settings, the network path
    frozenset({"download", "mqa", "normalize", "validation"}),
    frozenset({"sources"}),
    frozenset({"catalog", "ckan"}),
    frozenset({"run"}),
    frozenset({"commands"}),
    frozenset({"cli"}),
)
MAX_LAYERS = 7
UNTESTED_PACKAGES = {"commands"}  # tested through each stage's command tests and tests/test_docs.py


@dataclass
class Graph:
    modules: dict[str, Path]  # dotted name -> file
    module_edges: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    unit_edges: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    through_internals: list[tuple[str, str]] = field(default_factory=list)  # (importer, internal module)

    @property
    def units(self) -> set[str]:
        return {u for u in (unit_of(m) for m in self.modules) if u}

    @property
    def edge_count(self) -> int:
        return sum(len(targets) for targets in self.unit_edges.values())


def unit_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def _module_names(package: Path) -> dict[str, Path]:
    names = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _imported(node: ast.AST, module: str, is_package: bool, known: dict[str, Path]) -> list[str]:
    """The modules of `pipelines` an import statement names (a `from x import y` of a submodule names y)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    # `from package import name` names the submodule only when the package's face does not define `name` itself
    defined = _defined_names(known[target]) if target in known else set()
    submodules = [f"{target}.{alias.name}" for alias in node.names
                  if f"{target}.{alias.name}" in known and (defined is not None and alias.name not in defined)]
    return submodules or [target]


def build_graph(package: Path = PACKAGE) -> Graph:
    graph = Graph(_module_names(package))
    top = package.name
    for module, path in graph.modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            for target in _imported(node, module, path.name == "__init__.py", graph.modules):
                if target.split(".")[0] != top:
                    continue
                if target in graph.modules and target != module:
                    graph.module_edges[module].add(target)
                source_unit, target_unit = unit_of(module), unit_of(target)
                if source_unit and target_unit and source_unit != target_unit:
                    graph.unit_edges[source_unit].add(target_unit)
                    if target != f"{top}.{target_unit}":
                        graph.through_internals.append((module, target))
    return graph


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
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

    for node in sorted(set(edges) | {t for ts in edges.values() for t in ts}):
        if node not in index:
            visit(node)
    return found


def depths(units: set[str], edges: dict[str, set[str]]) -> dict[str, int]:
    """Each unit's layer as measured: 1 + the longest chain of imports below it (cycles counted once)."""
    component = {u: u for u in units}
    for members in cycles(edges):
        for member in members:
            component[member] = members[0]
    below: dict[str, set[str]] = defaultdict(set)
    for source, targets in edges.items():
        for target in targets:
            if component[source] != component[target]:
                below[component[source]].add(component[target])
    memo: dict[str, int] = {}

    def depth(node: str) -> int:
        if node not in memo:
            memo[node] = 1 + max((depth(t) for t in below[node]), default=0)
        return memo[node]

    return {u: depth(component[u]) for u in units}


def longest_simple_chain(units: set[str], edges: dict[str, set[str]]) -> int:
    """The longest chain of imports visiting no unit twice (a cycle adds its members' length)."""
    best = 0

    def walk(node: str, seen: frozenset[str]) -> None:
        nonlocal best
        best = max(best, len(seen))
        for nxt in edges.get(node, ()):
            if nxt not in seen:
                walk(nxt, seen | {nxt})

    for unit in units:
        walk(unit, frozenset({unit}))
    return best


def layer_of(unit: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if unit in layer)


# ---- the checks -----------------------------------------------------------------


def test_every_unit_has_its_layer():
    graph = build_graph()
    placed = set().union(*LAYERS)
    assert graph.units == placed, f"not in LAYERS: {sorted(graph.units - placed)}; gone: {sorted(placed - graph.units)}"


def test_imports_run_only_down_the_stages():
    graph = build_graph()
    wrong = sorted((a, b) for a, targets in graph.unit_edges.items() for b in targets if layer_of(b) >= layer_of(a))
    assert not wrong, f"imports up or sideways (importer, imported): {wrong}"


def test_no_import_cycles_between_units_or_modules():
    graph = build_graph()
    assert cycles(graph.unit_edges) == []
    assert cycles(graph.module_edges) == []


def test_other_stages_import_only_a_package_face():
    assert build_graph().through_internals == []


def test_at_most_seven_layers():
    graph = build_graph()
    assert max(depths(graph.units, graph.unit_edges).values()) <= MAX_LAYERS
    assert len(LAYERS) <= MAX_LAYERS


def test_tests_mirror_the_stage_packages():
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    missing = sorted(name for name in packages - UNTESTED_PACKAGES if not (ROOT / "tests" / name).is_dir())
    assert not missing, f"no tests/<package>/ for {missing}"


_PATH = re.compile(r"(?<![\w./-])pipelines/[\w./-]*[\w/]")
_DOTTED = re.compile(r"(?<![\w./-])pipelines(?:\.[A-Za-z_]\w*)+")


def _defined_names(path: Path) -> set[str] | None:
    """The names a module defines at its top level; None when a module `__getattr__` serves any name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name == "__getattr__":
                return None
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


def _dangling(text: str, modules: dict[str, Path]) -> list[str]:
    missing = []
    for match in _PATH.finditer(text):
        ref = match.group().rstrip(".")
        if not (ROOT / ref).exists():
            missing.append(ref)
    for match in _DOTTED.finditer(text):
        parts = match.group().split(".")
        for cut in range(len(parts), 0, -1):
            module = ".".join(parts[:cut])
            if module in modules:
                rest = parts[cut:]
                defined = _defined_names(modules[module]) if rest else None
                if len(rest) > 1 or (defined is not None and rest[0] not in defined):
                    missing.append(match.group())
                break
    return missing


def test_paths_and_modules_named_in_docs_and_docstrings_exist():
    modules = _module_names(PACKAGE)
    texts = [ROOT / "README.md", ROOT / "catalog.yaml", ROOT / "prefect.yaml", *sorted((ROOT / "docs").glob("*.md")),
             *sorted(PACKAGE.rglob("*.py")), *sorted((ROOT / "benchmarks").glob("*.py"))]
    missing = {str(path.relative_to(ROOT)): found for path in texts
               if (found := _dangling(path.read_text(encoding="utf-8"), modules))}
    assert not missing, f"named but not there: {missing}"


# ---- the measure ------------------------------------------------------------------


def describe(package: Path = PACKAGE) -> str:
    graph = build_graph(package)
    units = graph.units
    layer = depths(units, graph.unit_edges)
    lines = [
        f"{len(graph.modules)} modules in {len(units)} units (packages and root modules), "
        f"{graph.edge_count} import edges between units, {max(layer.values())} layers "
        f"(longest chain visiting no unit twice: {longest_simple_chain(units, graph.unit_edges)})",
        f"unit cycles: {cycles(graph.unit_edges) or 'none'}; module cycles: {cycles(graph.module_edges) or 'none'}",
        f"imports of another unit's internals: {len(graph.through_internals)}",
    ]
    for n in range(max(layer.values()), 0, -1):
        lines.append(f"  layer {n}: {', '.join(sorted(u for u in units if layer[u] == n))}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(describe(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else PACKAGE))
