"""``ownit bus-factor`` on histories built with git in the test: the degree of authorship, the
authors and the truck factor checked against the formula of Avelino et al. (ICPC 2016) worked
out by hand, DOA = 3.293 + 1.098 FA + 0.164 DL - 0.321 ln(1 + AC), author when DOA / max > 0.75
and DOA >= 3.293; plus renames, merges, mailmap, aliases, deletions and --until."""

from __future__ import annotations

import math

import pytest
from team_git import ANA, BEN, CLEO, DEV, History, body, git

from ownit.instructor.team.bus_factor import analyse
from ownit.instructor.team.bus_factor.render import as_text


def people_of(report, path: str) -> dict[str, tuple[int, int, int, float]]:
    """{e-mail: (FA, DL, AC, DOA)} of everyone who touched ``path``."""
    item = next(f for f in report.files if f.path == path)
    return {row.developer: (row.fa, row.dl, row.ac, row.doa) for row in item.people}


def authors_of(report, path: str) -> set[str]:
    return set(next(f for f in report.files if f.path == path).authors)


@pytest.fixture
def tax_history(tmp_path):
    """The course's worked example as a real history: Ana creates tax.py and changes it twice,
    Ben changes it five times; Dev creates plans.py and changes it six times, Cleo once."""
    repo = History(tmp_path / "shop")
    repo.commit(ANA, write={"tax.py": body("tax")})
    repo.edit(ANA, "tax.py", 2)
    repo.edit(BEN, "tax.py", 5)
    repo.commit(DEV, write={"plans.py": body("plans")})
    repo.edit(DEV, "plans.py", 6)
    repo.edit(CLEO, "plans.py", 1)
    return repo


def test_creation_counts_as_first_authorship_not_as_a_change(tax_history):
    report = analyse(repo=tax_history.path, progress=False)
    tax = people_of(report, "tax.py")
    # Ana: FA 1, DL 2 (the creating commit is not a change), AC 5 (Ben's changes)
    ana = 3.293 + 1.098 * 1 + 0.164 * 2 - 0.321 * math.log(1 + 5)  # = 4.1438
    # Ben: FA 0, DL 5, AC 2 (Ana's two later changes)
    ben = 3.293 + 1.098 * 0 + 0.164 * 5 - 0.321 * math.log(1 + 2)  # = 3.7603
    assert tax["ana@example.org"][:3] == (1, 2, 5)
    assert tax["ben@example.org"][:3] == (0, 5, 2)
    assert tax["ana@example.org"][3] == pytest.approx(ana) == pytest.approx(4.1438, abs=1e-4)
    assert tax["ben@example.org"][3] == pytest.approx(ben) == pytest.approx(3.7603, abs=1e-4)
    # Ben's normalised DOA is 3.7603 / 4.1438 = 0.9075 > 0.75: both author tax.py
    assert authors_of(report, "tax.py") == {"ana@example.org", "ben@example.org"}


def test_one_change_against_six_by_others_is_not_authorship(tax_history):
    report = analyse(repo=tax_history.path, progress=False)
    plans = people_of(report, "plans.py")
    cleo = 3.293 + 0.164 * 1 - 0.321 * math.log(1 + 6)  # = 2.8324, below the 3.293 baseline
    dev = 3.293 + 1.098 + 0.164 * 6 - 0.321 * math.log(1 + 1)  # = 5.1525
    assert plans["cleo@example.org"] == (0, 1, 6, pytest.approx(cleo))
    assert plans["dev@example.org"] == (1, 6, 1, pytest.approx(dev))
    assert authors_of(report, "plans.py") == {"dev@example.org"}
    # Greedy: everyone authors one file, ties go by name (Ana, Ben, Dev). Ana gone: Ben still
    # holds tax.py (0 of 2 orphaned); Ben gone: 1 of 2, exactly half, not more; Dev gone: 2 of 2.
    assert report.truck_factor == 3
    assert [d.developer for d in report.walk.departures] == [
        "ana@example.org", "ben@example.org", "dev@example.org"]
    assert [d.orphaned for d in report.walk.departures] == [0, 1, 2]


