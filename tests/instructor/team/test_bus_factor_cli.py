"""``ownit bus-factor`` from the command line: output formats, the HTML page, untrusted names,
and the errors a user meets (not a repository, empty or shallow history, bad dates)."""

from __future__ import annotations

import io
import json
import re

import pytest
from team_git import ANA, BEN, History, body, git

from ownit.cli import main as ownit
from ownit.instructor.team.bus_factor.git_history import _parse_log, _tokens


@pytest.fixture
def small(tmp_path):
    repo = History(tmp_path / "small")
    repo.commit(ANA, write={"billing/a.py": body("a"), "billing/b.py": body("b")})
    repo.commit(BEN, write={"api/c.py": body("c")})
    repo.edit(BEN, "billing/a.py", 1)
    return repo


def test_text_report_names_the_truck_factor_and_the_rules(small, capsys):
    assert ownit(["bus-factor", str(small.path)]) == 0
    out = capsys.readouterr().out
    # Ana authors billing/a.py (4.391 vs Ben's 3.457, 0.787 of it: Ben too) and billing/b.py,
    # Ben api/c.py and billing/a.py: 2 files each; Ana first by name, then 1 of 3 orphaned;
    # Ben next, 3 of 3: the truck factor is 2.
    assert out.startswith(f"Truck factor of {small.path}: 2\n")
    assert re.search(r"1\s+Ana Lima <ana@example.org>\s+2 files\s+1 \(33%\)", out)
    assert re.search(r"2\s+Ben Osei <ben@example.org>\s+2 files\s+3 \(100%\)\s+"
                     r"<- more than half \(3 of 3\)", out)
    assert "billing/b.py  (Ana Lima)" in out
    assert "  lock files (0 files):\n    package-lock.json npm-shrinkwrap.json" in out


