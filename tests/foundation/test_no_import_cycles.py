"""No circle of imports between the modules of one app (issue 14).

import-linter's layers keep the apps apart, but inside an app two modules could still import each other
(lazily, inside a function, which hides the tie): services and tasks, a package and its engines. Each app's
module graph (grimp, the library import-linter is built on, lazy imports included) must have no strongly
connected part bigger than one module. import-linter's own `acyclic_siblings` contract is stricter than this
(it squashes packages: `sessions.room` counts as one module), so the check is this test's.
"""

import grimp
import pytest

APPS = ("core", "charity", "members", "groups", "safeguarding", "sessions", "care", "wellbeing", "peersupport")


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph(*APPS, cache_dir=None)  # a stale cache once hid a circle from this test


def cycles_within(graph, app: str) -> list[list[str]]:
    """The app's circles: each a set of its modules that all reach each other through its own modules
    (Tarjan's strongly connected components, iteratively)."""
    modules = sorted(m for m in graph.modules if m == app or m.startswith(app + "."))
    inside = set(modules)
    edges = {m: sorted(n for n in graph.find_modules_directly_imported_by(m) if n in inside) for m in modules}
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    for root in modules:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            if i < len(edges[node]):
                work.append((node, i + 1))
                nxt = edges[node][i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
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
    return found


@pytest.mark.parametrize("app", APPS)
def test_no_app_has_a_circle_of_imports_inside_it(graph, app):
    assert cycles_within(graph, app) == []


def test_the_check_finds_a_circle():
    """A check that cannot fail proves nothing: the circle this issue broke (the tasks module importing the
    welfare prompts' service, which queues tasks), put back into a fresh graph, is found."""
    graph = grimp.build_graph("sessions", cache_dir=None)
    assert cycles_within(graph, "sessions") == []
    graph.add_import(importer="sessions.tasks", imported="sessions.room.welfare")
    circles = cycles_within(graph, "sessions")
    assert any({"sessions.tasks", "sessions.room.welfare", "sessions.services"} <= set(c) for c in circles), circles
