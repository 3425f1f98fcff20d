"""Hard to break: each broken source of tests/corpus/ (and the few generated
here, which cannot be written as text) gives exactly its problem lines
`path:line:col: what — how` and exit code 1: never a traceback, a hang
(every run has a timeout) or a memory blow-up (every `check` runs under an
address-space limit).  A failed build leaves the previous site/ and dist/
as they were.
"""
from __future__ import annotations

import os
import resource
import shutil
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from conftest import run_dyade
from test_build import snapshot
from test_check import CHAPTER, FORM, make_tiny

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = sorted(CORPUS.glob("*.yml"))
TIMEOUT = 60                  # seconds; a hang fails the test
MEMORY_LIMIT = 1_500_000_000  # bytes of address space for `check`


def limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def check(root: Path):
    return run_dyade(root, "check", timeout=TIMEOUT, preexec_fn=limit_memory)


def assert_problems(result, expected: list[dict]) -> None:
    """`expected`: one {at, what, how} per problem line, in printed order."""
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == 1, output
    lines = result.stderr.strip().splitlines()
    n = len(expected)
    assert lines[-1] == f"{n} problem{'s' if n != 1 else ''} found; nothing was built.", output
    found = lines[:-1]
    assert len(found) == n, "\n".join(found)
    for line, want in zip(found, expected):
        at, _, message = line.partition(": ")
        what, dash, how = message.partition(" — ")
        assert at == want["at"], line
        assert dash and what.strip() and how.strip(), f"not 'what — how': {line}"
        assert want["what"] in what, line
        assert want["how"] in how, line


def apply(root: Path, case: dict) -> None:
    path = root / case["file"]
    path.parent.mkdir(parents=True, exist_ok=True)
    if "text" in case:
        new = case["text"]
    elif "append" in case:
        old = path.read_text(encoding="utf-8")
        new = old + case["append"]
        # `{appended}` in an expected position: the first appended line, so
        # the case holds whatever the length of the bundled file.
        first = old.count("\n") + 1
        case["expect"] = [{**e, "at": e["at"].replace("{appended}", str(first))} for e in case["expect"]]
    else:
        new = path.read_text(encoding="utf-8")
        for old, replacement in case["replace"]:
            assert new.count(old) == 1, f"{case['file']} should hold {old!r} exactly once"
            new = new.replace(old, replacement)
    path.write_text(new, encoding="utf-8")


def outputs(root: Path) -> dict[str, tuple[str, int]]:
    """Every file of site/ and dist/ with its hash and modification time."""
    return {rel: (digest, (root / rel).stat().st_mtime_ns) for rel, digest in snapshot(root).items()}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    return make_tiny(tmp_path_factory.mktemp("corpus") / "tiny")


