/* gaepod search: with JavaScript the "Search" link leads to the search page,
   which loads search.json (built with the site) and filters it as you type.
   Without JavaScript the link leads to the archive of all episodes. Results
   are built with textContent only: nothing from the index becomes markup. */
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
  var entries = null;
  var LIMIT = 50;
  // The page's language: its sentences come from the page (data-messages), English otherwise.
  var ENGLISH = {
    prompt: "Type a word to search {n} episodes.",
    loading: "Loading the search index\u2026",
    one: "1 episode found.",
    many: "{n} episodes found.",
    first: "{n} episodes found (showing the first {limit}).",
    offline: "Search works when the site is served by a web server.",
    browse: "Browse all episodes"
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

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function say(text, linkText) {
    status.textContent = text;
    if (linkText) {
      var link = document.createElement("a");
      link.href = root + "archive/index.html";
      link.textContent = linkText;
      status.appendChild(document.createTextNode(" "));
      status.appendChild(link);
    }
  }

  function card(entry) {
    var item = document.createElement("li");
    item.className = "card";
    var article = document.createElement("article");
    var heading = document.createElement("h2");
    heading.className = "card-title";
    var link = document.createElement("a");
    link.href = root + entry.u;
    link.textContent = entry.t;
    heading.appendChild(link);
    var meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = [entry.d].concat(entry.g).join(" · ");
    article.appendChild(heading);
    article.appendChild(meta);
    if (entry.k.length) {
      var tags = document.createElement("p");
      tags.className = "summary";
      tags.textContent = entry.k.join(", ");
      article.appendChild(tags);
    }
    item.appendChild(article);
    return item;
  }

  function run() {
    var query = input.value.trim();
    results.textContent = "";
    if (!entries) {
      return;
    }
    var tokens = fold(query).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    if (!tokens.length) {
      say(text("prompt").replace("{n}", entries.length));
      return;
    }
    var found = entries.filter(function (entry) {
      return tokens.every(function (token) { return entry.hay.indexOf(token) !== -1; });
    });
    found.sort(function (a, b) { // title matches first, then newest first (index order)
      var ta = tokens.every(function (t) { return a.title.indexOf(t) !== -1; }) ? 0 : 1;
      var tb = tokens.every(function (t) { return b.title.indexOf(t) !== -1; }) ? 0 : 1;
      return ta - tb || a.order - b.order;
    });
    found.slice(0, LIMIT).forEach(function (entry) { results.appendChild(card(entry.data)); });
    var sentence = found.length === 1 ? "one" : found.length > LIMIT ? "first" : "many";
    say(text(sentence).replace("{n}", found.length).replace("{limit}", LIMIT));
  }

  var params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  say(text("loading"));
  fetch(results.getAttribute("data-index"))
    .then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    })
    .then(function (index) {
      entries = index.episodes.map(function (entry, order) {
        var title = fold(entry.t);
        var hay = [title, fold(entry.g.join(" ")), fold(entry.k.join(" ")), entry.w].join(" ");
        return { data: entry, title: title, hay: hay, order: order };
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
    run();
  });
})();
