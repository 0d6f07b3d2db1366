// Accord: the little the server cannot do — live timers, selects that submit themselves.
(function () {
  function pad(n) { return String(n).padStart(2, "0"); }
  function tick() {
    document.querySelectorAll("[data-timer-start]").forEach(function (el) {
      var start = Date.parse(el.dataset.timerStart);
      var planned = parseInt(el.dataset.timerPlanned || "0", 10) * 60;
      var secs = Math.max(0, Math.floor((Date.now() - start) / 1000));
      el.textContent = pad(Math.floor(secs / 60)) + ":" + pad(secs % 60);
      el.classList.toggle("over", planned > 0 && secs > planned);
    });
  }
  setInterval(tick, 1000);
  // A select marked data-autosubmit sends its form when changed (the language switch).
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]")) { event.target.form.requestSubmit(); }
  });
  document.addEventListener("DOMContentLoaded", tick);
})();
