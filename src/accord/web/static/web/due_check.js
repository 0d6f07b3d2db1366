// A live due-date check answers for what is typed now (S-MEET-4). The error a refused form
// left under the field was about what was typed then: it goes with the check's first answer,
// and the field is marked invalid only while the check says the new text is no date.
(function () {
  document.addEventListener("htmx:afterSwap", function (event) {
    var input = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!input || !input.matches || !input.matches("input[hx-get][name$='due_date']")) { return; }
    var stale = document.getElementById(input.id + "_error");
    if (stale) { stale.remove(); }
    var wrong = event.detail.target.querySelector(".errorlist") !== null;
    var field = input.closest(".field");
    if (field) { field.classList.toggle("invalid", wrong); }
    if (wrong) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
  });
})();
