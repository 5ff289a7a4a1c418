"""What makes builds fast, and nothing else: deleting what it does changes no output byte.

- cache: what each input file produced and what each output was rendered from,
  so that a build reads and renders only what changed;
- quickstate: the no-op answer from file stamps alone;
- memo: results of pure text functions (show notes HTML, search words) between builds;
- parallel: the big independent loops on every core;
- collector: Python's cycle collector paused while a build allocates.

Each part is a speed-up only: a missing or damaged cache means "work it out
again", and a run with every trick off (GAEPOD_SPEEDUPS=off, see switches)
publishes the same bytes, which the tests check.
"""
