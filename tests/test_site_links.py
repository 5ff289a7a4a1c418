"""Platform and share icons, an episode's own links and its click-to-load video.

The icons ship in the package with their licences written down, are inline (no
request anywhere), decorative (a text label beside each) and can be replaced by a
theme without letting markup in. Episode `platforms:` are checked like the show's
and shown on its page; a YouTube video becomes a link that a click turns into the
privacy-enhanced player, and nothing on the page loads from YouTube before.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO, episode_yaml
from gaepod.show.check import check_show
from gaepod.show.video import youtube_video_id
from gaepod.show.vocab import PLATFORMS
from gaepod.site.icons import FALLBACK, ICONS, icon, icon_names
from test_site import NOW, SITE_YAML, publish

VIDEO = "https://www.youtube.com/watch?v=Cx3mP7qLw2E"
EPISODE_PLATFORMS = f"""
  youtube: {VIDEO}
  spotify: https://open.spotify.com/episode/abc
"""


def test_every_platform_and_rss_has_an_icon_of_its_own_or_a_named_fallback() -> None:
    names = set(icon_names())
    for key in [*PLATFORMS, "rss", "email", "copy", "play"]:
        assert key in names or FALLBACK.get(key) in names, key
    assert set(FALLBACK) == {k for k in PLATFORMS if k not in names}
    for key in PLATFORMS:
        markup = icon(None, key)
        assert markup.startswith("<svg ") and 'aria-hidden="true"' in markup
        assert re.search(r'viewBox="0 0 (16|24) (16|24)"', markup)
        assert "<path" in markup and "<title" not in markup


def test_every_icon_file_is_named_with_its_source_and_licence() -> None:
    licences = (ICONS / "LICENSES.md").read_text(encoding="utf-8")
    assert "CC0 1.0" in licences and "MIT License" in licences
    for svg in sorted(ICONS.glob("*.svg")):
        assert f"| {svg.name} |" in licences, f"{svg.name} is not in LICENSES.md"


def test_the_icons_and_their_licences_are_package_data() -> None:
    config = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    patterns = re.search(r'^"gaepod\.site" = \[(.*)\]$', config, re.MULTILINE)
    assert patterns and '"icons/*"' in patterns[1]
    assert ICONS.parent.name == "site" and ICONS.parent.joinpath("__init__.py").is_file()


def test_a_theme_icon_replaces_the_package_one_and_brings_no_markup(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    (theme / "icons").mkdir(parents=True)
    (theme / "icons" / "spotify.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)">'
        "<script>alert(2)</script><title>t</title>"
        '<a href="javascript:alert(3)"><path d="M0 0h10v10z" onclick="alert(4)"/></a>'
        '<circle cx="5" cy="5" r="2" style="x"/></svg>',
        encoding="utf-8",
    )
    (theme / "icons" / "youtube.svg").write_text("not svg", encoding="utf-8")
    markup = icon(theme, "spotify")
    assert 'viewBox="0 0 10 10"' in markup
    assert '<circle cx="5" cy="5" r="2"/>' in markup
    for needle in ("alert", "script", "onload", "onclick", "style", "<a", "<title", "<path"):
        assert needle not in markup
    # an unreadable theme icon leaves the package's in place
    assert icon(theme, "youtube") == icon(None, "youtube")


@pytest.mark.parametrize(
    ("url", "video"),
    [
        ("https://www.youtube.com/watch?v=Cx3mP7qLw2E", "Cx3mP7qLw2E"),
        ("https://youtube.com/watch?feature=share&v=Cx3mP7qLw2E&t=10", "Cx3mP7qLw2E"),
        ("https://youtu.be/Cx3mP7qLw2E?si=x", "Cx3mP7qLw2E"),
        ("https://www.youtube.com/shorts/Cx3mP7qLw2E", "Cx3mP7qLw2E"),
        ("https://www.youtube.com/live/Cx3mP7qLw2E", "Cx3mP7qLw2E"),
        ("https://www.youtube-nocookie.com/embed/Cx3mP7qLw2E?rel=0", "Cx3mP7qLw2E"),
        ("https://www.youtube.com/@channel", None),
        ("https://www.youtube.com/playlist?list=PL123", None),
        ("https://www.youtube.com/watch?v=short", None),
        ("https://vimeo.com/123456", None),
    ],
)
def test_youtube_video_ids(url: str, video: str | None) -> None:
    assert youtube_video_id(url) == video


def test_check_reports_episode_platform_problems_at_their_line(make_show) -> None:
    platforms = (
        "\n  youtub: https://www.youtube.com/watch?v=Cx3mP7qLw2E"
        "\n  spotify: not-a-url"
        "\n  youtube: https://www.youtube.com/@channel"
    )
    show = make_show(1, files={"001-episode.yaml": episode_yaml(1, platforms=platforms)})
    text = "\n".join(d.format() for d in check_show(show).diagnostics)
    assert re.search(r"001-episode\.yaml:8:\d+: warning\[W137\]: unknown platform 'youtub'", text)
    assert "did you mean 'youtube'?" in text
    assert re.search(r"001-episode\.yaml:9:\d+: error\[E\d+\]: .*platforms\.spotify", text)
    assert re.search(r"001-episode\.yaml:10:\d+: warning\[W164\]: 'platforms.youtube' names", text)


def test_a_youtube_link_to_another_host_is_a_warning(make_show) -> None:
    platforms = "\n  youtube: https://vimeo.com/123"
    show = make_show(1, files={"001-episode.yaml": episode_yaml(1, platforms=platforms)})
    result = check_show(show)
    assert [d.code for d in result.diagnostics] == ["W163"]


def test_the_episode_page_links_its_platforms_and_shows_the_video_only_on_click(
    make_show, tmp_path: Path
) -> None:
    files = {"001-episode.yaml": episode_yaml(1, platforms=EPISODE_PLATFORMS)}
    out = publish(make_show(2, files=files, show_yaml=SITE_YAML), tmp_path / "out", NOW)
    page = (out / "episodes/001-episode/index.html").read_text(encoding="utf-8")
    assert f'href="{VIDEO}"' in page
    assert 'href="https://open.spotify.com/episode/abc"' in page
    assert re.search(r'platform-spotify" href="[^"]+"><svg class="icon icon-spotify"', page)
    assert "<span>Spotify</span>" in page and "<span>YouTube</span>" in page
    frame = r'<div class="video-frame" data-embed="([^"]+)"[^>]*>(.*?)</div>'
    facade = re.search(frame, page, re.S)
    assert facade
    assert facade[1] == "https://www.youtube-nocookie.com/embed/Cx3mP7qLw2E?autoplay=1"
    assert f'<a class="video-facade" href="{VIDEO}">' in facade[2]
    assert re.search(
        r'<img src="\.\./\.\./art/[^"]+" srcset="\.\./\.\./art/', facade[2]
    )  # the art, resized: nothing remote
    assert (
        "<iframe" not in page
        and "ytimg" not in page
        and "youtube-nocookie" not in (page.replace(facade[1], ""))
    )
    other = (out / "episodes/002-episode/index.html").read_text(encoding="utf-8")
    assert "video-frame" not in other and "This episode elsewhere" not in other


def test_subscribe_buttons_carry_icons_and_a_copy_feed_link(make_show, tmp_path: Path) -> None:
    show_yaml = SITE_YAML + (
        "platforms:\n  apple: https://podcasts.apple.com/x\n  fountain: https://fountain.fm/x\n"
    )
    out = publish(make_show(1, show_yaml=show_yaml), tmp_path / "out", NOW)
    home = (out / "index.html").read_text(encoding="utf-8")
    assert '<svg class="icon icon-apple"' in home and "<span>Apple Podcasts</span>" in home
    assert '<svg class="icon icon-fountain"' in home  # the generic mark
    assert '<svg class="icon icon-rss"' in home
    copy = re.search(r'<a class="button copy-feed" href="([^"]+)" data-copy="([^"]+)"', home)
    assert copy and copy[1] == copy[2] == "https://show.example.org/feed.xml"
    assert ">Copy feed URL</span>" in home
    assert "links.js" in home and (out / "assets/links.js").is_file()
    episode = (out / "episodes/001-episode/index.html").read_text(encoding="utf-8")
    for key in ("x", "facebook", "linkedin", "telegram", "email", "copy"):
        assert f'<svg class="icon icon-{key}"' in episode
    spanish = SITE_YAML.replace("language: en", "language: es")
    out_es = publish(make_show(1, show_yaml=spanish, name="es"), tmp_path / "out-es", NOW)
    home_es = (out_es / "index.html").read_text(encoding="utf-8")
    assert ">Copiar la URL del feed</span>" in home_es


def test_import_keeps_a_youtube_iframe_as_a_link_and_the_episode_video(tmp_path: Path) -> None:
    from test_import import codes, episode_files, item, rss, run_import

    notes = (
        "<![CDATA[<p>Intro.</p><div><iframe width='560' height='315' "
        "src='https://www.youtube.com/embed/Cx3mP7qLw2E?si=abc' title='YouTube video player' "
        "allowfullscreen></iframe></div><p>More <iframe src='https://evil.example/x'></iframe>"
        "text.</p>]]>"
    )
    report, show = run_import(
        tmp_path, rss(item(1, f"<content:encoded>{notes}</content:encoded>"), item(2))
    )
    first, second = episode_files(show)
    assert first["description"] == f"Intro.\n\n[{VIDEO}]({VIDEO})\n\nMore text."
    assert first["platforms"] == {"youtube": VIDEO}
    assert "platforms" not in second
    assert codes(report).count("W227") == 1
    warning = next(d for d in report.diagnostics if d.code == "W227")
    assert "kept as a link" in warning.message and warning.line > 0
    # the imported show checks clean of it and its page offers the video after a click
    result = check_show(show)
    assert not [d for d in result.diagnostics if d.code in ("W137", "W163", "W164")]