def test_more_than_half_means_exactly_half_is_not_enough(tmp_path):
    repo = History(tmp_path / "six")
    for who, names in ((ANA, "a1 a2 a3"), (BEN, "b1 b2"), (CLEO, "c1")):
        for name in names.split():
            repo.commit(who, write={f"src/{name}.py": body(name)})
    report = analyse(repo=repo.path, progress=False)
    # Ana authors 3 files, Ben 2, Cleo 1. Ana gone: 3 of 6 orphaned (50%, not more than half);
    # Ben gone too: 5 of 6. The truck factor is 2.
    assert report.truck_factor == 2
    assert [(d.developer, d.files_authored, d.orphaned) for d in report.walk.truck_factor_people] \
        == [("ana@example.org", 3, 3), ("ben@example.org", 2, 5)]
    assert report.silos == {"ana@example.org": ["src/a1.py", "src/a2.py", "src/a3.py"],
                            "ben@example.org": ["src/b1.py", "src/b2.py"],
                            "cleo@example.org": ["src/c1.py"]}
    assert sorted(report.at_risk) == ["src/a1.py", "src/a2.py", "src/a3.py", "src/b1.py",
                                      "src/b2.py"]


def test_a_renamed_file_keeps_its_history_and_a_rename_is_a_change(tmp_path):
    repo = History(tmp_path / "renames")
    repo.commit(ANA, write={"api/old.py": body("api")})
    repo.edit(BEN, "api/old.py", 3)
    repo.commit(CLEO, rename={"api/old.py": "api/new.py"})  # a pure rename
    # a rename with an edit in the same commit (git still sees a rename, similarity < 100%)
    git(repo.path, "mv", "api/new.py", "api/routes.py")
    repo.commit(DEV, write={"api/routes.py": (repo.path / "api/routes.py").read_text() + "x\n"})
    report = analyse(repo=repo.path, progress=False)
    assert [f.path for f in report.files] == ["api/routes.py"]
    routes = people_of(report, "api/routes.py")
    # five changes after creation: Ben 3, Cleo's rename, Dev's rename with an edit
    assert {k: v[:3] for k, v in routes.items()} == {
        "ana@example.org": (1, 0, 5), "ben@example.org": (0, 3, 2),
        "cleo@example.org": (0, 1, 4), "dev@example.org": (0, 1, 4)}
    ana = 3.293 + 1.098 - 0.321 * math.log(1 + 5)  # 3.8158
    ben = 3.293 + 0.164 * 3 - 0.321 * math.log(1 + 2)  # 3.4323: 0.8995 of Ana's
    cleo = 3.293 + 0.164 * 1 - 0.321 * math.log(1 + 4)  # 2.9404: below the baseline
    assert routes["ana@example.org"][3] == pytest.approx(ana)
    assert routes["ben@example.org"][3] == pytest.approx(ben)
    assert routes["cleo@example.org"][3] == pytest.approx(cleo)
    assert authors_of(report, "api/routes.py") == {"ana@example.org", "ben@example.org"}


def test_merge_commits_are_skipped(tmp_path):
    repo = History(tmp_path / "merges")
    repo.commit(ANA, write={"core.py": body("core")})
    git(repo.path, "switch", "--quiet", "-c", "feature")
    repo.edit(BEN, "core.py", 2)
    git(repo.path, "switch", "--quiet", "main")
    repo.commit(ANA, write={"other.py": body("other")})
    when = repo.next_time()
    git(repo.path, "merge", "--quiet", "--no-ff", "-m", "merge feature", "feature",
        env=repo.env(CLEO, when))
    report = analyse(repo=repo.path, progress=False)
    assert report.commits_read == 4  # Ana 2, Ben 2; Cleo's merge commit is not read
    assert "cleo@example.org" not in report.developers
    core = people_of(report, "core.py")
    assert {k: v[:3] for k, v in core.items()} == {"ana@example.org": (1, 0, 2),
                                                   "ben@example.org": (0, 2, 0)}
    # Ana 3.293 + 1.098 - 0.321 ln 3 = 4.0383; Ben 3.293 + 0.164 * 2 = 3.621 (0.8967 of it)
    assert core["ana@example.org"][3] == pytest.approx(3.293 + 1.098 - 0.321 * math.log(3))
    assert core["ben@example.org"][3] == pytest.approx(3.293 + 0.164 * 2)
    assert authors_of(report, "core.py") == {"ana@example.org", "ben@example.org"}


HOME = ("Ana Lima", "ana.lima@home.example")


def two_address_history(path, *, mailmap: bool) -> History:
    """Ana creates a.py from work, changes it twice from home; Ben changes it once."""
    repo = History(path)
    files = {"a.py": body("a")}
    if mailmap:
        files[".mailmap"] = "Ana Lima <ana@example.org> <ana.lima@home.example>\n"
    repo.commit(ANA, write=files)
    repo.edit(HOME, "a.py", 2)
    repo.edit(BEN, "a.py", 1)
    return repo


