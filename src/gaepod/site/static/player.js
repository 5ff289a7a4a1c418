/* gaepod player: chapter links seek the episode's <audio> element.
   Without JavaScript each chapter is a plain link to the audio file with a
   media fragment (#t=SECONDS), which browsers open at that time. */
(function () {
  "use strict";

  function chapterLinks(player) {
    return document.querySelectorAll('a[data-player="' + player.id + '"]');
  }

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey) {
      return; // let the browser open the link in a new tab/window as asked
    }
    var link = event.target.closest ? event.target.closest("a[data-start]") : null;
    if (!link) {
      return;
    }
    var player = document.getElementById(link.getAttribute("data-player"));
    var start = parseFloat(link.getAttribute("data-start"));
    if (!player || isNaN(start)) {
      return;
    }
    event.preventDefault();
    player.currentTime = start;
    var playing = player.play();
    if (playing && typeof playing.catch === "function") {
      playing.catch(function () { /* autoplay refused: the position is set anyway */ });
    }
  });

  // Mark the chapter being played, for sighted and screen-reader users alike.
  var players = document.querySelectorAll("audio[id]");
  Array.prototype.forEach.call(players, function (player) {
    var links = chapterLinks(player);
    if (!links.length) {
      return;
    }
    player.addEventListener("timeupdate", function () {
      var current = -1;
      for (var i = 0; i < links.length; i++) {
        if (parseFloat(links[i].getAttribute("data-start")) <= player.currentTime + 0.25) {
          current = i;
        }
      }
      for (var j = 0; j < links.length; j++) {
        if (j === current) {
          links[j].setAttribute("aria-current", "true");
        } else {
          links[j].removeAttribute("aria-current");
        }
      }
    });
  });
})();
