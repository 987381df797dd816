"""No Swift test passes without running (issue 11, "tests that skip loudly"): a test that needs a tool, a file or a
service says so with a trait (`@Test(.requires("qpdf"))`, `.requiresFont`, `.enabled(if:)`), so that a run without it
lists the test as skipped and names what is missing, and with CI=true runs it and fails. What this check refuses:
a test whose body begins with a `guard` (or `if`) that returns without recording an issue, and anywhere in a test a
`guard` on a tool lookup, an environment variable or a file that returns silently."""
import os
import re

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests")
LOOKUP = re.compile(r"\.executable\(|environment\[|fileExists\(|\bwhich\b|WriterFixtures\.font|PCSCLibrary|isExecutableFile")
LOUD = re.compile(r"Issue\.record|#expect|#require|throw |fatalError|preconditionFailure")


def strip_comments(text):
    """Blanks out comments and string literals (keeping the line structure) so that braces in them do not count."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith('"""', i):
            end = text.find('"""', i + 3)
            end = n if end < 0 else end + 3
            out.append(re.sub(r"[^\n]", " ", text[i:end])); i = end
        elif text[i] == '"':
            j = i + 1
            while j < n and text[j] != '"' and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append('"' + " " * (j - i - 1) + '"'); i = j + 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i)); i = end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(re.sub(r"[^\n]", " ", text[i:end])); i = end
        else:
            out.append(text[i]); i += 1
    return "".join(out)


def block(text, start):
    """The text between the brace at `start` and its match."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[start + 1:i]
    return text[start + 1:]


def silent_else(code, guard_start):
    """For a `guard … else {` at guard_start: (condition, else body) when the else body returns without a trace."""
    match = re.compile(r"\belse\s*\{").search(code, guard_start)
    if not match:
        return None
    body = block(code, match.end() - 1)
    if re.search(r"\breturn\b", body) and not LOUD.search(body):
        return code[guard_start:match.start()], body
    return None


def swift_files():
    for directory, _, names in os.walk(ROOT):
        for name in names:
            if name.endswith(".swift"):
                yield os.path.join(directory, name)


def violations():
    found = []
    for path in swift_files():
        with open(path, encoding="utf-8") as f:
            code = strip_comments(f.read())
        where = lambda offset: f"{os.path.relpath(path, ROOT)}:{code.count(chr(10), 0, offset) + 1}"
        # 1. A test whose first statement is a guard or if that returns silently.
        for test in re.finditer(r"@Test\b", code):
            function = re.compile(r"\bfunc\s+\w+").search(code, test.end())
            if not function:
                continue
            opening = code.find("{", function.end())
            body = block(code, opening)
            first = body.lstrip()
            offset = opening + 1 + len(body) - len(first)
            if first.startswith("guard ") and silent_else(code, offset):
                found.append(f"{where(offset)}: the test begins with a guard that returns silently")
            elif first.startswith("if "):
                brace = code.find("{", offset)
                inner = block(code, brace).strip()
                if inner == "return":
                    found.append(f"{where(offset)}: the test begins with an if that returns silently")
        # 2. Anywhere: a guard on a tool, an environment variable or a file that returns silently.
        for guard in re.finditer(r"\bguard\b", code):
            result = silent_else(code, guard.start())
            if result and LOOKUP.search(result[0]):
                found.append(f"{where(guard.start())}: a guard on a tool, variable or file returns silently: "
                             f"{' '.join(result[0].split())[:120]}")
    return sorted(set(found))


def test_no_swift_test_returns_early_when_a_tool_is_missing():
    assert list(swift_files()), f"no Swift tests under {ROOT}"
    problems = violations()
    assert not problems, "tests that would pass without running:\n" + "\n".join(problems)


def test_the_check_finds_a_silent_skip(tmp_path, monkeypatch):
    """The check itself can fail: a test written the old way is found, one written with a trait is not."""
    (tmp_path / "Old.swift").write_text(
        '@Test func old() throws {\n    guard let qpdf = ExternalTool.executable("qpdf") else { return }\n    #expect(qpdf.path != "")\n}\n'
        '@Test func env() {\n    guard let port = ProcessInfo.processInfo.environment["PORT"] else {\n        return\n    }\n    _ = port\n}\n')
    (tmp_path / "New.swift").write_text(
        '@Test(.requires("qpdf")) func new() throws {\n    let qpdf = try ExternalTool.required("qpdf")\n'
        '    guard qpdf.path != "" else { Issue.record("empty"); return }\n}\n')
    monkeypatch.setattr(__import__(__name__), "ROOT", str(tmp_path))
    problems = violations()
    assert any("Old.swift:2" in p for p in problems), problems
    assert any("Old.swift:6" in p for p in problems), problems
    assert not any("New.swift" in p for p in problems), problems
