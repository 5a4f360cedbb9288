"""Route selection the way an API Gateway HTTP API does it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from plaudit_dev.template import DEFAULT_ROUTE, Route

_LITERAL, _VARIABLE, _GREEDY = 0, 1, 2


@dataclass(frozen=True)
class RouteMatch:
    route: Route
    path_parameters: dict[str, str]


class Router:
    """Picks the most specific route: literal segments beat `{var}`, which beats `{var+}`; an exact method
    beats ANY; the `$default` route catches whatever nothing else matches. No match (even a wrong method)
    is a 404 in an HTTP API, never a 405."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self._default: Route | None = None
        self._routes: list[tuple[Route, list[str]]] = []
        for route in routes:
            if route.path == DEFAULT_ROUTE:
                self._default = route
            else:
                self._routes.append((route, route.path.split("/")[1:]))

    def match(self, method: str, path: str) -> RouteMatch | None:
        segments = path.split("/")[1:]
        best: tuple[tuple[int, ...], RouteMatch] | None = None
        for route, pattern in self._routes:
            if route.method not in (method, "ANY"):
                continue
            matched = _match_segments(pattern, segments)
            if matched is None:
                continue
            ranks, params = matched
            key = (*ranks, route.method == "ANY")
            if best is None or key < best[0]:
                best = (key, RouteMatch(route, params))
        if best is not None:
            return best[1]
        return RouteMatch(self._default, {}) if self._default else None


def _match_segments(pattern: list[str], segments: list[str]) -> tuple[list[int], dict[str, str]] | None:
    ranks: list[int] = []
    params: dict[str, str] = {}
    for index, part in enumerate(pattern):
        if part.startswith("{") and part.endswith("+}"):
            rest = segments[index:]
            if index != len(pattern) - 1 or not rest or not rest[0]:
                return None
            params[part[1:-2]] = "/".join(rest)
            return [*ranks, _GREEDY], params
        if index >= len(segments):
            return None
        if part.startswith("{") and part.endswith("}"):
            if not segments[index]:
                return None
            params[part[1:-1]] = segments[index]
            ranks.append(_VARIABLE)
        elif part == segments[index]:
            ranks.append(_LITERAL)
        else:
            return None
    return (ranks, params) if len(pattern) == len(segments) else None
