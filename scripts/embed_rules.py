#!/usr/bin/env python3
"""Compile every rule file (Rules/**/*.yaml) into the engine as Swift values.

Writes Sources/LeakLintEngine/Generated/EmbeddedRules.swift with

    enum EmbeddedRules {
        static let paths: [String] = [...]          // files under Rules/, in path order
        static func rules() -> [Rule] { [...] }     // one `Rule(...)` per file, in path order
    }

so that a run builds the built-in rules from literals instead of parsing YAML (parsing them
with Yams was about 40 M instructions, mostly the run time's first look-ups of YAML types, on
every run). Long texts (description, fix template) are Swift raw multi-line string literals
whose `#` count is chosen so the text can neither close the literal nor start an escape in it.

The YAML is read with PyYAML's BaseLoader (every scalar stays text, like the engine's strict
parser). `RuleCatalogTests` checks that the literals equal what the engine's own strict
parser makes of Rules/ (so a rule the engine would reject, or one PyYAML reads differently,
fails the tests), and CI runs `--check`.

    scripts/embed_rules.py           regenerate
    scripts/embed_rules.py --check   exit 1 when the generated file is out of date
"""
import pathlib
import sys

try:
    import yaml
except ImportError:  # pragma: no cover - setup.sh installs it
    sys.exit("embed_rules.py needs PyYAML (apt install python3-yaml, or scripts/setup.sh)")

ROOT = pathlib.Path(__file__).resolve().parent.parent
RULES = ROOT / "Rules"
OUT = ROOT / "Sources" / "LeakLintEngine" / "Generated" / "EmbeddedRules.swift"

KEYS = ["id", "summary", "severity", "family", "languages", "analysis", "message", "description",
        "fix", "checklist", "vocabulary", "options"]
FIX_KEYS = ["applicability", "description", "template"]
# The raw values of the engine's enums (Severity, Family, Language, FixApplicability): a value
# outside them would compile into a `…(rawValue:)!` that traps when the rules are built, so it is
# refused here, by name. RuleCatalogTests keeps these in step with the engine.
ENUMS = {
    "severity": ["note", "warning", "error"],
    "family": ["unbounded-map", "append-only", "listener", "uncancelled-task"],
    "languages": ["go", "java", "swift", "cpp"],
    "applicability": ["safe", "unsafe", "display-only"],
}


def hashes_for(text: str) -> str:
    """The fewest `#` that neither `\"\"\"#…` nor `\\#…` inside the text can match."""
    n = 1
    while ('"""' + "#" * n) in text or ("\\" + "#" * n) in text:
        n += 1
    return "#" * n


