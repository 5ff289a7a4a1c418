/* gaepod player: turns each .audio-player (an <audio controls> and a download link,
   which is all a listener without JavaScript gets) into the show's player: play/pause,
   back 15 s and forward 30 s, speed, a timeline with chapter marks and the current
   chapter's title, elapsed and remaining time, resume where the listener left off
   (per episode, in localStorage, forgotten near the end), keyboard shortcuts and the
   lock screen's controls (Media Session). Chapter links (<a data-start data-player>),
   highlights (<a data-start data-seek href="...#t=START,END">, played to their end)
   and page addresses ending in #t=SECONDS (or #t=1:02:03) seek it. Every sentence it writes
   comes from the page (data-messages, in the page's language); nothing it reads from
   the page becomes markup. */
(function () {
  "use strict";

  var RATES = [0.75, 1, 1.25, 1.5, 1.75, 2];
  var BACK = 15;
  var FORWARD = 30;
  var NUDGE = 5; // arrow keys on the timeline itself
  var SAVE_EVERY = 5; // seconds of listening between two saves of the position
  var POSITION = "gaepod:position:";
  var RATE = "gaepod:rate";
  var ENGLISH = {
    play: "Play",
    pause: "Pause",
    position: "{elapsed} of {duration}",
    chapter: "Chapter {n} of {count}",
    resumed: "Resumed at {time}.",
    failed: "This episode cannot be played here: download it instead."
  };
  var players = [];
  var active = null; // the player the keyboard and the lock screen control

  function store() {
    try {
      return window.localStorage || null;
    } catch (error) {
      return null; // storage disabled (privacy settings, some file:// pages)
    }
  }

  function recall(key) {
    var storage = store();
    try {
      return storage ? storage.getItem(key) : null;
    } catch (error) {
      return null;
    }
  }

  function keep(key, value) {
    var storage = store();
    try {
      if (storage && value === null) {
        storage.removeItem(key);
      } else if (storage) {
        storage.setItem(key, value);
      }
    } catch (error) { /* full or refused: the player works without memory */ }
  }

  function parsed(text, fallback) {
    try {
      return JSON.parse(text || "") || fallback;
    } catch (error) {
      return fallback;
    }
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }

  function clock(seconds) {
    var total = Math.max(0, Math.floor(seconds || 0));
    var hours = Math.floor(total / 3600);
    var minutes = Math.floor(total / 60) % 60;
    var secs = total % 60;
    var mm = hours && minutes < 10 ? "0" + minutes : String(minutes);
    return (hours ? hours + ":" : "") + mm + ":" + (secs < 10 ? "0" : "") + secs;
  }

  /* "90", "90.5", "1:30", "1:02:03", "1h2m3s", "2m" -> seconds (NaN otherwise). */
  function seconds(text) {
    var value = String(text).split(",")[0]; // a media fragment's range: t=10,20
    if (/^\d+(\.\d+)?$/.test(value)) {
      return parseFloat(value);
    }
    var parts = /^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(value);
    if (parts) {
      return (parseInt(parts[1] || "0", 10) * 3600) + (parseInt(parts[2], 10) * 60) +
        parseFloat(parts[3]);
    }
    parts = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(value);
    if (parts && (parts[1] || parts[2] || parts[3])) {
      return (parseInt(parts[1] || "0", 10) * 3600) + (parseInt(parts[2] || "0", 10) * 60) +
        parseFloat(parts[3] || "0");
    }
    return NaN;
  }

  function hashTime() {
    var match = /(?:^#|&)t=([^&]+)/.exec(window.location.hash);
    if (!match) {
      return NaN;
    }
    try {
      return seconds(decodeURIComponent(match[1]));
    } catch (error) {
      return NaN;
    }
  }

  function rateText(rate) {
    var lang = document.documentElement.lang || undefined;
    try {
      return rate.toLocaleString(lang, { maximumFractionDigits: 2 }) + "\u00d7";
    } catch (error) {
      return rate + "\u00d7";
    }
  }

  function startPlaying(audio) {
    var playing = audio.play();
    if (playing && typeof playing.catch === "function") {
      playing.catch(function () { /* refused (autoplay rules): the button still says Play */ });
    }
  }

  function enhance(box) {
    var audio = document.getElementById(box.getAttribute("data-audio"));
    var ui = box.querySelector(".player-ui");
    if (!audio || !ui || typeof audio.play !== "function") {
      return null;
    }
    function part(name) {
      return ui.querySelector("." + name);
    }
    var playButton = part("pp-play");
    var seek = part("pp-seek");
    var marks = part("pp-marks");
    var elapsed = part("pp-elapsed");
    var remaining = part("pp-remaining");
    var chapterNumber = part("pp-chapter-number");
    var chapterTitle = part("pp-chapter-title");
    var prevButton = part("pp-prev");
    var nextButton = part("pp-next");
    var rateLabel = part("pp-rate");
    var resumeNote = part("pp-resume");
    var messages = parsed(box.getAttribute("data-messages"), {});
    var chapters = parsed(box.getAttribute("data-chapters"), [])
      .map(function (c) { return { start: Number(c[0]), title: String(c[1]) }; })
      .filter(function (c) { return isFinite(c.start) && c.start >= 0; })
      .sort(function (a, b) { return a.start - b.start; });
    var key = POSITION + (box.getAttribute("data-key") || audio.currentSrc || audio.src);
    var knownDuration = parseFloat(box.getAttribute("data-duration")) || 0;
    var chapterLinks = document.querySelectorAll('a[data-player="' + audio.id + '"]');
    var ready = false; // until the starting position is chosen, nothing is saved
    var dragging = false;
    var lastSaved = -Infinity;
    var shownChapter = -2;
    var target = NaN; // a position asked for before the audio's metadata was there
    var stopAt = NaN; // where a highlight ends
    var player;

    function text(name) {
      return messages[name] || ENGLISH[name];
    }

    function duration() {
      var d = audio.duration;
      return isFinite(d) && d > 0 ? d : knownDuration;
    }

    function nearEnd(d) {
      return Math.min(30, d * 0.05);
    }

    function chapterAt(time) {
      var at = -1;
      for (var i = 0; i < chapters.length; i++) {
        if (chapters[i].start <= time + 0.25) {
          at = i;
        }
      }
      return at;
    }

    function showChapter(time) {
      if (!chapters.length) {
        return;
      }
      var at = chapterAt(time);
      if (at === shownChapter) {
        return;
      }
      shownChapter = at;
      chapterNumber.textContent = at >= 0 ?
        fill(text("chapter"), { n: at + 1, count: chapters.length }) : "";
      chapterTitle.textContent = at >= 0 ? chapters[at].title : "";
      nextButton.setAttribute("aria-disabled", String(at >= chapters.length - 1));
      prevButton.setAttribute("aria-disabled", String(at < 0));
      for (var i = 0; i < chapterLinks.length; i++) {
        var start = parseFloat(chapterLinks[i].getAttribute("data-start"));
        if (at >= 0 && Math.abs(start - chapters[at].start) < 0.001) {
          chapterLinks[i].setAttribute("aria-current", "true");
        } else {
          chapterLinks[i].removeAttribute("aria-current");
        }
      }
      var items = marks.children;
      for (var j = 0; j < items.length; j++) {
        items[j].classList.toggle("is-past", Number(items[j].getAttribute("data-index")) <= at);
      }
    }

    function showTime(time) {
      var d = duration();
      seek.max = String(d || 1);
      if (!dragging) {
        seek.value = String(time);
      }
      seek.style.setProperty("--progress", (d ? Math.min(100, (time / d) * 100) : 0) + "%");
      elapsed.textContent = clock(time);
      remaining.textContent = d ? "\u2212" + clock(d - time) : "";
      seek.setAttribute("aria-valuetext",
        fill(text("position"), { elapsed: clock(time), duration: clock(d) }));
      showChapter(time);
    }

    function drawMarks() {
      var d = duration();
      marks.textContent = "";
      if (!d) {
        return;
      }
      chapters.forEach(function (chapter, index) {
        if (chapter.start <= 0 || chapter.start >= d) {
          return;
        }
        // Pointer-only (the chapter list and the chapter buttons serve keyboards and
        // screen readers): out of the tab order, inside an aria-hidden box.
        var mark = document.createElement("button");
        mark.type = "button";
        mark.tabIndex = -1;
        mark.className = "pp-mark";
        mark.title = clock(chapter.start) + " " + chapter.title;
        mark.setAttribute("data-index", String(index));
        mark.style.setProperty("--at", String(chapter.start / d));
        mark.addEventListener("click", function () {
          player.seekTo(chapter.start);
        });
        marks.appendChild(mark);
      });
      shownChapter = -2;
    }

    function remember(force) {
      if (!ready) {
        return;
      }
      var time = audio.currentTime;
      if (!force && Math.abs(time - lastSaved) < SAVE_EVERY) {
        return;
      }
      lastSaved = time;
      var d = duration();
      if (audio.ended || time < 1 || (d && d - time < nearEnd(d))) {
        keep(key, null); // finished, or started over: next visit starts at the beginning
      } else {
        keep(key, time.toFixed(1));
      }
    }

    function setRate(rate) {
      audio.defaultPlaybackRate = rate; // kept when the browser reloads the source
      audio.playbackRate = rate;
      rateLabel.textContent = rateText(rate);
    }

    function stepRate(direction) {
      var at = RATES.indexOf(audio.playbackRate);
      if (at < 0) {
        at = RATES.indexOf(1);
      }
      var next = direction > 0 ? (at + 1) % RATES.length : Math.max(0, at - 1);
      setRate(RATES[next]);
      keep(RATE, String(RATES[next]));
    }

    function positionState() {
      var session = navigator.mediaSession;
      var d = duration();
      if (!session || !session.setPositionState || active !== player || !d) {
        return;
      }
      try {
        session.setPositionState({
          duration: d,
          playbackRate: audio.playbackRate,
          position: Math.min(audio.currentTime, d)
        });
      } catch (error) { /* an older implementation: the lock screen shows no progress */ }
    }

    function takeLockScreen() {
      active = player;
      var session = navigator.mediaSession;
      if (!session) {
        return;
      }
      try {
        var artwork = box.getAttribute("data-artwork");
        session.metadata = new window.MediaMetadata({
          title: box.getAttribute("data-title") || "",
          artist: box.getAttribute("data-artist") || "",
          album: box.getAttribute("data-album") || "",
          artwork: artwork ? [{ src: new URL(artwork, document.baseURI).href }] : []
        });
      } catch (error) { /* no MediaMetadata: controls without the episode's details */ }
      var actions = {
        play: function () { startPlaying(audio); },
        pause: function () { audio.pause(); },
        seekbackward: function (details) { player.skip(-((details && details.seekOffset) || BACK)); },
        seekforward: function (details) { player.skip((details && details.seekOffset) || FORWARD); },
        seekto: function (details) {
          if (details && isFinite(details.seekTime)) {
            player.seekTo(details.seekTime);
          }
        },
        previoustrack: chapters.length ? function () { player.chapter(-1); } : null,
        nexttrack: chapters.length ? function () { player.chapter(1); } : null
      };
      Object.keys(actions).forEach(function (action) {
        try {
          session.setActionHandler(action, actions[action]);
        } catch (error) { /* this browser does not know the action */ }
      });
      positionState();
    }

    player = {
      audio: audio,
      toggle: function () {
        if (audio.paused || audio.ended) {
          startPlaying(audio);
        } else {
          audio.pause();
        }
      },
      play: function () {
        startPlaying(audio);
      },
      stopAt: function (time) {
        stopAt = time > 0 ? time : NaN;
      },
      seekTo: function (time) {
        stopAt = NaN; // the listener went elsewhere: no highlight to stop at
        var d = duration();
        var to = Math.max(0, d ? Math.min(time, d) : time);
        if (audio.readyState < 1) {
          target = to; // applied when the metadata arrives
          if (audio.networkState === 0) {
            audio.load();
          }
        } else {
          audio.currentTime = to;
        }
        showTime(to);
      },
      skip: function (delta) {
        var from = audio.readyState < 1 && !isNaN(target) ? target : audio.currentTime;
        player.seekTo(from + delta);
      },
      chapter: function (direction) {
        if (!chapters.length) {
          return;
        }
        var time = audio.currentTime;
        var at = chapterAt(time);
        if (direction < 0) {
          // Like a CD player: back to this chapter's start, unless just past it.
          var back = at >= 0 && time - chapters[at].start > 3 ? at : at - 1;
          player.seekTo(back >= 0 ? chapters[back].start : 0);
        } else if (at + 1 < chapters.length) {
          player.seekTo(chapters[at + 1].start);
        }
      },
      stepRate: stepRate
    };

    function start() {
      var asked = hashTime();
      var saved = parseFloat(recall(key));
      var d = duration();
      if (!isNaN(target)) {
        audio.currentTime = target;
      } else if (!isNaN(asked)) {
        audio.currentTime = Math.min(asked, d || asked);
      } else if (isFinite(saved) && saved > 0 && !(d && d - saved < nearEnd(d))) {
        audio.currentTime = saved;
        part("pp-resume-text").textContent = fill(text("resumed"), { time: clock(saved) });
        resumeNote.hidden = false;
      }
      target = NaN;
      ready = true;
      drawMarks();
      showTime(audio.currentTime);
    }

    // The browser's controls give way to ours.
    audio.controls = false;
    ui.hidden = false;
    box.classList.add("is-enhanced");
    if (chapters.length) {
      prevButton.hidden = false;
      nextButton.hidden = false;
    } else {
      part("pp-now").hidden = true;
    }
    var savedRate = parseFloat(recall(RATE));
    setRate(RATES.indexOf(savedRate) >= 0 ? savedRate : 1);
    drawMarks();
    showTime(0);
    if (audio.readyState >= 1) {
      start();
    } else {
      audio.addEventListener("loadedmetadata", start, { once: true });
    }

    playButton.addEventListener("click", player.toggle);
    part("pp-back").addEventListener("click", function () { player.skip(-BACK); });
    part("pp-forward").addEventListener("click", function () { player.skip(FORWARD); });
    prevButton.addEventListener("click", function () { player.chapter(-1); });
    nextButton.addEventListener("click", function () { player.chapter(1); });
    part("pp-speed").addEventListener("click", function () { stepRate(1); });
    part("pp-restart").addEventListener("click", function () {
      resumeNote.hidden = true;
      player.seekTo(0);
      keep(key, null);
    });
    seek.addEventListener("input", function () {
      dragging = true;
      showTime(parseFloat(seek.value));
    });
    seek.addEventListener("change", function () {
      dragging = false;
      player.seekTo(parseFloat(seek.value));
    });

    audio.addEventListener("play", function () {
      box.classList.add("is-playing");
      playButton.setAttribute("aria-label", text("pause"));
      resumeNote.hidden = true;
      takeLockScreen();
    });
    audio.addEventListener("pause", function () {
      box.classList.remove("is-playing");
      playButton.setAttribute("aria-label", text("play"));
      remember(true);
    });
    audio.addEventListener("timeupdate", function () {
      if (audio.currentTime >= stopAt) {
        stopAt = NaN;
        audio.pause();
      }
      showTime(audio.currentTime);
      remember(false);
    });
    audio.addEventListener("seeked", function () {
      remember(true);
      positionState();
    });
    audio.addEventListener("durationchange", function () {
      drawMarks();
      showTime(audio.currentTime);
    });
    audio.addEventListener("ratechange", function () {
      rateLabel.textContent = rateText(audio.playbackRate);
      positionState();
    });
    audio.addEventListener("ended", function () {
      keep(key, null);
    });
    function failed() {
      // Unplayable here (a missing file, a format the browser lacks): give the
      // browser's own controls back, with the reason, next to the download link.
      if (!audio.error || box.classList.contains("is-failed")) {
        return;
      }
      ui.hidden = true;
      box.classList.remove("is-enhanced");
      box.classList.add("is-failed");
      audio.controls = true;
      var note = document.createElement("p");
      note.className = "pp-failed";
      note.textContent = text("failed");
      box.insertBefore(note, ui);
    }
    audio.addEventListener("error", failed);
    failed(); // it may have failed before this script ran
    window.addEventListener("pagehide", function () { remember(true); });
    return player;
  }

  function playerOf(audio) {
    for (var i = 0; i < players.length; i++) {
      if (players[i].audio === audio) {
        return players[i];
      }
    }
    return null;
  }

  var boxes = document.querySelectorAll(".audio-player[data-audio]");
  for (var i = 0; i < boxes.length; i++) {
    var made = enhance(boxes[i]);
    if (made) {
      players.push(made);
    }
  }

  // Chapter links: seek and play in the page (a new tab or window when asked for one).
  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey) {
      return;
    }
    var link = event.target.closest ? event.target.closest("a[data-start]") : null;
    // data-seek: a highlight (soundbite), which seeks like a chapter but is never marked
    // as the chapter playing
    var target = link && (link.getAttribute("data-player") || link.getAttribute("data-seek"));
    var audio = target ? document.getElementById(target) : null;
    var start = link ? parseFloat(link.getAttribute("data-start")) : NaN;
    if (!audio || isNaN(start)) {
      return;
    }
    event.preventDefault();
    var player = playerOf(audio);
    // A moment with an end (a highlight: #t=START,END) plays until that end.
    var range = /#t=[^,&]+,([^&]+)/.exec(link.getAttribute("href") || "");
    if (player) {
      active = player;
      player.seekTo(start);
      player.stopAt(range ? seconds(range[1]) : NaN);
      player.play();
    } else {
      audio.currentTime = start;
      startPlaying(audio);
    }
  });

  // #t=90 (or #t=1:30) in the page's address: a link to a moment of the episode.
  window.addEventListener("hashchange", function () {
    var time = hashTime();
    if (!isNaN(time) && players.length) {
      (active || players[0]).seekTo(time);
    }
  });

  function typing(element) {
    if (!element || element === document.body) {
      return false;
    }
    if (element.isContentEditable) {
      return true;
    }
    var tag = element.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") {
      return true;
    }
    return tag === "INPUT" &&
      !/^(range|button|submit|reset|image|color|file)$/.test(element.type);
  }

  function pressable(element) {
    return Boolean(element && element.closest &&
      element.closest("a[href], button, summary, [role='button'], [role='link']"));
  }

  // Shortcuts, for the page's player; never while the listener types, and never taking
  // Space from a focused button or link (it presses them).
  document.addEventListener("keydown", function (event) {
    if (!players.length || event.defaultPrevented || event.ctrlKey || event.metaKey ||
        event.altKey || typing(event.target)) {
      return;
    }
    var player = active || players[0];
    var onTimeline = event.target.classList && event.target.classList.contains("pp-seek");
    var key = event.key;
    if (key === " " || key === "Spacebar") {
      if (pressable(event.target)) {
        return;
      }
      player.toggle();
    } else if (key === "k" || key === "K") {
      player.toggle();
    } else if (key === "j" || key === "J") {
      player.skip(-BACK);
    } else if (key === "l" || key === "L") {
      player.skip(FORWARD);
    } else if (key === "ArrowLeft" || key === "ArrowRight") {
      var forward = key === "ArrowRight";
      player.skip(onTimeline ? (forward ? NUDGE : -NUDGE) : (forward ? FORWARD : -BACK));
    } else if (key === "<" || key === ">") {
      player.stepRate(key === ">" ? 1 : -1);
    } else if (key === "n" || key === "N") {
      player.chapter(1);
    } else if (key === "p" || key === "P") {
      player.chapter(-1);
    } else {
      return;
    }
    active = player;
    event.preventDefault();
  });
})();