@pytest.fixture(scope="module")
def pristine_built(tmp_path_factory) -> Path:
    """The tiny programme with a good site/ and dist/, built once."""
    root = make_tiny(tmp_path_factory.mktemp("corpus-built") / "tiny")
    result = run_dyade(root, "--quiet", timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert outputs(root), "the good build made no files"
    return root


@pytest.fixture
def tiny(pristine, tmp_path) -> Path:
    return Path(shutil.copytree(pristine, tmp_path / "tiny", symlinks=True))


def test_corpus_is_large_enough():
    assert len(CASES) >= 32


@pytest.mark.parametrize("case_file", CASES, ids=[p.stem for p in CASES])
def test_corpus_case(case_file, request, tmp_path):
    case = YAML(typ="safe", pure=True).load(case_file.read_text(encoding="utf-8"))
    if case.get("command", "check") == "build":
        root = Path(shutil.copytree(request.getfixturevalue("pristine_built"), tmp_path / "tiny", symlinks=True))
        before = outputs(root)
        apply(root, case)
        result = run_dyade(root, timeout=TIMEOUT)
        assert_problems(result, case["expect"])
        assert outputs(root) == before, "a failed build changed site/ or dist/"
        assert not (root / ".dyade-staging").exists()
    else:
        root = Path(shutil.copytree(request.getfixturevalue("pristine"), tmp_path / "tiny", symlinks=True))
        apply(root, case)
        assert_problems(check(root), case["expect"])


# -- cases generated here ----------------------------------------------------------

def test_fifty_megabyte_file(tiny):
    filler = b"  # " + b"x" * 1020 + b"\n"
    with open(tiny / "content" / "guide" / "02-big.yml", "wb") as f:
        f.write(b"id: big\ntitle: {fr: Gros, en: Big}\nsections:\n")
        for _ in range(50 * 1024):
            f.write(filler)
    assert_problems(check(tiny), [{"at": "content/guide/02-big.yml:1:1", "what": "file is too large (52 MB; the limit is 1 MB)",
                                   "how": "split it into smaller files"}])


def test_invalid_utf8(tiny):
    # A UTF-8 sequence cut short (é without its second byte) in the English body.
    body = CHAPTER.replace("Read the {org} guide.", "Read the {org} guid\u00e9.").encode("utf-8")
    (tiny / "content" / "guide" / "01-welcome.yml").write_bytes(body.replace(b"\xc3\xa9", b"\xc3"))
    assert_problems(check(tiny), [{"at": "content/guide/01-welcome.yml:8:30", "what": "the file is not UTF-8 (byte 0xc3)",
                                   "how": "save it again with the UTF-8 encoding"}])


def test_byte_order_mark_and_windows_line_ends_are_accepted(tiny):
    for path in [*tiny.rglob("*.yml")]:
        data = path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        path.write_bytes(b"\xef\xbb\xbf" + data)
    result = check(tiny)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith("0 problème : 1 chapitre, 1 formulaire")


def test_byte_order_mark_does_not_shift_columns(tiny):
    (tiny / "forms" / "1-intake.yml").write_bytes(b"\xef\xbb\xbf" + FORM.replace("number: 1", "number: one").encode())
    assert_problems(check(tiny), [{"at": "forms/1-intake.yml:2:9", "what": "'number' should be a whole number",
                                   "how": "write a number"}])


@pytest.mark.parametrize("nested, at", [
    ("[" * 10_000 + "]" * 10_000, "forms/2-deep.yml:1:54"),
    ("{a: " * 10_000 + "}" * 10_000, "forms/2-deep.yml:1:198"),
    ("\n" + "- " * 10_000 + "x", "forms/2-deep.yml:2:99"),
], ids=["flow-lists", "flow-mappings", "block-lists"])
def test_deep_nesting(tiny, nested, at):
    (tiny / "forms" / "2-deep.yml").write_text(f"id: {nested}\n", encoding="utf-8")
    assert_problems(check(tiny), [{"at": at, "what": "values are nested more than 50 levels deep here",
                                   "how": "check the brackets and the indentation"}])


def test_huge_number(tiny):
    (tiny / "forms" / "1-intake.yml").write_text(FORM.replace("number: 1", "number: " + "9" * 5000), encoding="utf-8")
    assert_problems(check(tiny), [{"at": "forms/1-intake.yml:2:9", "what": "'number' is too large (5000 digits)",
                                   "how": "use a number of at most"}])


def test_folder_named_like_a_source_file(tiny):
    (tiny / "forms" / "2-folder.yml").mkdir()
    assert_problems(check(tiny), [{"at": "forms/2-folder.yml:1:1", "what": "is a folder, not a file",
                                   "how": "rename or move it"}])


def test_pipe_named_like_a_source_file_does_not_hang(tiny):
    os.mkfifo(tiny / "forms" / "2-pipe.yml")
    assert_problems(check(tiny), [{"at": "forms/2-pipe.yml:1:1", "what": "is not an ordinary file",
                                   "how": "rename or move it"}])


def test_endless_device_as_a_source_file_is_not_read(tiny):
    os.symlink("/dev/zero", tiny / "forms" / "2-zero.yml")
    assert_problems(check(tiny), [{"at": "forms/2-zero.yml:1:1", "what": "is not an ordinary file",
                                   "how": "rename or move it"}])


def test_asset_symlink_loop(tiny):
    os.symlink("loop.png", tiny / "content" / "assets" / "loop.png")
    prog = tiny / "content" / "programme.yml"
    prog.write_text(prog.read_text(encoding="utf-8").replace("content/assets/logo.png", "content/assets/loop.png"),
                    encoding="utf-8")
    assert_problems(check(tiny), [{"at": "content/programme.yml:11:9", "what": "is not a usable file path",
                                   "how": "give the path of a file in the project"}])


def test_utf16_file(tiny):
    # Notepad's "Unicode": ASCII text with a zero byte after each character decodes as
    # UTF-8 without error, then fails somewhere far from line 1.
    (tiny / "forms" / "1-intake.yml").write_bytes(FORM.encode("utf-16-le"))
    assert_problems(check(tiny), [{"at": "forms/1-intake.yml:1:1", "what": "the file is saved as UTF-16",
                                   "how": "save it again with the UTF-8 encoding"}])


def _png_header(width: int, height: int) -> bytes:
    import struct
    import zlib
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr
            + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF))