def swift_string(s: str) -> str:
    out = ['"']
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append("\\u{%x}" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def raw_literal(text: str) -> str:
    """A Swift raw multi-line string literal whose value is exactly `text`."""
    h = hashes_for(text)
    # The newline after the opening and the one before the closing delimiter are not part of
    # the value, and the closing delimiter sits at column 0, so no indentation is stripped.
    return f"{h}\"\"\"\n" + text + f"\n\"\"\"{h}"


def literal(text: str) -> str:
    """Short one-line texts as plain literals, others as raw multi-line ones."""
    return raw_literal(text) if "\n" in text else swift_string(text)


def fail(rel: str, why: str):
    sys.exit(f"Rules/{rel}: {why}")


def text_of(rel: str, m: dict, key: str) -> str:
    v = m.get(key)
    if not isinstance(v, str):
        fail(rel, f"'{key}' must be a single value (the engine's parser gives the exact error)")
    return v


def enum_of(rel: str, key: str, value: str) -> str:
    if value not in ENUMS[key]:
        fail(rel, f"'{key}' is '{value}' (allowed: {', '.join(ENUMS[key])})")
    return value


def words(rel: str, m, what: str) -> dict:
    if m is None:
        return {}
    if not isinstance(m, dict):
        fail(rel, f"{what} must be a mapping")
    out = {}
    for k, v in m.items():
        if not isinstance(v, list) or not all(isinstance(w, str) for w in v):
            fail(rel, f"{what} '{k}' must be a list of single values")
        out[k] = v
    return out


def rule_literal(rel: str, text: str) -> str:
    try:
        doc = yaml.load(text, Loader=yaml.BaseLoader)
    except yaml.YAMLError as e:
        fail(rel, f"invalid YAML: {e}")
    if not isinstance(doc, dict):
        fail(rel, "a rule file must be a mapping")
    unknown = [k for k in doc if k not in KEYS]
    if unknown:
        fail(rel, f"unknown key '{unknown[0]}'")
    langs = []
    for l in doc.get("languages") or []:
        if not isinstance(l, str):
            fail(rel, "languages must be a list of single values")
        if enum_of(rel, "languages", l) not in langs:
            langs.append(l)
    fix = "nil"
    if "fix" in doc:
        f = doc["fix"]
        if not isinstance(f, dict) or any(k not in FIX_KEYS for k in f):
            fail(rel, "fix must be a mapping of applicability, description, template")
        fix = ("RuleFix(applicability: FixApplicability(rawValue: "
               f"{swift_string(enum_of(rel, 'applicability', text_of(rel, f, 'applicability')))})!,\n"
               f"                description: {literal(text_of(rel, f, 'description'))},\n"
               f"                template: {literal(text_of(rel, f, 'template'))})")
    vocab = words(rel, doc.get("vocabulary"), "vocabulary")
    options = doc.get("options") or {}
    if not isinstance(options, dict) or not all(isinstance(v, str) for v in options.values()):
        fail(rel, "options must be a mapping of single values")

    def vocab_literal() -> str:
        if not vocab:
            return "[:]"
        rows = []
        for k, ws in vocab.items():
            rows.append(f"            {swift_string(k)}: [" + ", ".join(swift_string(w) for w in ws) + "],")
        return "[\n" + "\n".join(rows) + "\n        ]"

    def options_literal() -> str:
        if not options:
            return "[:]"
        rows = [f"            {swift_string(k)}: {swift_string(v)}," for k, v in options.items()]
        return "[\n" + "\n".join(rows) + "\n        ]"

    return "\n".join([
        f"    // Rules/{rel}",
        "    Rule(",
        f"        id: {swift_string(text_of(rel, doc, 'id'))},",
        f"        summary: {literal(text_of(rel, doc, 'summary'))},",
        f"        severity: Severity(rawValue: {swift_string(enum_of(rel, 'severity', text_of(rel, doc, 'severity')))})!,",
        f"        family: Family(rawValue: {swift_string(enum_of(rel, 'family', text_of(rel, doc, 'family')))})!,",
        "        languages: [" + ", ".join(f"Language(rawValue: {swift_string(l)})!" for l in langs) + "],",
        f"        analysis: {literal(text_of(rel, doc, 'analysis'))},",
        f"        message: {literal(text_of(rel, doc, 'message'))},",
        f"        description: {literal(text_of(rel, doc, 'description'))},",
        f"        fix: {fix},",
        f"        checklist: {literal(text_of(rel, doc, 'checklist'))},",
        f"        vocabulary: {vocab_literal()},",
        f"        options: {options_literal()}",
        "    ),",
    ])


def render() -> tuple[str, int]:
    files = sorted(
        (p for p in RULES.rglob("*.yaml") if p.is_file()),
        key=lambda p: p.relative_to(RULES).as_posix(),
    ) if RULES.is_dir() else []
    paths, bodies = [], []
    for p in files:
        rel = p.relative_to(RULES).as_posix()
        raw = p.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            sys.exit(f"Rules/{rel}: not valid UTF-8 ({e})")
        if "\r" in text:
            sys.exit(f"Rules/{rel}: carriage return found; rule files use LF line ends")
        bad = [c for c in text if (ord(c) < 0x20 and c not in "\n\t") or ord(c) == 0x7F]
        if bad:
            sys.exit(f"Rules/{rel}: control character U+{ord(bad[0]):04X}; rule files are plain text")
        paths.append(f"        {swift_string(rel)},")
        bodies.append(rule_literal(rel, text))
    lines = [
        "// GENERATED by scripts/embed_rules.py from Rules/**/*.yaml. DO NOT EDIT.",
        "// Regenerate after changing a rule: python3 scripts/embed_rules.py",
        "",
        "import LeakLintCore",
        "",
        "/// The built-in rules, compiled from their files under `Rules/`, in path order.",
        "enum EmbeddedRules {",
        "    /// The rule files' paths under `Rules/`, in path order.",
        "    static let paths: [String] = [",
        *paths,
        "    ]",
        "",
        "    /// One rule per file of `paths`, in the same order.",
        "    static func rules() -> [Rule] { [",
        *bodies,
        "    ] }",
        "}",
        "",
    ]
    return "\n".join(lines), len(files)


def main() -> int:
    text, count = render()
    if "--check" in sys.argv[1:]:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT.relative_to(ROOT)} is out of date: run scripts/embed_rules.py", file=sys.stderr)
            return 1
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
        OUT.write_text(text, encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)} ({count} rules)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