def test_help_lists_both_team_commands(capsys):
    with pytest.raises(SystemExit) as exit_:
        ownit(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert re.search(r"^ {4}bus-factor\s", out, re.M)
    assert re.search(r"^ {4}postmortem-lint\s", out, re.M)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_long_history_shows_a_progress_bar_on_a_terminal_only(small, monkeypatch):
    from ownit.instructor.team.bus_factor import analysis

    monkeypatch.setattr(analysis, "PROGRESS_FROM_COMMITS", 3)  # the history has 3 commits
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert analysis.analyse(repo=small.path).truck_factor == 2
    shown = terminal.getvalue()
    assert shown.startswith("\rreading history:   0%") and "0/3" in shown
    assert shown.endswith("\r")  # cleared when done: the report starts on a clean line
    pipe = io.StringIO()  # not a terminal: a log or CI stays clean
    monkeypatch.setattr("sys.stderr", pipe)
    assert analysis.analyse(repo=small.path).truck_factor == 2
    assert pipe.getvalue() == ""


def test_json_has_every_file_and_person(small, capsys):
    assert ownit(["bus-factor", str(small.path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["truck_factor"] == 2
    assert [p["email"] for p in data["truck_factor_people"]] == ["ana@example.org",
                                                                 "ben@example.org"]
    assert [f["path"] for f in data["files"]] == ["api/c.py", "billing/a.py", "billing/b.py"]
    a = next(f for f in data["files"] if f["path"] == "billing/a.py")
    assert {p["id"]: (p["fa"], p["dl"], p["ac"]) for p in a["people"]} == {
        "ana@example.org": (1, 0, 1), "ben@example.org": (0, 1, 0)}
    assert data["folder_silos"] == []  # billing/ has two authors on a.py
    assert data["commits_read"] == 3


def test_html_page_is_self_contained_and_escapes_names(tmp_path, capsys):
    repo = History(tmp_path / "hostile")
    # git drops < and > from names, so the markup rides in paths; the name carries the rest
    evil = ('Zoe "&amp" O\'Neil $x^{2}$', "evil@example.org")
    repo.commit(evil, write={"<b>x</b>/a.py": body("a"), "src/b.py": body("b")})
    repo.commit(ANA, write={"src/c.py": body("c")})
    page = tmp_path / "out.html"
    assert ownit(["bus-factor", str(repo.path), "--html", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    assert "<b>x</b>" not in html and '"&amp"' not in html
    assert "&lt;b&gt;x&lt;/b&gt;/" in html
    assert "Zoe &#34;&amp;amp&#34; O&#39;Neil $x^{2}$" in html
    assert re.search(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]{500,}"', html)
    assert not re.search(r'(?:src|href)="(?!data:)', html)  # nothing fetched from outside
    assert "Silo map by folder" in html
    assert f"Wrote {page}." in capsys.readouterr().out


def test_control_characters_in_names_never_reach_the_terminal(tmp_path, capsys):
    repo = History(tmp_path / "ansi")
    repo.commit(("Mallory \x1b[2J\x1b[31m", "m@example.org"), write={"a.py": body("a")})
    assert ownit(["bus-factor", str(repo.path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "Mallory \\x1b[2J\\x1b[31m" in out


def run(args):
    err = io.StringIO()
    from ownit.instructor.team.bus_factor import main

    code = main(**args, err=err, out=io.StringIO())
    return code, err.getvalue()


def test_not_a_git_repository(tmp_path):
    code, err = run({"repo": tmp_path})
    assert code == 2
    assert "is not a git repository" in err and "git clone" in err


def test_a_folder_inside_a_repository_is_not_the_repository(small):
    code, err = run({"repo": small.path / "billing"})
    assert code == 2 and "is not a git repository" in err


def test_missing_folder_or_a_file(tmp_path):
    code, err = run({"repo": tmp_path / "nope"})
    assert code == 2 and "does not exist" in err
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    code, err = run({"repo": tmp_path / "file.txt"})
    assert code == 2 and "is not a folder" in err


def test_until_with_a_zone(small):
    # the first commit is at 10:00 UTC, so 11:30+02:00 (09:30 UTC) is before it
    code, err = run({"repo": small.path, "until": "2024-01-01T11:30+02:00"})
    assert code == 2 and "before the first commit" in err
    assert run({"repo": small.path, "until": "2024-01-01T12:30+02:00"})[0] == 0


def test_empty_history(tmp_path):
    git(tmp_path, "init", "--quiet", "empty")
    code, err = run({"repo": tmp_path / "empty"})
    assert code == 2 and "empty history" in err


def test_shallow_clone_is_refused_with_what_it_would_mean(small, tmp_path):
    git(tmp_path, "clone", "--quiet", "--depth", "1", f"file://{small.path}", "shallow")
    code, err = run({"repo": tmp_path / "shallow"})
    assert code == 2
    assert "shallow clone" in err and "git fetch --unshallow" in err
    assert "nobody created them" in err


@pytest.mark.parametrize("until, message", [
    ("2023-12-31", "is before the first commit"),
    ("last tuesday", "is not a date"),
])
def test_bad_until(small, until, message):
    code, err = run({"repo": small.path, "until": until})
    assert code == 2 and message in err


def test_bad_alias_file(small, tmp_path):
    aliases = tmp_path / "aliases.txt"
    aliases.write_text("ana = ana@example.org\n", encoding="utf-8")
    code, err = run({"repo": small.path, "alias_file": aliases})
    assert code == 2 and "line 1 is not in git's mailmap format" in err
    code, err = run({"repo": small.path, "alias_file": tmp_path / "missing.txt"})
    assert code == 2 and "no such file" in err


def test_html_into_a_missing_folder(small, tmp_path):
    code, err = run({"repo": small.path, "html": tmp_path / "no" / "such" / "page.html"})
    assert code == 2 and "cannot write" in err


def test_without_git_on_the_path(small, monkeypatch):
    monkeypatch.setenv("PATH", str(small.path))
    code, err = run({"repo": small.path})
    assert code == 2 and "git is not installed" in err


def test_nothing_left_after_the_rules(tmp_path):
    repo = History(tmp_path / "docs-only")
    repo.commit(ANA, write={"README.md": "hello\n"})
    code, err = run({"repo": repo.path})
    assert code == 2 and "--include" in err


class Trickle:
    """A stream that hands out one byte per read: every token boundary falls between reads."""

    def __init__(self, data: bytes):
        self.data = io.BytesIO(data)

    def read(self, size: int) -> bytes:
        return self.data.read(1)


def test_the_log_parser_streams_across_any_read_boundary():
    raw = (b"\x01" + b"a" * 40 + b"\x00Ana\x00ana@x\x00100\x00\nA\x00new file.py\x00M\x00b.py\x00"
           b"\x01" + b"b" * 40 + b"\x00Ben\x00ben@x\x00200\x00"  # a commit with no file (empty)
           b"\x01" + b"c" * 40
           + b"\x00Ben\x00ben@x\x00300\x00\nR087\x00b.py\x00c/d.py\x00D\x00x\x00")
    commits = list(_parse_log(_tokens(Trickle(raw))))
    assert [(c.author_name, c.timestamp, [(ch.status, ch.path, ch.old_path) for ch in c.changes])
            for c in commits] == [
        ("Ana", 100, [("A", "new file.py", None), ("M", "b.py", None)]),
        ("Ben", 200, []),
        ("Ben", 300, [("R", "c/d.py", "b.py"), ("D", "x", None)])]