def test_logo_of_too_many_pixels(tiny):
    # A small file that unpacks to 400 million pixels in every PDF and DOCX.
    (tiny / "content" / "assets" / "logo.png").write_bytes(_png_header(20_000, 20_000))
    assert_problems(check(tiny), [{"at": "content/programme.yml:11:9",
                                   "what": "is 20000 × 20000 pixels, too large to lay out",
                                   "how": "save a smaller version"}])


def test_logo_too_large_a_file(tiny):
    (tiny / "content" / "assets" / "logo.png").write_bytes(_png_header(800, 600) + b"\0" * 6_000_000)
    assert_problems(check(tiny), [{"at": "content/programme.yml:11:9",
                                   "what": "is too large for a logo (6.0 MB; the limit is 5 MB)",
                                   "how": "save a smaller version"}])


def use_logo(root: Path, name: str) -> None:
    prog = root / "content" / "programme.yml"
    prog.write_text(prog.read_text(encoding="utf-8").replace("content/assets/logo.png", f"content/assets/{name}"),
                    encoding="utf-8")


def test_logo_that_is_a_pipe_is_not_opened(tiny):
    os.mkfifo(tiny / "content" / "assets" / "pipe.png")
    use_logo(tiny, "pipe.png")
    assert_problems(check(tiny), [{"at": "content/programme.yml:11:9",
                                   "what": "'logo' 'content/assets/pipe.png' is not an ordinary file (a pipe",
                                   "how": "give the path of an image file"}])


SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">'


@pytest.mark.parametrize("body, what", [
    ('<script>alert(1)</script>', "holds a script or embedded content"),
    ('<foreignObject><div>x</div></foreignObject>', "holds a script or embedded content"),
    ('<rect width="10" height="10" onclick="alert(1)"/>', "holds an event handler"),
    ('<image href="https://evil.example/track.png"/>', "refers to another file or address"),
    ('<use xlink:href="other.svg#a"/>', "refers to another file or address"),
    ('<rect style="fill: url(https://evil.example/x)"/>', "refers to another file or address"),
], ids=["script", "foreign-object", "event-handler", "external-image", "external-use", "css-url"])
def test_svg_logo_that_could_act_is_refused(tiny, body, what):
    (tiny / "content" / "assets" / "logo.svg").write_text(f"{SVG_OPEN}{body}</svg>\n", encoding="utf-8")
    use_logo(tiny, "logo.svg")
    assert_problems(check(tiny), [{"at": "content/programme.yml:11:9",
                                   "what": f"'logo' 'content/assets/logo.svg' is an SVG image that {what}",
                                   "how": "export the logo again as a plain drawing"}])


def test_svg_logo_with_entities_is_refused(tiny):
    (tiny / "content" / "assets" / "logo.svg").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
        f"{SVG_OPEN}<text>&e;</text></svg>\n", encoding="utf-8")
    use_logo(tiny, "logo.svg")
    assert_problems(check(tiny), [{"at": "content/programme.yml:11:9", "what": "declares a DTD or entities",
                                   "how": "export the logo again"}])


def test_plain_svg_logo_is_accepted(tiny):
    (tiny / "content" / "assets" / "logo.svg").write_text(
        f'{SVG_OPEN}<defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="10" height="10"/>'
        '<use href="#g"/></svg>\n', encoding="utf-8")
    use_logo(tiny, "logo.svg")
    result = check(tiny)
    assert result.returncode == 0, result.stdout + result.stderr


def test_source_names_that_differ_only_by_capitals(tiny):
    (tiny / "forms" / "1-Intake.yml").write_text(
        (tiny / "forms" / "1-intake.yml").read_text(encoding="utf-8").replace("id: intake", "id: intake-2")
        .replace("number: 1", "number: 2"), encoding="utf-8")
    assert_problems(check(tiny), [{"at": "forms/1-intake.yml:1:1",
                                   "what": "this file's name differs from 1-Intake.yml only by capitals",
                                   "how": "rename one of them"}])
