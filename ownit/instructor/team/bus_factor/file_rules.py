"""Which files count as knowledge. A team would not call vendored code, generated or minified
files, documentation, lock files or binary assets something a person must know, so they are
left out by default; the list is printed with every result and can be overridden.

Avelino et al. left out what GitHub Linguist does not count as code (vendored, generated and
documentation files, and data such as JSON or YAML); these patterns follow the same lines
without needing Linguist: its documentation folders are matched at the root only, as it does.

A pattern ending in ``/`` matches a folder of that name at any depth (at the root only when it
also starts with ``/``); a pattern with no ``/`` matches the file name; any other pattern
matches the whole path. Matching ignores case and uses shell wildcards (``*``, ``?``,
``[...]``). ``--include`` wins over every exclusion.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class FileRule:
    kind: str  # why files matching it are left out
    patterns: tuple[str, ...]


DEFAULT_RULES: tuple[FileRule, ...] = (
    FileRule("vendored or third-party", (
        "vendor/", "vendors/", "vendored/", "third_party/", "third-party/", "thirdparty/",
        "3rdparty/", "external/", "extern/", "node_modules/", "bower_components/", "Godeps/",
        "Pods/", "Carthage/", ".yarn/", "site-packages/", "jquery*.js", "bootstrap*.js",
        "bootstrap*.css")),
    FileRule("generated or minified", (
        "*.min.js", "*.min.css", "*-min.js", "*.bundle.js", "*.map", "*_pb2.py", "*_pb2_grpc.py",
        "*.pb.go", "*.pb.cc", "*.pb.h", "*.generated.*", "*.g.dart", "*.designer.cs",
        "dist/", "generated/", "__generated__/")),
    FileRule("documentation", (
        "/docs/", "/doc/", "documentation/", "/man/", "/examples/", "/demo/", "/demos/",
        "javadoc/", "*.md", "*.markdown", "*.rst", "*.adoc",
        "README*", "CHANGELOG*", "CHANGES*", "HISTORY*", "NEWS*", "LICENSE*",
        "LICENCE*", "COPYING*", "AUTHORS*", "CONTRIBUTORS*", "CONTRIBUTING*", "NOTICE*")),
    FileRule("lock files", (
        "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml",
        "poetry.lock", "Pipfile.lock", "uv.lock", "pdm.lock", "Cargo.lock", "Gemfile.lock",
        "composer.lock", "go.sum", "mix.lock", "pubspec.lock", "Podfile.lock", "*.lock")),
    FileRule("git metadata", (".mailmap", ".gitattributes", ".gitignore", ".gitmodules")),
    FileRule("binary or media", (
        "*.png", "*.jpg", "*.jpeg", "*.gif", "*.ico", "*.bmp", "*.webp", "*.pdf", "*.zip",
        "*.gz", "*.tgz", "*.jar", "*.woff", "*.woff2", "*.ttf", "*.eot", "*.otf", "*.mp3",
        "*.mp4", "*.so", "*.dll", "*.exe", "*.pyc")),
    FileRule("data and configuration", (
        "*.json", "*.yaml", "*.yml", "*.toml", "*.ini", "*.cfg", "*.conf", "*.csv", "*.tsv",
        "*.xml", "*.svg", "*.properties", "*.env")),
)


@functools.lru_cache(maxsize=64)
def _compile(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """One test for a list of patterns: a regular expression each for folder, name and path
    patterns (thousands of files times dozens of patterns is too slow one by one)."""
    folders = [p[:-1] for p in patterns if p.endswith("/") and not p.startswith("/")]
    roots = [p[1:-1] for p in patterns if p.endswith("/") and p.startswith("/")]
    names = [p for p in patterns if "/" not in p]
    paths = [p.lstrip("/") for p in patterns if "/" in p and not p.endswith("/")]

    def regex(group: list[str]) -> re.Pattern | None:
        if not group:
            return None
        return re.compile("|".join(fnmatch.translate(p.lower()) for p in group))

    folder_re, root_re = regex(folders), regex(roots)
    name_re, path_re = regex(names), regex(paths)

    def test(path: str) -> bool:
        path = path.lower()
        parts = path.split("/")
        if folder_re is not None and any(folder_re.match(part) for part in parts[:-1]):
            return True
        if root_re is not None and len(parts) > 1 and root_re.match(parts[0]):
            return True
        if name_re is not None and name_re.match(parts[-1]):
            return True
        return path_re is not None and path_re.match(path) is not None

    return test


@dataclass(frozen=True)
class FileSelection:
    rules: tuple[FileRule, ...]
    include: tuple[str, ...] = ()

    @classmethod
    def build(cls, *, include: Sequence[str] = (), exclude: Sequence[str] = ()) -> FileSelection:
        rules = DEFAULT_RULES
        if exclude:
            rules = (*rules, FileRule("--exclude", tuple(exclude)))
        return cls(rules, tuple(include))

    def reason_to_leave_out(self, path: str) -> str | None:
        """The kind of rule that leaves ``path`` out, or None when it counts."""
        if self.include and _compile(self.include)(path):
            return None
        for rule in self.rules:
            if _compile(rule.patterns)(path):
                return rule.kind
        return None

    def split(self, paths: Iterable[str]) -> tuple[list[str], dict[str, int]]:
        """The paths that count, and how many were left out by each kind of rule."""
        kept, left_out = [], {}
        for path in paths:
            reason = self.reason_to_leave_out(path)
            if reason is None:
                kept.append(path)
            else:
                left_out[reason] = left_out.get(reason, 0) + 1
        return kept, left_out
