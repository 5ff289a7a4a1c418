/* gaepod search: with JavaScript the "Search" link leads to the search page, which
   loads search.json (titles, guests, topics and summaries of every episode and page)
   and, for each word typed, the one word file that holds it (the words of the show
   notes, the pages and the transcripts: see site/search.py). Without JavaScript the
   link leads to the archive of all episodes. Results are built with textContent
   and createElement only: nothing from the index becomes markup. */
(function () {
  "use strict";

  var links = document.querySelectorAll("a[data-search]");
  for (var i = 0; i < links.length; i++) {
    links[i].setAttribute("href", links[i].getAttribute("data-search"));
  }

  var results = document.getElementById("search-results");
  var input = document.getElementById("search-query");
  var status = document.getElementById("search-status");
  if (!results || !input || !status) {
    return;
  }
  var root = results.getAttribute("data-root") || "";
  var indexUrl = new URL(results.getAttribute("data-index"), window.location.href);
  var index = null;
  var docs = null;
  var shards = {};
  var generation = 0;
  var LIMIT = 50;
  var PREFIX = 3; // letters that choose a word's file (search.py: PREFIX)
  // The page's language: its sentences come from the page (data-messages), English otherwise.
  var ENGLISH = {
    prompt: "Type a word to search {n} episodes and the show\u2019s pages.",
    loading: "Loading the search index\u2026",
    one: "1 result found.",
    many: "{n} results found.",
    first: "{n} results found (showing the first {limit}).",
    offline: "Search works when the site is served by a web server.",
    browse: "Browse all episodes",
    page: "Page",
    notes: "In the show notes:",
    transcript: "In the transcript:",
    page_text: "On the page:"
  };
  var messages = {};
  try {
    messages = JSON.parse(results.getAttribute("data-messages") || "{}");
  } catch (error) {
    messages = {};
  }
  function text(name) {
    return messages[name] || ENGLISH[name];
  }

  function fold(value) {
    return value.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function tokensOf(query) {
    return fold(query).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }

  // Same as search.py's shard_of: the first PREFIX code points, hashed.
  function shardOf(word, count) {
    var value = 0;
    var characters = Array.from(word).slice(0, PREFIX);
    for (var c = 0; c < characters.length; c++) {
      value = (value * 31 + characters[c].codePointAt(0)) % 65521;
    }
    return value % count;
  }

  function loadShard(number) {
    if (!shards[number]) {
      var name = index.words + ("00" + number).slice(-3) + ".json";
      shards[number] = fetch(new URL(name, indexUrl)).then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      });
    }
    return shards[number];
  }

  function say(message, linkText) {
    status.textContent = message;
    if (linkText) {
      var link = document.createElement("a");
      link.href = root + "archive/index.html";
      link.textContent = linkText;
      status.appendChild(document.createTextNode(" "));
      status.appendChild(link);
    }
  }

  // `value` with each place a token occurs (accents and case aside) in a <mark>.
  function highlighted(value, tokens) {
    var folded = "";
    var starts = []; // for each folded character: the index in `value` it came from
    var characters = Array.from(value);
    var at = 0;
    characters.forEach(function (character) {
      var f = fold(character);
      for (var k = 0; k < f.length; k++) {
        starts.push(at);
      }
      folded += f;
      at += character.length;
    });
    starts.push(value.length);
    var ranges = [];
    tokens.forEach(function (token) {
      var from = folded.indexOf(token);
      while (from !== -1) {
        ranges.push([starts[from], starts[from + token.length]]);
        from = folded.indexOf(token, from + token.length);
      }
    });
    ranges.sort(function (a, b) { return a[0] - b[0]; });
    var fragment = document.createDocumentFragment();
    var done = 0;
    ranges.forEach(function (range) {
      var start = Math.max(range[0], done);
      if (range[1] <= start) {
        return;
      }
      fragment.appendChild(document.createTextNode(value.slice(done, start)));
      var mark = document.createElement("mark");
      mark.textContent = value.slice(start, range[1]);
      fragment.appendChild(mark);
      done = range[1];
    });
    fragment.appendChild(document.createTextNode(value.slice(done)));
    return fragment;
  }

  function card(found, tokens) {
    var entry = found.doc.data;
    var item = document.createElement("li");
    item.className = "card search-result";
    var article = document.createElement("article");
    var heading = document.createElement("h2");
    heading.className = "card-title";
    var link = document.createElement("a");
    link.href = root + entry.u;
    if (entry.l) {
      link.lang = entry.l;
    }
    link.appendChild(highlighted(entry.t, tokens));
    heading.appendChild(link);
    var meta = document.createElement("p");
    meta.className = "meta";
    var facts = entry.x === "p" ? [text("page")] : [entry.d].concat(entry.g);
    meta.appendChild(highlighted(facts.join(" \u00b7 "), tokens));
    article.appendChild(heading);
    article.appendChild(meta);
    if (entry.s) {
      var summary = document.createElement("p");
      summary.className = "summary";
      if (entry.l) {
        summary.lang = entry.l;
      }
      summary.appendChild(highlighted(entry.s, tokens));
      article.appendChild(summary);
    }
    ["notes", "transcript"].forEach(function (where) {
      var words = found[where];
      if (!words.length) {
        return;
      }
      var line = document.createElement("p");
      line.className = "found-in";
      var label = where === "notes" && entry.x === "p" ? "page_text" : where;
      line.appendChild(document.createTextNode(text(label) + " "));
      words.slice(0, 8).forEach(function (word, n) {
        if (n) {
          line.appendChild(document.createTextNode(", "));
        }
        var mark = document.createElement("mark");
        mark.textContent = word;
        line.appendChild(mark);
      });
      article.appendChild(line);
    });
    item.appendChild(article);
    return item;
  }

  // Which documents have `token`, and through which words of their notes or transcript.
  function lookup(token, shard) {
    var hits = {}; // doc number -> {notes: [words], transcript: [words]}
    if (!shard) {
      return hits;
    }
    var exact = Array.from(token).length < PREFIX;
    Object.keys(shard).forEach(function (word) {
      if (exact ? word !== token : word.lastIndexOf(token, 0) !== 0) {
        return;
      }
      var lists = shard[word];
      [["notes", lists[0] || []], ["transcript", lists[1] || []]].forEach(function (pair) {
        pair[1].forEach(function (number) {
          var hit = hits[number] || (hits[number] = { notes: [], transcript: [] });
          hit[pair[0]].push(word);
        });
      });
    });
    return hits;
  }

  function show(tokens, tables) {
    results.textContent = "";
    var found = [];
    docs.forEach(function (doc, number) {
      var notes = [];
      var spoken = [];
      var inMeta = 0;
      for (var t = 0; t < tokens.length; t++) {
        var token = tokens[t];
        if (doc.meta.indexOf(token) !== -1) {
          inMeta += 1;
          continue;
        }
        var hit = tables[t] && tables[t][number];
        if (!hit) {
          return;
        }
        notes = notes.concat(hit.notes);
        spoken = spoken.concat(hit.transcript);
      }
      var inTitle = tokens.every(function (token) { return doc.title.indexOf(token) !== -1; });
      found.push({
        doc: doc, number: number, rank: (inTitle ? 0 : 2) - inMeta / (tokens.length + 1),
        notes: notes.filter(unique), transcript: spoken.filter(unique)
      });
    });
    // Title matches first, then what matched in titles, guests, topics and summaries,
    // then newest first (index order: episodes, then pages).
    found.sort(function (a, b) { return a.rank - b.rank || a.number - b.number; });
    found.slice(0, LIMIT).forEach(function (hit) { results.appendChild(card(hit, tokens)); });
    var sentence = found.length === 1 ? "one" : found.length > LIMIT ? "first" : "many";
    say(text(sentence).replace("{n}", found.length).replace("{limit}", LIMIT));
  }

  function unique(value, position, list) {
    return list.indexOf(value) === position;
  }

  function run() {
    var query = input.value.trim();
    var tokens = tokensOf(query);
    var mine = ++generation;
    if (!docs) {
      return;
    }
    if (!tokens.length) {
      results.textContent = "";
      var episodes = docs.filter(function (doc) { return doc.data.x !== "p"; }).length;
      say(text("prompt").replace("{n}", episodes));
      return;
    }
    var wanted = tokens.map(function (token) {
      return Array.from(token).length < 2 ? Promise.resolve(null)
        : loadShard(shardOf(token, index.shards));
    });
    Promise.all(wanted).then(function (loaded) {
      if (mine !== generation) {
        return; // a newer query is on its way
      }
      show(tokens, loaded.map(function (shard, t) { return lookup(tokens[t], shard); }));
    }).catch(function () {
      say(text("offline"), text("browse"));
    });
  }

  var params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  say(text("loading"));
  fetch(indexUrl)
    .then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    })
    .then(function (loaded) {
      index = loaded;
      docs = loaded.docs.map(function (entry) {
        var title = fold(entry.t);
        var meta = [title, fold((entry.g || []).join(" ")), fold((entry.k || []).join(" ")),
          fold(entry.s || "")].join(" \u0000 ");
        return { data: entry, title: title, meta: meta };
      });
      run();
    })
    .catch(function () {
      say(text("offline"), text("browse"));
    });

  var timer = null;
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(run, 120);
  });
  input.form.addEventListener("submit", function (event) {
    event.preventDefault();
    var url = new URL(window.location.href);
    url.searchParams.set("q", input.value.trim());
    window.history.replaceState(null, "", url);
    run();
  });
})();
