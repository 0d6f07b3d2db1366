// The live workspace (meetings/run/page.html): the meeting's clock and the time warnings in
// the bar, and the keyboard shortcuts. Topic timers tick in web/accord.js.
(function () {
  function text(key, values) { return window.accordText ? window.accordText(key, values) : key; }
  function now() { return window.accordNow ? window.accordNow() : Date.now(); }

  // Warn once the topic's planned minutes are used up, and as the meeting's end nears.
  function warn() {
    var out = document.getElementById("time-warning");
    if (!out) { return; }
    var messages = [];
    var timer = document.querySelector(".ws-bar .timer[data-timer-start]");
    if (timer) {
      var planned = parseInt(timer.dataset.timerPlanned || "0", 10);
      var secs = (now() - Date.parse(timer.dataset.timerStart)) / 1000;
      if (planned > 0 && secs > planned * 60) { messages.push(text("over", { minutes: planned })); }
    }
    var clock = document.querySelector(".meeting-clock[data-meeting-end]");
    if (clock) {
      var left = Math.round((Date.parse(clock.dataset.meetingEnd) - now()) / 60000);
      clock.textContent = left >= 0 ? text("clockLeft", { minutes: left }) : text("clockLate", { minutes: -left });
      clock.classList.toggle("near", left >= 0 && left <= 10);
      clock.classList.toggle("over", left < 0);
      if (left < 0) { messages.push(text("late", { minutes: -left })); }
      else if (left <= 5) { messages.push(text("left", { minutes: left })); }
    }
    var message = messages.join(" ");
    // Only a change is announced: the status region is read out when its text changes.
    if (out.textContent !== message) { out.textContent = message; }
    document.body.classList.toggle("time-warning", messages.length > 0);
  }

  function focusField(selector) {
    var field = document.querySelector(selector);
    if (!field) { return false; }
    var fold = field.closest("details");
    if (fold && !fold.open) { fold.open = true; }
    field.scrollIntoView({ block: "center" });
    field.focus();
    return true;
  }

  // Alt+T the topic's first field, Alt+N the next topic, Alt+A a new action item, Alt+O a new
  // objection.
  var keys = {
    t: function () { var skip = document.querySelector("a.skip[href^='#id_']"); return skip && focusField(skip.getAttribute("href")); },
    n: function () { var link = document.querySelector("[data-shortcut=next-topic]"); if (link) { link.click(); return true; } return false; },
    a: function () { return focusField("#actions form[hx-post$='/run/actions/'] textarea, #actions form[hx-post$='/run/actions/'] input[type=text]"); },
    o: function () { return focusField("#objections form[hx-post$='/run/objections/'] textarea"); }
  };
  document.addEventListener("keydown", function (event) {
    if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || event.isComposing) { return; }
    // By the character the key gives: on a Mac, Option with a letter types another letter
    // (å, ø), which stays the person's to type.
    var act = keys[(event.key || "").toLowerCase()];
    if (act && act()) { event.preventDefault(); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    warn();
    setInterval(warn, 1000);
  });
})();