def test_mailmap_merges_two_addresses_of_one_person(tmp_path):
    repo = two_address_history(tmp_path / "mailmap", mailmap=True)
    report = analyse(repo=repo.path, progress=False)
    assert sorted(report.developers) == ["ana@example.org", "ben@example.org"]
    assert people_of(report, "a.py")["ana@example.org"][:3] == (1, 2, 1)
    assert [f.path for f in report.files] == ["a.py"]  # .mailmap itself is not knowledge
    assert report.alias_suggestions == []


def test_without_a_mailmap_the_same_name_is_suggested_not_merged(tmp_path):
    repo = two_address_history(tmp_path / "two", mailmap=False)
    report = analyse(repo=repo.path, progress=False)
    assert sorted(report.developers) == ["ana.lima@home.example", "ana@example.org",
                                         "ben@example.org"]
    assert [(s.first, s.second, s.reason) for s in report.alias_suggestions] == [
        ("ana.lima@home.example", "ana@example.org", "same name")]


def test_an_alias_file_merges_like_a_mailmap(tmp_path):
    repo = two_address_history(tmp_path / "aliases", mailmap=False)
    aliases = tmp_path / "aliases.txt"
    aliases.write_text("# people who commit from two places\n"
                       "Ana Lima <ana@example.org> <ana.lima@home.example>\n", encoding="utf-8")
    report = analyse(repo=repo.path, alias_file=aliases, progress=False)
    assert sorted(report.developers) == ["ana@example.org", "ben@example.org"]
    assert people_of(report, "a.py")["ana@example.org"][:3] == (1, 2, 1)


def test_similar_names_are_suggested(tmp_path):
    repo = History(tmp_path / "similar")
    repo.commit(("Jonathan Smith", "jsmith@example.org"), write={"a.py": body("a")})
    repo.commit(("Jonathon Smith", "jonathon@other.example"), write={"b.py": body("b")})
    repo.commit(BEN, write={"c.py": body("c")})
    report = analyse(repo=repo.path, progress=False)
    assert [(s.first, s.second) for s in report.alias_suggestions] == [
        ("jonathon@other.example", "jsmith@example.org")]
    assert report.alias_suggestions[0].reason.startswith("names ")


def test_a_deleted_file_is_dropped_and_a_new_file_at_its_path_starts_afresh(tmp_path):
    repo = History(tmp_path / "deletions")
    repo.commit(ANA, write={"gone.py": body("gone"), "keep.py": body("keep"),
                            "tmp.py": body("tmp")})
    repo.edit(BEN, "gone.py", 3)
    repo.commit(ANA, delete=("gone.py", "tmp.py"))
    repo.commit(CLEO, write={"gone.py": "a brand-new module\n"})
    report = analyse(repo=repo.path, progress=False)
    assert [f.path for f in report.files] == ["gone.py", "keep.py"]
    assert people_of(report, "gone.py") == {"cleo@example.org": (1, 0, 0, pytest.approx(4.391))}
    assert authors_of(report, "keep.py") == {"ana@example.org"}


def test_until_reads_the_repository_as_it_was(tmp_path):
    repo = History(tmp_path / "until")
    repo.commit(ANA, write={"a.py": body("a")})
    second = repo.commit(BEN, write={"b.py": body("b")})
    snapshot = git(repo.path, "rev-parse", "HEAD").strip()
    repo.edit(BEN, "a.py", 5)
    repo.commit(CLEO, write={"c.py": body("c")})
    then = analyse(repo=repo.path, until=second.isoformat(), progress=False)
    assert then.commit == snapshot
    assert [f.path for f in then.files] == ["a.py", "b.py"]
    assert people_of(then, "a.py") == {"ana@example.org": (1, 0, 0, pytest.approx(4.391))}
    now = analyse(repo=repo.path, progress=False)
    assert [f.path for f in now.files] == ["a.py", "b.py", "c.py"]
    assert people_of(now, "a.py")["ben@example.org"][:3] == (0, 5, 0)
    # a date alone means the end of that day: every commit of 1 January 2024 is in
    assert analyse(repo=repo.path, until="2024-01-01", progress=False).commit == now.commit


def test_until_follows_the_main_line_not_a_branch_merged_later(tmp_path):
    repo = History(tmp_path / "branches")
    repo.commit(ANA, write={"main.py": body("main")})
    git(repo.path, "switch", "--quiet", "-c", "feature")
    feature_time = repo.commit(BEN, write={"feature.py": body("feature")})
    git(repo.path, "switch", "--quiet", "main")
    repo.commit(ANA, write={"other.py": body("other")})
    git(repo.path, "merge", "--quiet", "--no-ff", "-m", "merge", "feature",
        env=repo.env(ANA, repo.next_time()))
    # at the feature commit's time, main held main.py only: the branch was merged later
    then = analyse(repo=repo.path, until=feature_time.isoformat(), progress=False)
    assert [f.path for f in then.files] == ["main.py"]
    assert set(then.developers) == {"ana@example.org"}
    now = analyse(repo=repo.path, progress=False)
    assert [f.path for f in now.files] == ["feature.py", "main.py", "other.py"]


