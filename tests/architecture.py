"""The dependency order of Accord's apps, read from docs/architecture.md, and the imports of
``src/accord`` checked against it (``tests/test_architecture.py``).

Every ``import`` and ``from … import`` counts, at the top of a module or inside a function
(an import inside a function is still a dependency). The rules:

- a **domain** module imports from its own app or from apps before it in the domain order;
- an **interface** module (views, urls, forms, admin, template tags, management commands,
  and all of ``web`` and ``api``) may import any domain module, and interface modules of its
  own app or of apps before it in the interface order; no domain module imports one;
- the **top** (``accord/*.py`` and ``ops``) may import anything and is imported by nothing
  but itself;
- within an app, ``models``, ``rules``, ``roles`` and ``events`` import no ``selectors`` or
  ``services``, and ``selectors`` no ``services``;
- no circle between modules.
"""

import ast
import dataclasses
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "architecture.md"
SOURCE = REPO / "src"

INTERFACE_NAMES = re.compile(r"^(views|urls|forms|admin|\w+_views|\w+_urls|\w+_forms)$")
INTERFACE_APPS = {"web", "api"}
TOP_APPS = {"", "ops"}  # "" is accord/*.py itself
PURE = {"models", "rules", "roles", "events"}


@dataclasses.dataclass(frozen=True)
class Order:
    domain: tuple[str, ...]
    interface: tuple[str, ...]


def order_from(doc: Path = DOC) -> Order:
    """The two orders as docs/architecture.md writes them, in lines of the form
    ``domain: core → org → …`` and ``interface: web → org → …`` inside its ``order`` block."""
    text = doc.read_text(encoding="utf-8")
    block = re.search(r"```order\n(.*?)```", text, re.S)
    if block is None:
        raise ValueError(f"{doc} has no ```order block")
    lines = dict(line.split(":", 1) for line in block.group(1).strip().splitlines() if ":" in line)
    return Order(
        domain=tuple(name.strip() for name in lines["domain"].split("→")),
        interface=tuple(name.strip() for name in lines["interface"].split("→")),
    )


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def read_imports(root: Path) -> dict[str, dict[str, int]]:
    """For each module of the ``accord`` package under ``root``: the ``accord`` modules it
    imports, each with the line of its first import."""
    paths = [path for path in (root / "accord").rglob("*.py") if "migrations" not in path.parts]
    modules = {module_name(path, root): path for path in paths}
    _packages.clear()
    _packages.update(
        name
        for name, path in modules.items()
        if path.name == "__init__.py" and name.count(".") == 1
    )
    found: dict[str, dict[str, int]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        imported: dict[str, int] = {}
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                # ``from accord.notify import planner`` imports the module planner
                targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target.startswith("accord.") and target != name:
                    imported.setdefault(target, node.lineno)
                    break  # the most specific module this import names
        found[name] = imported
    return found


def app_of(module: str) -> str:
    """The app a module belongs to: ``accord.<app>.…``; "" for ``accord/*.py``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or module in _packages else ""


_packages: set[str] = set()  # accord.<app> of the tree being read


def tier_of(module: str) -> str:
    app = app_of(module)
    if app in TOP_APPS:
        return "top"
    parts = module.split(".")
    if (
        app in INTERFACE_APPS
        or "templatetags" in parts
        or "management" in parts
        or INTERFACE_NAMES.match(parts[-1])
    ):
        return "interface"
    return "domain"


def violations(root: Path = SOURCE, order: Order | None = None) -> list[str]:
    """Every import against the order, and every circle, as readable lines."""
    order = order or order_from()
    imports = read_imports(root)
    problems: list[str] = []
    apps = {app_of(module) for module in imports} - TOP_APPS
    unknown = apps - set(order.domain) - set(order.interface)
    problems += [f"app {app!r} is in neither order of docs/architecture.md" for app in unknown]
    for module, targets in sorted(imports.items()):
        for target, line in sorted(targets.items()):
            why = _why_not(module, target, order)
            if why:
                problems.append(f"{module}:{line} imports {target}: {why}")
    problems += [f"circle: {' → '.join(circle)}" for circle in circles(imports)]
    return problems


def _rank(app: str, within: tuple[str, ...]) -> int:
    return within.index(app) if app in within else -1


def _why_not(module: str, target: str, order: Order) -> str:
    app, other = app_of(module), app_of(target)
    tier, other_tier = tier_of(module), tier_of(target)
    if other_tier == "top" and tier != "top":
        return "nothing imports the top (accord/*.py, ops)"
    if tier == "top":
        return ""
    if app == other:
        base, other_base = module.rsplit(".", 1)[-1], target.rsplit(".", 1)[-1]
        if tier == "domain" and other_tier == "interface":
            return "a domain module imports no interface module"
        if base in PURE and other_base in ("selectors", "services"):
            return f"{base} import no selectors or services"
        if base == "selectors" and other_base == "services":
            return "selectors import no services"
        return ""
    if tier == "domain":
        if other_tier == "interface":
            return "a domain module imports no interface module"
        if _rank(other, order.domain) >= _rank(app, order.domain):
            return f"{other} comes after {app} in the domain order"
        return ""
    # an interface module
    if other_tier == "domain":
        return ""
    if _rank(other, order.interface) >= _rank(app, order.interface):
        return f"{other} comes after {app} in the interface order"
    return ""


def circles(imports: dict[str, dict[str, int]]) -> list[list[str]]:
    """The import circles (strongly connected sets of more than one module), each as a
    path that closes on its first module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(imports):
        if start in index:
            continue
        work = [(start, iter(sorted(imports.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(imports.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                if len(members) > 1:
                    found.append(_closed_path(sorted(members), imports))
    return found


def _closed_path(members: list[str], imports: dict[str, dict[str, int]]) -> list[str]:
    """A shortest path through the circle from its first module back to it."""
    inside, first = set(members), members[0]
    previous: dict[str, str | None] = {first: None}
    queue = [first]
    while queue:
        node = queue.pop(0)
        for child in sorted(imports.get(node, ())):
            if child == first:
                path = [node]
                while previous[path[-1]] is not None:
                    path.append(previous[path[-1]])
                return [*reversed(path), first]
            if child in inside and child not in previous:
                previous[child] = node
                queue.append(child)
    return [*members, first]
