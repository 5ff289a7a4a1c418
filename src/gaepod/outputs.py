"""What a run publishes, as a list of relative paths with bytes or a source file,
and the one place that writes such a list to the output folder."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from . import feed
from .errors import OutputError
from .fsio import atomic_copy, atomic_write, output_path
from .model import Podcast


@dataclass(frozen=True)
class Output:
    relpath: str  # inside the output folder, '/'-separated
    data: bytes | None = None  # generated content, or
    source: Path | None = None  # a file copied as it is


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0


def feed_outputs(podcast: Podcast, now: datetime) -> list[Output]:
    """The feed and every file it points to that gaepod publishes (art, chapters, transcripts)."""
    outputs = [Output(feed.FEED_PATH, data=feed.render(podcast, now))]
    outputs.extend(_asset_outputs(podcast, now))
    return outputs


def _asset_outputs(podcast: Podcast, now: datetime) -> list[Output]:
    show = podcast.show
    outputs: dict[str, Output] = {}
    if show.image.source and show.image.public_path:
        outputs[show.image.public_path] = Output(show.image.public_path, source=show.image.source)
    for episode in podcast.published(now):
        if episode.image and episode.image.source and episode.image.public_path:
            path = episode.image.public_path
            outputs[path] = Output(path, source=episode.image.source)
        transcript = episode.transcript
        if transcript and transcript.source and transcript.public_path:
            outputs[transcript.public_path] = Output(
                transcript.public_path, source=transcript.source
            )
        if episode.chapters:
            path = feed.chapters_path(episode)
            outputs[path] = Output(path, data=feed.chapters_json(episode))
    return [outputs[key] for key in sorted(outputs)]


def write_outputs(out: Path, outputs: Iterable[Output]) -> WriteReport:
    """Write every output atomically, skipping files whose bytes are already right.

    feed.xml is written last, so that when a new feed becomes visible every
    file it refers to is already in place.
    """
    ordered = sorted(outputs, key=lambda o: (o.relpath == feed.FEED_PATH, o.relpath))
    seen: set[str] = set()
    report = WriteReport()
    for output in ordered:
        key = output.relpath.casefold()
        if key in seen:
            raise OutputError(f"two outputs would be written to {output.relpath}")
        seen.add(key)
        target = output_path(out, output.relpath)
        if output.data is not None:
            changed = atomic_write(target, output.data)
        elif output.source is not None:
            changed = atomic_copy(output.source, target)
        else:  # pragma: no cover - constructed only above
            raise OutputError(f"output {output.relpath} has no content")
        if changed:
            report.written.append(output.relpath)
        else:
            report.unchanged += 1
    return report
