"""What ``ownit postmortem-lint`` checks, as data: the sections a post-mortem needs (the SRE book's
template as notebook 03 teaches it) with the headings teams use for them, the words that put
blame on a person, and what an action item and a timeline entry must carry.

Every rule has a stable id; that id is what the linter prints and what a team greps for."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    name: str  # as printed
    headings: tuple[str, ...]  # lower-case phrases; one found as whole words in a heading is enough


SECTIONS: tuple[Section, ...] = (
    Section("Summary", ("summary", "executive summary", "overview", "tl;dr", "tldr", "abstract",
                        "what happened", "incident summary", "description")),
    Section("Impact", ("impact", "user impact", "customer impact", "business impact",
                       "who was affected", "blast radius", "severity and impact")),
    Section("Timeline", ("timeline", "chronology", "sequence of events", "timeline of events",
                         "event log")),
    Section("Root causes and contributing factors", (
        "root cause", "root causes", "causes", "contributing factors", "contributing factor",
        "cause analysis", "why it happened", "causal analysis", "5 whys", "five whys")),
    Section("Detection", ("detection", "how we found out", "how it was detected",
                          "how we noticed", "discovery", "alerting and detection")),
    Section("Resolution", ("resolution", "recovery", "mitigation", "remediation",
                           "how we fixed it", "how it was resolved", "response and recovery",
                           "fix")),
    Section("Action items", ("action items", "action item", "follow-ups", "follow ups",
                             "follow-up actions", "followups", "corrective actions",
                             "next steps", "remediation items", "what we will do", "actions",
                             "todo", "to do")),
    Section("Lessons learned", ("lessons learned", "lessons learnt", "lessons", "learnings",
                                "what went well", "what went wrong", "where we got lucky",
                                "takeaways", "what we learned")),
)


@dataclass(frozen=True)
class BlameRule:
    id: str
    patterns: tuple[str, ...]  # regular expressions, matched ignoring case
    why: str  # what is wrong, after the quoted sentence
    advice: str  # how to say it without blame; {match} is the words that matched
    drop_match: bool = False  # a judgement word whose removal is itself the rewording


BLAME_RULES: tuple[BlameRule, ...] = (
    BlameRule(
        "blame-should-have",
        (r"\bshould(?:\s+not|n['’]t)?\s+have\b", r"\bshould['’]ve\b", r"\bought\s+to\s+have\b"),
        "judges a past action with hindsight",
        "say what was in place and what was missing instead of \"{match}\""),
    BlameRule(
        "blame-judgement",
        (r"\bcareless(?:ly|ness)?\b", r"\bsloppy\b", r"\bsloppiness\b", r"\bnegligen(?:t|ce)\b",
         r"\blazy\b(?![- ](?:load|loading|loaded|evaluation|init|initiali[sz]ation|import))",
         r"\bincompeten(?:t|ce)\b", r"\breckless(?:ly)?\b", r"\bstupid\b",
         r"\bdumb\b", r"\birresponsibl[ey]\b", r"\binattentive\b", r"\brookie mistake\b",
         r"\bnot paying attention\b", r"\bdid(?:n['’]t| not) bother\b"),
        "judges a person instead of describing what happened",
        "describe the action and the conditions around it, such as time pressure, a missing "
        "check or a confusing tool, and leave out \"{match}\"",
        drop_match=True),
    BlameRule(
        "blame-human-error",
        (r"\bhuman error\b", r"\boperator error\b",
         r"\buser error\b(?!s?\s+(?:code|codes|message|messages|response|responses|page|rate))",
         r"\bpilot error\b",
         r"\bpebkac\b", r"\bfat[- ]finger(?:ed|ing)?\b"),
        "names \"human error\" as a cause, which ends the inquiry where it should start",
        "ask what made the slip possible and easy, and name that, e.g. \"a manual step with "
        "no validation\" instead of \"{match}\""),
    BlameRule(
        "blame-hindsight",
        (r"\bobviously\b", r"\bit was obvious\b", r"\bshould(?:\s+have|['’]ve)\s+known\b",
         r"\bany (?:competent |good |reasonable )?(?:engineer|developer|person) would\b",
         r"\bclearly should\b"),
        "uses hindsight: what is obvious now was not at the time",
        "say what the people involved knew at that moment and leave out \"{match}\"",
        drop_match=True),
)

# A blame rule about a person needs to know who is a person. Beside the names the document gives
# (authors, owners, @handles), these words stand for one.
PERSON_WORDS = ("he", "she", "him", "her", "someone", "somebody", "the intern", "an intern",
                "the new hire", "a new hire", "the new guy", "the junior", "the contractor",
                "the engineer", "an engineer", "the developer", "a developer", "the operator",
                "the on-call", "the oncall", "the on-call engineer", "the admin",
                "the administrator", "the author", "the dba", "the sre")
# ... and these say that the person, not the system, is at fault.
FAULT_WORDS = (r"forgot", r"failed to", r"neglected", r"ignored", r"broke", r"messed up",
               r"screwed up", r"botched", r"overlooked", r"missed", r"did(?:n['’]t| not) check",
               r"did(?:n['’]t| not) test", r"did(?:n['’]t| not) follow", r"made (?:a|an) "
               r"(?:mistake|error)", r"mistakenly", r"accidentally", r"wrongly",
               r"pushed (?:a |the )?(?:bad|broken|wrong)", r"deployed (?:a |the )?(?:bad|broken|"
               r"wrong)", r"without (?:testing|checking|review|reviewing|asking|validating)")
# Verbs that blame only right after the person ("Kevin caused the outage", not "Kevin rolled back
# the deploy, which caused the errors to stop").
DIRECT_FAULT_WORDS = (r"caused", r"broke", r"brought down", r"took down")
CAUSE_PHRASES = (r"caused by", r"due to", r"because of", r"the fault of", r"blame (?:lies )?"
                 r"(?:with|on)", r"responsibility of", r"triggered by")
POSSESSIVE_FAULTS = (r"mistake", r"error", r"fault", r"oversight", r"negligence", r"typo",
                     r"bad (?:push|deploy|change|config)")
# Faults only a person commits: a capitalised name right before one is taken for a person even
# when the document never introduced them ("Alice forgot to renew the certificate"). "We" and
# "I" are left alone: owning a mistake is what the course asks for.
HUMAN_ONLY_FAULTS = (r"forgot", r"neglected", r"overlooked", r"messed up", r"screwed up",
                     r"botched", r"made (?:a|an) (?:mistake|error|blunder)",
                     r"did(?:n['’]t| not) bother", r"fat[- ]fingered", r"carelessly")
NOT_NAMES = ("we", "i", "they", "it", "the", "this", "that", "these", "those", "our", "nobody",
             "everyone", "everybody", "someone", "no", "one", "team", "then", "also", "who")
PERSON_RULE_ID = "blame-person"
PERSON_RULE_ADVICE = ("make the system the subject: say what the change was and which safeguard "
                      "was missing, e.g. \"a config change reached production without "
                      "validation\", without naming {match}")
# Lines that introduce the people of the incident: their names count as persons.
PEOPLE_FIELDS = ("author", "authors", "owner", "owners", "incident commander", "commander",
                 "ic", "on-call", "oncall", "on call", "responders", "responder", "participants",
                 "people involved", "reviewers", "reviewer", "scribe", "written by", "attendees")

# Action items: what each must carry.
ACTION_TYPES = ("prevent", "mitigate", "detect", "process")
ACTION_TYPE_WORDS = {"prevent": "prevent", "prevention": "prevent", "preventive": "prevent",
                     "preventative": "prevent", "mitigate": "mitigate", "mitigation": "mitigate",
                     "detect": "detect", "detection": "detect", "process": "process"}
PRIORITY_PATTERN = r"\b(?:P[0-4]|priority\s*[:=]?\s*(?:critical|high|medium|low|urgent))\b"
PRIORITY_VALUES = r"(?:P[0-4]|critical|high|medium|low|urgent)"
TICKET_PATTERN = (r"(?:\b[A-Z][A-Z0-9]+-\d+\b|(?<![\w&])#\d+\b|\bb/\d+\b|https?://\S+|"
                  r"\b(?i:bug|issue|ticket)\s*[:#]?\s*\d+\b)")
OWNER_PLACEHOLDERS = {"", "-", "--", "?", "??", "tbd", "tba", "n/a", "na", "none", "nobody",
                      "unassigned", "todo", "to do", "unknown", "everyone", "the team", "team",
                      "all"}
COLUMN_NAMES = {
    "owner": ("owner", "owners", "assignee", "assigned to", "who", "responsible", "dri"),
    "type": ("type", "kind", "category", "class"),
    "priority": ("priority", "prio", "pri"),
    "ticket": ("ticket", "bug", "issue", "jira", "tracking", "tracker", "link", "ticket id"),
}
VAGUE_ACTIONS = (r"\bbe (?:more )?careful\b", r"\bpay (?:more )?attention\b", r"\bremember to\b",
                 r"\btry (?:harder|to be)\b", r"\bdouble[- ]check\b", r"\binvestigate\b",
                 r"\blook into\b", r"\bkeep an eye on\b")

# Timeline: a time with an optional date before it and an optional zone after it.
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
ZONE_OFFSETS = {"utc": 0, "gmt": 0, "z": 0, "pst": -480, "pdt": -420, "mst": -420, "mdt": -360,
                "cst": -360, "cdt": -300, "est": -300, "edt": -240, "cet": 60, "cest": 120,
                "bst": 60, "eet": 120, "eest": 180, "ist": 330, "jst": 540, "kst": 540,
                "aest": 600, "aedt": 660, "nzst": 720, "nzdt": 780}
# Named zones whose offset depends on the date: a zone, but not one we can convert.
ZONE_NAMES_WITHOUT_OFFSET = ("pt", "mt", "ct", "et", "cet/cest", "local")

RULE_IDS = {
    "missing-section": "a required section has no heading",
    "blame-should-have": "hindsight about what someone should have done",
    "blame-judgement": "a judgement of a person (careless, sloppy, ...)",
    "blame-human-error": "\"human error\" given as a cause",
    "blame-hindsight": "hindsight words (obviously, ...)",
    PERSON_RULE_ID: "a person named as the cause",
    "action-owner": "an action item without an owner",
    "action-type": "an action item without a type (prevent, mitigate, detect, process)",
    "action-priority": "an action item without a priority",
    "action-ticket": "an action item without a ticket",
    "action-vague": "an action item nobody can finish (be careful, investigate, ...)",
    "action-none": "an action-items section with no item in it",
    "whys-stop-at-person": "a 5 Whys chain whose last answer is a person",
    "timeline-order": "a timeline entry earlier than the one before it",
    "timeline-timezone": "timeline entries with no time zone",
    "timeline-no-times": "a timeline with no timestamped entry",
}