def test_a_bare_repository_gives_the_same_result(tmp_path):
    repo = two_address_history(tmp_path / "work", mailmap=True)
    git(tmp_path, "clone", "--quiet", "--bare", str(repo.path), "bare.git")
    work = analyse(repo=repo.path, progress=False)
    bare = analyse(repo=tmp_path / "bare.git", progress=False)
    assert bare.bare and not work.bare
    assert bare.files == work.files  # mailmap applied from HEAD:.mailmap in the bare repository
    assert bare.truck_factor == work.truck_factor


def test_rules_leave_out_what_is_not_knowledge_and_can_be_overridden(tmp_path):
    repo = History(tmp_path / "rules")
    repo.commit(ANA, write={"src/app.py": body("app"), "vendor/lib/x.py": body("x"),
                            "docs/guide.md": "guide\n", "package-lock.json": "{}\n",
                            "static/app.min.js": "var a;\n", "tests/test_app.py": body("t"),
                            "deploy/values.yaml": "replicas: 2\n", "src/docs/api.py": body("d")})
    report = analyse(repo=repo.path, progress=False)
    # docs/ is documentation at the root only, as in GitHub Linguist: src/docs/api.py counts
    assert [f.path for f in report.files] == ["src/app.py", "src/docs/api.py",
                                              "tests/test_app.py"]
    assert report.left_out == {"vendored or third-party": 1, "documentation": 1,
                               "lock files": 1, "generated or minified": 1,
                               "data and configuration": 1}
    tuned = analyse(repo=repo.path, include=["docs/*.md"], exclude=["tests/"], progress=False)
    assert [f.path for f in tuned.files] == ["docs/guide.md", "src/app.py", "src/docs/api.py"]
    assert tuned.left_out["--exclude"] == 1


def test_the_same_file_added_on_two_branches_has_two_creators(tmp_path):
    # As in the authors' tool: a second developer adding the path on a parallel branch is a
    # first author too; the add is not a change.
    repo = History(tmp_path / "parallel")
    repo.commit(ANA, write={"base.py": body("base")})
    git(repo.path, "switch", "--quiet", "-c", "side")
    repo.commit(BEN, write={"shared.py": body("shared")})
    git(repo.path, "switch", "--quiet", "main")
    repo.commit(CLEO, write={"shared.py": body("shared")})
    git(repo.path, "merge", "--quiet", "--no-ff", "-m", "merge side", "side",
        env=repo.env(ANA, repo.next_time()))
    report = analyse(repo=repo.path, progress=False)
    both = 3.293 + 1.098  # FA 1, no change by anyone
    assert people_of(report, "shared.py") == {"ben@example.org": (1, 0, 0, pytest.approx(both)),
                                              "cleo@example.org": (1, 0, 0, pytest.approx(both))}


def test_a_file_born_in_a_merge_commit_has_no_creator(tmp_path):
    repo = History(tmp_path / "evil-merge")
    repo.commit(ANA, write={"README.md": "notes\n"})  # documentation: not counted
    git(repo.path, "switch", "--quiet", "-c", "side")
    repo.commit(BEN, write={"NOTES.md": "more notes\n"})
    git(repo.path, "switch", "--quiet", "main")
    git(repo.path, "merge", "--quiet", "--no-ff", "--no-commit", "side")
    (repo.path / "glue.py").write_text(body("glue"), encoding="utf-8")
    git(repo.path, "add", "glue.py")
    git(repo.path, "commit", "--quiet", "-m", "merge with a new file",
        env=repo.env(CLEO, repo.next_time()))
    repo.edit(ANA, "glue.py", 1)
    repo.edit(BEN, "glue.py", 1)
    report = analyse(repo=repo.path, progress=False)
    # the merge commit is skipped, so nobody created glue.py: FA 0, DL 1, AC 1 for both,
    # 3.293 + 0.164 - 0.321 ln 2 = 3.2345 < 3.293: no author, 1 of 1 files orphaned at once
    each = pytest.approx(3.293 + 0.164 - 0.321 * math.log(2))
    assert people_of(report, "glue.py") == {"ana@example.org": (0, 1, 1, each),
                                            "ben@example.org": (0, 1, 1, each)}
    assert report.orphaned == ["glue.py"]
    assert report.truck_factor == 0
    text = as_text(report)
    assert "have no author even now: nobody has to leave" in text
    assert "Nobody authors any of these files" in text and "Files at risk" not in text
