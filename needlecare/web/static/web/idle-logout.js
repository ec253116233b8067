// Warns before the idle sign-out (accounts/sessions.py) and offers "Stay signed in".
// Included by web/base.html for signed-in pages; no inline script (the CSP forbids it).
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch) {
    return;
  }
  var idle = Number(script.dataset.idleSeconds) || 1800;
  var warn = Number(script.dataset.warnSeconds) || 120;
  var statusUrl = script.dataset.statusUrl;
  var loginUrl = script.dataset.loginUrl;
  var timer = null;
  var ticker = null;
  var dialog = null;
  var countdown = null;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function signedOut() {
    var here = window.location.pathname + window.location.search;
    window.location.assign(loginUrl + "?next=" + encodeURIComponent(here));
  }

  function schedule(secondsLeft) {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, Math.max(0, secondsLeft - warn) * 1000);
  }

  function answer(response) {
    if (response.status === 401) {
      signedOut();
      return null;
    }
    return response.ok ? response.json() : null;
  }

  // Asks the server how long is left (another tab may have been busy): looking is not activity.
  function check() {
    window
      .fetch(statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(answer)
      .then(function (data) {
        if (!data) {
          return;
        }
        if (data.seconds_left <= 0) {
          signedOut();
        } else if (data.seconds_left > warn) {
          hideWarning();
          schedule(data.seconds_left);
        } else {
          showWarning(data.seconds_left);
        }
      })
      .catch(function () {
        schedule(warn + 30);
      });
  }

  function stay() {
    window
      .fetch(statusUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
      })
      .then(answer)
      .then(function (data) {
        if (data) {
          hideWarning();
          schedule(data.seconds_left);
        }
      });
  }

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "idle-warning";
    dialog.setAttribute("aria-labelledby", "idle-warning-title");
    var title = document.createElement("h2");
    title.id = "idle-warning-title";
    title.textContent = "Are you still there?";
    var text = document.createElement("p");
    text.textContent = "For privacy you will be signed out in ";
    countdown = document.createElement("strong");
    text.appendChild(countdown);
    text.appendChild(document.createTextNode(" unless you choose to stay signed in."));
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.textContent = "Stay signed in";
    button.addEventListener("click", stay);
    dialog.addEventListener("cancel", function (event) {
      event.preventDefault();
      stay();
    });
    dialog.appendChild(title);
    dialog.appendChild(text);
    dialog.appendChild(button);
    document.body.appendChild(dialog);
  }

  function showWarning(secondsLeft) {
    if (!dialog) {
      build();
    }
    var ends = Date.now() + secondsLeft * 1000;
    function tick() {
      var left = Math.max(0, Math.round((ends - Date.now()) / 1000));
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      countdown.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      if (left <= 0) {
        window.clearInterval(ticker);
        check();
      }
    }
    window.clearInterval(ticker);
    tick();
    ticker = window.setInterval(tick, 1000);
    if (!dialog.open) {
      if (dialog.showModal) {
        dialog.showModal();
      } else {
        dialog.setAttribute("open", "");
      }
    }
  }

  function hideWarning() {
    window.clearInterval(ticker);
    if (dialog && dialog.open) {
      dialog.close();
    }
  }

  schedule(idle);
})();
