/* gaepod links: "copy" links and click-to-load videos.
   Without JavaScript a copy link is a plain link (to the feed, to the page) and a
   video is a link to its page on YouTube: nothing here is needed to reach anything.
   With it, a copy link puts its address on the clipboard, and a video's player is
   created only when the listener clicks, so no request leaves the site before. */
(function () {
  "use strict";

  var announcer = null;
  function announce(message) {
    if (!announcer) {
      announcer = document.createElement("div");
      announcer.className = "visually-hidden";
      announcer.setAttribute("role", "status");
      document.body.appendChild(announcer);
    }
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = message; }, 50);
  }

  function copyWithSelection(text) {
    var field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.style.position = "fixed";
    field.style.opacity = "0";
    document.body.appendChild(field);
    field.select();
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    document.body.removeChild(field);
    return copied;
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(
        function () { return true; },
        function () { return copyWithSelection(text); }
      );
    }
    return Promise.resolve(copyWithSelection(text));
  }

  function showCopied(link, message) {
    var label = link.querySelector("span") || link;
    if (!link.hasAttribute("data-label")) {
      link.setAttribute("data-label", label.textContent);
    }
    label.textContent = message;
    link.classList.add("is-copied");
    announce(message);
    window.clearTimeout(link.gaepodTimer);
    link.gaepodTimer = window.setTimeout(function () {
      label.textContent = link.getAttribute("data-label");
      link.classList.remove("is-copied");
    }, 2500);
  }

  function playVideo(frame) {
    var iframe = document.createElement("iframe");
    iframe.src = frame.getAttribute("data-embed");
    iframe.title = frame.getAttribute("data-title") || "";
    iframe.width = "640";
    iframe.height = "360";
    iframe.allow = "accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; " +
      "picture-in-picture; web-share";
    iframe.setAttribute("allowfullscreen", "");
    iframe.referrerPolicy = "strict-origin-when-cross-origin";
    frame.textContent = "";
    frame.appendChild(iframe);
    frame.classList.add("is-playing");
    iframe.focus();
  }

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey || !event.target.closest) {
      return; // a new tab or window, as asked: the plain link
    }
    var link = event.target.closest("a[data-copy]");
    if (link) {
      event.preventDefault();
      copy(link.getAttribute("data-copy")).then(function (copied) {
        showCopied(link, link.getAttribute(copied ? "data-copied" : "data-failed"));
        if (!copied) {
          window.prompt(link.getAttribute("data-failed"), link.getAttribute("data-copy"));
        }
      });
      return;
    }
    var facade = event.target.closest(".video-frame[data-embed] a");
    if (facade) {
      event.preventDefault();
      playVideo(facade.parentNode);
    }
  });
})();
