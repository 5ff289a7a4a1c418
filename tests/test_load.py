"""The positioned YAML loader: every YAML pitfall becomes a diagnostic with file:line:col."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import SHOW_YAML, episode_yaml
from gaepod.errors import Diagnostic
from gaepod.show.check import check_show
from gaepod.show.fields import FieldReader
from gaepod.show.load import (
    MAX_FILE_BYTES,
    Document,
    Mapping,
    Scalar,
    Sequence,
    parse_document,
    read_document,
)

PATH = Path("shows/demo/001-episode.yaml")


def parse(text: str | bytes) -> Document:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_document(PATH, data)


def only(document: Document) -> Diagnostic:
    assert len(document.diagnostics) == 1, document.diagnostics
    return document.diagnostics[0]


def where(diagnostic: Diagnostic) -> tuple[str, int, int]:
    return diagnostic.code, diagnostic.line, diagnostic.column


def root_mapping(document: Document) -> Mapping:
    assert isinstance(document.root, Mapping), document.diagnostics
    return document.root


def scalar(document: Document, key: str) -> Scalar:
    node = root_mapping(document).get(key)
    assert isinstance(node, Scalar)
    return node


# -- a well-formed file keeps positions -------------------------------------------


def test_values_keep_their_line_and_column():
    document = parse("title: Hello\nnumber: 3\nguests:\n  - Ana\n")

    assert document.diagnostics == []
    title = scalar(document, "title")
    assert (title.value, title.line, title.column) == ("Hello", 1, 8)
    guests = root_mapping(document).get("guests")
    assert isinstance(guests, Sequence)
    assert (guests.items[0].line, guests.items[0].column) == (4, 5)


def test_read_document_reads_a_file_from_disk(tmp_path):
    path = tmp_path / "001.yaml"
    path.write_text("title: From disk\n", encoding="utf-8")

    document = read_document(path)

    assert document.path == path
    assert scalar(document, "title").value == "From disk"


def test_missing_file_is_a_diagnostic_naming_the_reason(tmp_path):
    document = read_document(tmp_path / "gone.yaml")

    assert document.root is None
    diagnostic = only(document)
    assert diagnostic.code == "E001"
    assert diagnostic.path == tmp_path / "gone.yaml"
    assert "No such file" in diagnostic.message


# -- syntax errors ------------------------------------------------------------------


def test_syntax_error_reports_line_and_column():
    document = parse("title: ok\ndate: 2024-05-01T10:00:00Z\ndescription: Guest: Topic\n")

    assert document.root is None
    diagnostic = only(document)
    assert where(diagnostic) == ("E005", 3, 19)
    assert "mapping values are not allowed" in diagnostic.message
    assert "must be quoted" in diagnostic.hint


QUOTE = 'a value containing ": " must be quoted, e.g. title: "Guest: Topic"'
DEEPER = (
    "check the indentation: this key is indented deeper than the keys before it, so YAML "
    "reads it as part of the value above; line it up with them"
)
STRAY = (
    "check the indentation: this line does not line up with the keys of the mapping it belongs to"
)
LIST_ITEM = (
    'check the indentation: in a list each item starts with "- ", and its other keys '
    "line up under its first key"
)


# Each shape with what libyaml says about it, and where the diagnostic must point.
@pytest.mark.parametrize(
    ("text", "problem", "position", "hint"),
    [
        pytest.param(  # one space short of its sibling `name:`
            "owner:\n  name: Ana\n email: ana@example.org\nlink: x\n",
            "did not find expected key",
            (3, 2),
            STRAY,
            id="key-under-indented",
        ),
        pytest.param(  # two spaces too many: read as `name`'s value going on
            "owner:\n  name: Ana\n    email: ana@example.org\n",
            "mapping values are not allowed in this context",
            (3, 5),
            DEEPER,
            id="key-over-indented",
        ),
        pytest.param(
            "title: T\n  date: 2024-05-01\n",
            "mapping values are not allowed in this context",
            (2, 3),
            DEEPER,
            id="top-level-key-over-indented",
        ),
        pytest.param(  # a comment ends the value above, so libyaml says something else
            "title: T\n# notes\n   date: 2024-05-01\n",
            "did not find expected key",
            (3, 4),
            STRAY,
            id="key-over-indented-after-a-comment",
        ),
        pytest.param(
            "guests:\n  - name: A\n    url: https://a.example\n - name: B\n",
            "did not find expected key",
            (4, 2),
            STRAY,
            id="list-item-under-indented",
        ),
        pytest.param(
            "guests:\n  - name: A\n   url: https://a.example\n",
            "did not find expected '-' indicator",
            (3, 4),
            LIST_ITEM,
            id="item-key-under-indented",
        ),
        pytest.param(
            "title: Guest: Topic\n",
            "mapping values are not allowed in this context",
            (1, 13),
            QUOTE,
            id="unquoted-colon",
        ),
        pytest.param(
            "owner:\n  name: Ana: Host\n",
            "mapping values are not allowed in this context",
            (2, 12),
            QUOTE,
            id="unquoted-colon-nested",
        ),
        pytest.param(
            'title: "Guest" Topic\n',
            "did not find expected key",
            (1, 16),
            "quote the whole value: nothing may follow a closing quote or ] on its line",
            id="text-after-a-quoted-value",
        ),
        pytest.param(  # libyaml stops at the next line; the key without ':' is this one
            "title: x\ndate\nlink: y\n",
            "could not find expected ':'",
            (2, 1),
            "each line inside a mapping needs `key: value`",
            id="key-without-colon",
        ),
    ],
)
def test_syntax_error_hint_fits_the_mistake(text, problem, position, hint):
    diagnostic = only(parse(text))

    assert diagnostic.message == f"YAML syntax error: {problem}"
    assert (diagnostic.line, diagnostic.column) == position
    assert diagnostic.hint == hint


def test_mis_indented_owner_email_in_podcast_yaml_is_reported_at_its_line(make_show):
    show_yaml = SHOW_YAML.replace(
        "owner: {name: Ada Host, email: ada@example.org}\n",
        "owner:\n  name: Ada Host\n email: ada@example.org\n",
    )
    root = make_show(episodes=1, show_yaml=show_yaml)

    (problem,) = [d for d in check_show(root).errors if d.path.name == "podcast.yaml"]

    assert problem.format(relative_to=root) == (
        "podcast.yaml:12:2: error[E005]: YAML syntax error: did not find expected key\n"
        f"    hint: {STRAY}"
    )


def test_unclosed_flow_list_reports_the_line_where_parsing_stopped():
    document = parse("title: [unclosed\nnumber: 3\n")

    diagnostic = only(document)
    assert (diagnostic.code, diagnostic.line) == ("E005", 2)
    assert diagnostic.message.startswith("YAML syntax error:")


def test_tab_that_breaks_indentation_gets_a_hint_about_spaces():
    document = parse("owner:\n  name: Ada\n\temail: a@example.org\n")

    diagnostic = only(document)
    assert (diagnostic.code, diagnostic.line) == ("E005", 3)
    assert diagnostic.hint == "indent with spaces, not tabs"


def test_tab_indented_list_item_gets_a_hint_about_spaces():
    document = parse("title: ok\nguests:\n\t- Ana\n")

    diagnostic = only(document)
    assert (diagnostic.code, diagnostic.line) == ("E005", 3)
    assert diagnostic.hint == "indent with spaces, not tabs"


# -- duplicate keys -----------------------------------------------------------------


def test_duplicate_key_is_reported_at_the_second_line():
    document = parse("title: a\nguid: first-guid\nnumber: 3\nguid: second-guid\n")

    diagnostic = only(document)
    assert where(diagnostic) == ("E011", 4, 1)
    assert diagnostic.message == "duplicate key 'guid'"
    assert "already set on line 2" in diagnostic.hint


def test_duplicate_key_keeps_the_first_value_not_the_last():
    document = parse("title: a\nguid: first-guid\nnumber: 3\nguid: second-guid\n")

    guid = scalar(document, "guid")
    assert guid.value == "first-guid"
    assert guid.line == 2


def test_duplicate_key_with_a_list_value_does_not_swallow_later_keys():
    document = parse("guid: one\nguid:\n  - [two, three]\n  - four\nnumber: 5\n")

    assert where(only(document)) == ("E011", 2, 1)
    assert scalar(document, "guid").value == "one"
    assert scalar(document, "number").value == "5"
    assert list(root_mapping(document).entries) == ["guid", "number"]


def test_duplicate_key_in_a_nested_mapping_is_reported():
    document = parse("owner:\n  name: Ada\n  email: a@example.org\n  name: Bob\n")

    assert where(only(document)) == ("E011", 4, 3)
    owner = root_mapping(document).get("owner")
    assert isinstance(owner, Mapping)
    name = owner.get("name")
    assert isinstance(name, Scalar) and name.value == "Ada"


def test_duplicate_guid_line_makes_the_episode_invalid(make_show):
    root = make_show(
        episodes=1,
        files={"001-episode.yaml": episode_yaml(1, guid="first-guid") + "guid: second-guid\n"},
    )

    result = check_show(root)

    assert not result.is_ok
    assert [(d.path.name, d.line, d.code) for d in result.errors] == [
        ("001-episode.yaml", 8, "E011")
    ]


# -- no YAML 1.1 type guessing --------------------------------------------------------


@pytest.mark.parametrize("written", ["no", "yes", "off", "010", "1:30:00", "1.10", "~x", "0x1F"])
def test_plain_scalars_stay_the_exact_text_written(written):
    document = parse(f"title: {written}\n")

    node = scalar(document, "title")
    assert node.value == written
    assert node.is_plain


def test_quoted_scalars_are_not_plain():
    document = parse("a: 'no'\nb: \"010\"\nc: |\n  block\n")

    assert [scalar(document, k).is_plain for k in "abc"] == [False, False, False]


def test_title_no_and_number_010_are_read_by_their_field_type(make_show):
    text = episode_yaml(1, title="no").replace("number: 1\n", "number: 010\n")
    root = make_show(episodes=1, files={"001-episode.yaml": text})

    result = check_show(root)

    assert result.errors == []
    assert result.podcast is not None
    (episode,) = result.podcast.episodes
    assert episode.title == "no"
    assert episode.number == 10


def test_clock_and_decimal_looking_text_fields_stay_text(make_show):
    text = episode_yaml(1, title="1:30:00", guid="1.10", summary="1.10")
    root = make_show(episodes=1, files={"001-episode.yaml": text})

    result = check_show(root)

    assert result.errors == []
    assert result.podcast is not None
    (episode,) = result.podcast.episodes
    assert (episode.title, episode.guid, episode.summary) == ("1:30:00", "1.10", "1.10")


# -- anchors, aliases, tags -----------------------------------------------------------------


def test_anchor_is_refused_at_its_position():
    document = parse("title: ok\nsummary: &s Hello\ndescription: *s\n")

    assert document.root is None
    diagnostic = only(document)
    assert where(diagnostic) == ("E007", 2, 10)
    assert "&s" in diagnostic.message


def test_alias_without_anchor_is_refused():
    document = parse("title: ok\nsummary: *s\n")

    assert document.root is None
    assert (only(document).code, only(document).line) == ("E007", 2)


def test_billion_laughs_is_refused_quickly():
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for name, previous in zip("bcdefghij", "abcdefghi", strict=True):
        refs = ", ".join([f"*{previous}"] * 9)
        lines.append(f"{name}: &{name} [{refs}]")
    started = time.perf_counter()

    document = parse("\n".join(lines) + "\n")

    assert time.perf_counter() - started < 0.5
    assert document.root is None
    assert where(only(document)) == ("E007", 1, 4)


@pytest.mark.parametrize(
    "value",
    [
        "!!python/object:os.system x",
        "!!python/object/apply:os.system ['echo hi']",
        "!!python/name:os.system",
        "!!int 3",
        "!custom thing",
        "!!map {a: 1}",
    ],
)
def test_yaml_tags_are_refused(value):
    document = parse(f"title: ok\nsummary: {value}\n")

    assert document.root is None
    diagnostic = only(document)
    assert where(diagnostic) == ("E008", 2, 10)
    assert "tag" in diagnostic.message


def test_explicit_string_tag_is_allowed_and_not_plain():
    document = parse("title: !!str 010\n")

    assert document.diagnostics == []
    node = scalar(document, "title")
    assert (node.value, node.is_plain) == ("010", False)


# -- nesting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "[" * 10_000 + "]" * 10_000,
        "title: " + "[" * 10_000 + "]" * 10_000,
        "title: " + "{a: " * 10_000 + "}" * 10_000,
        "- " * 10_000 + "x\n",
    ],
    ids=["flow-lists", "flow-lists-in-mapping", "flow-mappings", "block-lists"],
)
def test_very_deep_nesting_is_a_diagnostic_not_a_recursion_error(text):
    started = time.perf_counter()

    document = parse(text)

    assert time.perf_counter() - started < 1.0
    assert document.root is None
    diagnostic = only(document)
    assert diagnostic.code in ("E005", "E009")
    assert "nesting" in diagnostic.message
    assert diagnostic.line == 1
    assert diagnostic.column > 1


def test_nesting_just_inside_the_limit_is_accepted():
    document = parse("a: " + "[" * 20 + "x" + "]" * 20 + "\n")

    assert document.diagnostics == []
    assert document.is_readable


# -- size -----------------------------------------------------------------------------------


def test_oversized_file_is_refused_without_parsing(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"description: " + b"a" * MAX_FILE_BYTES + b"\n")

    document = read_document(path)

    assert document.root is None
    diagnostic = only(document)
    assert (diagnostic.code, diagnostic.path) == ("E002", path)
    assert "512 KiB" in diagnostic.message
    assert "transcripts" in diagnostic.hint


def test_file_of_exactly_the_size_limit_is_read(tmp_path):
    path = tmp_path / "big.yaml"
    head = b"description: "
    path.write_bytes(head + b"a" * (MAX_FILE_BYTES - len(head) - 1) + b"\n")
    assert path.stat().st_size == MAX_FILE_BYTES

    document = read_document(path)

    assert document.diagnostics == []
    assert len(scalar(document, "description").value) == MAX_FILE_BYTES - len(head) - 1


# -- encoding and control characters ------------------------------------------------------


def test_invalid_utf8_is_reported_with_line_and_column():
    document = parse(b"title: ok\nsummary: caf\xe9 au lait\n")

    assert document.root is None
    diagnostic = only(document)
    assert where(diagnostic) == ("E003", 2, 13)
    assert "UTF-8" in diagnostic.message


def test_latin1_file_after_many_lines_points_at_the_bad_line():
    data = b"".join(b"k%d: v\n" % i for i in range(40)) + b"name: Jos\xe9\n"

    diagnostic = only(parse(data))

    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("E003", 41, 10)


def test_utf8_byte_order_mark_is_accepted():
    document = parse(b"\xef\xbb\xbftitle: ok\n")

    assert document.diagnostics == []
    assert scalar(document, "title").value == "ok"


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x07", "\x1b", "\x7f", "\x85"])
def test_raw_control_character_is_reported_with_position(char):
    document = parse(f"title: ok\nsummary: a{char}b\n")

    assert document.root is None
    diagnostic = only(document)
    assert where(diagnostic) == ("E004", 2, 11)
    assert f"U+{ord(char):04X}" in diagnostic.message


def test_escaped_control_character_is_reported_at_its_value():
    document = parse('title: ok\nsummary: "bell \\x01 here"\nnumber: 3\n')

    diagnostic = only(document)
    assert where(diagnostic) == ("E004", 2, 10)
    assert "U+0001" in diagnostic.message
    # the rest of the file is still read, so other problems can be reported too
    assert scalar(document, "number").value == "3"


def test_tab_newline_and_carriage_return_are_not_control_characters():
    document = parse('title: "a\\tb"\r\nsummary: |\r\n  one\r\n  two\r\n')

    assert document.diagnostics == []
    assert scalar(document, "title").value == "a\tb"
    assert scalar(document, "summary").value == "one\ntwo\n"


def test_control_character_line_matches_yaml_lines_with_cr_only_line_ends():
    document = parse("title: ok\rsummary: a\x01b\r")

    assert where(only(document)) == ("E004", 2, 11)


# -- dates -------------------------------------------------------------------------------


def test_impossible_date_is_plain_text_to_the_loader():
    document = parse("date: 2024-02-30\n")

    assert document.diagnostics == []
    assert scalar(document, "date").value == "2024-02-30"


def test_impossible_date_is_a_diagnostic_with_its_line_not_a_value_error():
    document = parse("title: ok\ndate: 2024-02-30\n")
    reader = FieldReader(PATH)

    value = reader.datetime(scalar(document, "date"), "date", None, None)

    assert value is None
    (diagnostic,) = reader.diagnostics
    assert (diagnostic.path, diagnostic.line, diagnostic.column) == (PATH, 2, 7)
    assert diagnostic.code == "E113"
    assert "2024-02-30" in diagnostic.message
    assert "day is out of range" in diagnostic.message


def test_impossible_date_in_an_episode_is_reported_by_check(make_show):
    root = make_show(
        episodes=1, files={"001-episode.yaml": episode_yaml(1, date="2024-02-30T10:00:00Z")}
    )

    result = check_show(root)

    assert [d.format(root) for d in result.errors] == [
        "001-episode.yaml:2:7: error[E113]: 'date' is not a real date or time: "
        "'2024-02-30T10:00:00Z' (day is out of range for month)\n"
        "    hint: write `date: 2025-05-07T09:30:00-05:00`"
    ]


# -- documents -----------------------------------------------------------------------------


def test_multi_document_file_is_refused_at_the_second_document():
    document = parse("title: one\n---\ntitle: two\n")

    assert document.root is None
    diagnostic = only(document)
    assert where(diagnostic) == ("E006", 2, 1)
    assert "remove the `---` line" in diagnostic.hint


def test_single_document_with_explicit_start_and_end_markers_is_fine():
    document = parse("---\ntitle: one\n...\n")

    assert document.diagnostics == []
    assert scalar(document, "title").line == 2


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file_has_no_root_and_no_loader_diagnostic(text):
    document = parse(text)

    assert document.root is None
    assert not document.is_readable
    assert document.diagnostics == []


@pytest.mark.parametrize("text", ["", "# just a comment\n"])
def test_empty_episode_file_is_an_error_naming_the_file(make_show, text):
    root = make_show(episodes=2, files={"002-episode.yaml": text})

    result = check_show(root)

    assert [(d.path.name, d.line, d.code) for d in result.errors] == [
        ("002-episode.yaml", 0, "E140")
    ]
    assert result.errors[0].message == "the episode file is empty"


def test_mapping_with_a_collection_key_is_refused():
    document = parse("? [a, b]\n: c\n")

    assert document.root is None
    assert where(only(document)) == ("E010", 1, 3)
