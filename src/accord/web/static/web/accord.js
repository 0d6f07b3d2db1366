// Accord: the little the server cannot do — live timers, selects that submit themselves, and
// the keeper, which makes sure no button discards what someone typed in another form.
(function () {
  function pad(n) { return String(n).padStart(2, "0"); }
  // The server's clock, as the page gave it (data-now): timers count from the server's time,
  // not from a computer whose clock is off.
  var skew = null;
  function now() {
    if (skew === null) {
      var given = document.querySelector("[data-now]");
      skew = given ? Date.parse(given.dataset.now) - Date.now() : 0;
      if (isNaN(skew)) { skew = 0; }
    }
    return Date.now() + skew;
  }
  window.accordNow = now;
  window.accordText = function (key, values) { return text(key, values); };
  function tick() {
    document.querySelectorAll("[data-timer-start]").forEach(function (el) {
      var start = Date.parse(el.dataset.timerStart);
      var planned = parseInt(el.dataset.timerPlanned || "0", 10) * 60;
      var secs = Math.max(0, Math.floor((now() - start) / 1000));
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
  document.addEventListener("htmx:afterSettle", tick);
  // A part that reads itself again (hx-select) keeps what it shows when the answer lacks it
  // (the session ended and the sign-in page came back instead).
  document.addEventListener("htmx:beforeSwap", function (event) {
    var source = event.detail.requestConfig && event.detail.requestConfig.elt;
    var selector = source && source.getAttribute && source.getAttribute("hx-select");
    if (!selector || selector.charAt(0) !== "#" || !event.detail.xhr) { return; }
    var body = event.detail.xhr.responseText || "";
    if (body.indexOf('id="' + selector.slice(1) + '"') < 0) { event.detail.shouldSwap = false; }
  });

  // -- The keeper -------------------------------------------------------------------------------
  // Every POST form on a page remembers what it held when the page (or its part) arrived and
  // after each save; a form whose fields differ from that holds typing nobody has saved yet.
  //
  // - A form marked data-autosave (an answer, a position, notes, the summary …) is saved as it
  //   is typed, to the same view as its Save button, and shows "Saving…", "Saved at …" or why
  //   it could not be saved beside the button. Its text stays on the screen in every case.
  //   Each save that went through fires "accord:saved" on the form (htmx can listen to it).
  // - Before any button sends the page (or an htmx part of it) away, the keeper looks at the
  //   forms the answer would replace: the whole page for a plain form, the swapped part for
  //   htmx. Autosaved forms are saved first; if that fails, the button does nothing and the
  //   form says why. Any other form with typing in it (a new action item half written …) stops
  //   the button with a question: go back to it, or discard it and go on.
  // - A button marked data-confirm asks before an action that cannot be undone.
  // - Leaving the page while typing is unsaved asks the browser's "leave this page?".
  var texts = {};
  var snapshots = new WeakMap();
  var timers = new WeakMap();
  var saving = new Map();
  var passing = new WeakSet();
  var sending = new Map();  // form → what it held before htmx took it to the server
  var busy = 0;  // htmx requests on their way
  var AUTOSAVE_DELAY = 800;

  function text(key, values) {
    var s = texts[key] || key;
    Object.keys(values || {}).forEach(function (name) { s = s.split("{" + name + "}").join(values[name]); });
    return s;
  }

  function watched(form) {
    return form instanceof HTMLFormElement && (form.method || "").toLowerCase() === "post"
      && !form.hasAttribute("data-keeper-off");
  }

  function state(form) {
    var parts = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.type === "hidden" || el.type === "submit" || el.type === "button") { return; }
      if (el.type === "checkbox" || el.type === "radio") { parts.push(el.name + "=" + (el.checked ? el.value : "")); }
      else if (el.type === "file") { parts.push(el.name + "=" + Array.prototype.map.call(el.files, function (f) { return f.name; }).join("|")); }
      else if (el.multiple && el.options) { parts.push(el.name + "=" + Array.prototype.filter.call(el.options, function (o) { return o.selected; }).map(function (o) { return o.value; }).join("|")); }
      else { parts.push(el.name + "=" + el.value); }
    });
    return parts.join("\u0000");
  }

  function remember(root) {
    var forms = root.matches && root.matches("form") ? [root] : [];
    forms = forms.concat(Array.prototype.slice.call((root.querySelectorAll ? root : document).querySelectorAll("form")));
    forms.forEach(function (form) {
      if (!watched(form) || snapshots.has(form)) { return; }
      // A form the server sent back refused holds typing that is not saved.
      snapshots.set(form, form.querySelector(".errorlist") ? "\u0001refused" : state(form));
      if (!form.querySelector(".errorlist")) { bases.set(form, typed(form)); }
    });
  }

  function dirty(form) {
    return watched(form) && snapshots.has(form) && state(form) !== snapshots.get(form);
  }

  function statusOf(form) {
    var el = form.querySelector(".save-state");
    if (!el) {
      el = document.createElement("span");
      el.className = "save-state small";
      el.setAttribute("role", "status");
      el.setAttribute("aria-live", "polite");
      var button = form.querySelector("button[type=submit], button:not([type])");
      if (button && button.parentNode) { button.parentNode.insertBefore(el, button.nextSibling); }
      else { form.appendChild(el); }
    }
    return el;
  }

  function show(form, kind, message) {
    var el = statusOf(form);
    el.dataset.state = kind;
    el.textContent = message;
  }

  function clock() {
    var now = new Date();
    return pad(now.getHours()) + ":" + pad(now.getMinutes());
  }

  // The page the server answered with, and in it the form that stands for ``form``.
  function answered(form, html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var action = form.getAttribute("action");
    var twin = Array.prototype.find.call(doc.querySelectorAll("form"), function (f) { return f.getAttribute("action") === action; });
    return { doc: doc, twin: twin };
  }

  // The errors the server gave for this form, read from the page it answered with.
  function errorsFrom(form, html) {
    try {
      var page = answered(form, html);
      var scope = page.twin || page.doc;
      var items = scope.querySelectorAll(".errorlist li, .alert.error, [role=alert]");
      var seen = [];
      items.forEach(function (li) { var t = li.textContent.trim(); if (t && seen.indexOf(t) < 0) { seen.push(t); } });
      return seen.join(" ");
    } catch (e) { return ""; }
  }

  function clearErrors(form) {
    form.querySelectorAll(".errorlist").forEach(function (el) { el.remove(); });
    form.querySelectorAll(".field.invalid").forEach(function (el) { el.classList.remove("invalid"); });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
  }

  // Saves go one after another: the server sees a person's edits in the order they were made.
  var queue = Promise.resolve();

  // Save an autosaved form now; resolves true when what it holds is saved.
  function save(form) {
    clearTimeout(timers.get(form));
    if (saving.has(form)) {
      return saving.get(form).then(function () { return save(form); });
    }
    if (!dirty(form)) { return Promise.resolve(true); }
    show(form, "saving", text("saving"));
    var request = queue.then(function () { return send(form); }).catch(function () {
      show(form, "failed", text("failed", { why: text("offline") }));
      return false;
    });
    queue = request.then(function () {}, function () {});
    saving.set(form, request);
    return request.then(function (ok) { saving.delete(form); return ok; });
  }

  // After a save, what the form holds is what "discard" goes back to.
  function settle(form, values) {
    values.forEach(function (pair) {
      var el = pair[0];
      if (el.type === "checkbox" || el.type === "radio") { el.defaultChecked = pair[1]; }
      else if (el.options) { Array.prototype.forEach.call(el.options, function (o) { o.defaultSelected = pair[1].indexOf(o.value) >= 0; }); }
      else if (el.type !== "file") { el.defaultValue = pair[1]; }
    });
  }

  function values(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "hidden" && el.type !== "submit" && el.type !== "button";
    }).map(function (el) {
      if (el.type === "checkbox" || el.type === "radio") { return [el, el.checked]; }
      if (el.options) { return [el, Array.prototype.filter.call(el.options, function (o) { return o.selected; }).map(function (o) { return o.value; })]; }
      return [el, el.value];
    });
  }

  function send(form) {
    if (!dirty(form)) { return Promise.resolve(true); }
    var sent = state(form);
    var held = values(form);
    var pairs = typed(form);
    return fetch(form.getAttribute("action"), {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Accord-Autosave": "1" },
      credentials: "same-origin",
      redirect: "manual"
    }).then(function (response) {
      if (response.status === 204) {
        bases.set(form, pairs);
        // A text two people may edit: the next save is compared with the version just saved.
        var version = response.headers.get("X-Accord-Seen");
        var seen = form.querySelector("input[data-seen]");
        if (version && seen) { seen.value = version; }
        snapshots.set(form, sent);
        settle(form, held);
        clearErrors(form);
        if (dirty(form)) { schedule(form); } else { show(form, "saved", text("saved", { time: clock() })); }
        // Parts of the page that read what was saved (the proposals from typed notes) refresh.
        form.dispatchEvent(new CustomEvent("accord:saved", { bubbles: true }));
        var named = form.getAttribute("data-saved-event");
        if (named) { form.dispatchEvent(new CustomEvent(named, { bubbles: true })); }
        return true;
      }
      return response.text().catch(function () { return ""; }).then(function (body) {
        if (response.status === 409) { showConflict(form, body); }
        var why = response.status === 401 ? text("signedOut")
          : response.status === 403 && !body.match(/errorlist/) ? text("forbidden")
          : (errorsFrom(form, body) || text("failedStatus", { status: response.status }));
        show(form, "failed", text("failed", { why: why }));
        return false;
      });
    }).catch(function () {
      show(form, "failed", text("failed", { why: text("offline") }));
      return false;
    });
  }

  // Someone else saved this text meanwhile (409): their text is shown in the form, with the
  // choice to keep both or save over it; autosave waits for that choice.
  function showConflict(form, html) {
    try {
      var twin = answered(form, html).twin;
      var block = twin && twin.querySelector(".conflict");
      if (!block) { return; }
      var old = form.querySelector(".conflict");
      var placed = document.importNode(block, true);
      if (old) { old.replaceWith(placed); }
      else { var first = form.querySelector(".field"); form.insertBefore(placed, first || form.firstChild); }
    } catch (e) { /* the message beside the button still says it was not saved */ }
  }

  function schedule(form) {
    clearTimeout(timers.get(form));
    timers.set(form, setTimeout(function () { save(form); }, AUTOSAVE_DELAY));
  }

  function onEdit(event) {
    var form = event.target.form;
    if (!form || !form.hasAttribute("data-autosave") || !snapshots.has(form)) { return; }
    if (form.querySelector(".conflict")) { show(form, "failed", text("conflict")); return; }
    if (dirty(form)) {
      show(form, "pending", text("unsaved"));
      if (event.type === "change") { save(form); } else { schedule(form); }
    }
  }
  document.addEventListener("input", onEdit);
  document.addEventListener("change", onEdit);

  function name(form) {
    var labelled = form.getAttribute("aria-labelledby");
    var label = form.getAttribute("aria-label")
      || (labelled && document.getElementById(labelled) && document.getElementById(labelled).textContent)
      || (form.querySelector("legend") && form.querySelector("legend").textContent);
    if (!label) {
      var button = form.querySelector("button[type=submit], button:not([type])");
      label = button ? button.textContent : "";
    }
    return label.replace(/\s+/g, " ").trim();
  }

  function ask(form) {
    return new Promise(function (resolve) {
      var dialog = document.getElementById("keeper-dialog");
      if (!dialog) {
        dialog = document.createElement("dialog");
        dialog.id = "keeper-dialog";
        dialog.setAttribute("aria-labelledby", "keeper-dialog-text");
        dialog.innerHTML = '<p id="keeper-dialog-text"></p><div class="row"><button type="button" data-answer="back"></button> <button type="button" class="secondary" data-answer="discard"></button></div>';
        dialog.querySelector("[data-answer=back]").textContent = text("back");
        dialog.querySelector("[data-answer=discard]").textContent = text("discard");
        document.body.appendChild(dialog);
      }
      dialog.querySelector("#keeper-dialog-text").textContent = text("unsavedForm", { form: name(form) });
      function answer(event) {
        var value = event.target.dataset.answer;
        if (!value) { return; }
        dialog.removeEventListener("click", answer);
        dialog.close();
        resolve(value === "discard");
      }
      dialog.addEventListener("click", answer);
      dialog.addEventListener("cancel", function cancel() {
        dialog.removeEventListener("cancel", cancel);
        dialog.removeEventListener("click", answer);
        resolve(false);
      });
      dialog.showModal();
      dialog.querySelector("[data-answer=back]").focus();
    });
  }

  function firstChanged(form) {
    return Array.prototype.find.call(form.elements, function (el) {
      return el.name && el.type !== "hidden" && (el.value || el.checked);
    });
  }

  // Resolves true when nothing typed in `forms` would be lost by going on. Autosaved forms
  // are saved; a form that could not be saved, or that only sends with its own button, asks:
  // back to it, or discard it (back to what was last saved) and go on.
  function secure(forms) {
    var autosaved = forms.filter(function (f) { return f.hasAttribute("data-autosave"); });
    var others = forms.filter(function (f) { return !f.hasAttribute("data-autosave"); });
    return autosaved.reduce(function (chain, form) {
      return chain.then(function (results) { return save(form).then(function (ok) { return results.concat([ok]); }); });
    }, Promise.resolve([])).then(function (results) {
      var failed = autosaved.filter(function (f, i) { return !results[i]; });
      return failed.concat(others).reduce(function (chain, form) {
        return chain.then(function (ok) {
          if (!ok) { return false; }
          return ask(form).then(function (discard) {
            if (discard) { form.reset(); snapshots.set(form, state(form)); return true; }
            var field = firstChanged(form);
            if (field) { field.scrollIntoView({ block: "center" }); field.focus(); }
            return false;
          });
        });
      }, Promise.resolve(true));
    });
  }

  function atRisk(scope, except) {
    return Array.prototype.filter.call(scope.querySelectorAll("form"), function (f) { return f !== except && dirty(f); });
  }

  function confirmed(el) {
    var question = el && el.closest("[data-confirm]");
    return !question || window.confirm(question.getAttribute("data-confirm"));
  }

  function htmxManaged(form) {
    return form.hasAttribute("hx-post") || form.hasAttribute("hx-get") || form.hasAttribute("hx-put")
      || form.hasAttribute("hx-patch") || form.hasAttribute("hx-delete");
  }

  function pendingAutosaves(except) {
    return Array.prototype.filter.call(document.querySelectorAll("form[data-autosave]"), function (f) {
      return f !== except && dirty(f);
    });
  }

  // A plain form leaves the page: everything else on it is at risk.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (passing.has(form)) { passing.delete(form); clearTimeout(timers.get(form)); return; }
    if (htmxManaged(form)) { return; }  // htmx:confirm below
    if (!confirmed(event.submitter || form)) { event.preventDefault(); event.stopImmediatePropagation(); return; }
    clearTimeout(timers.get(form));
    var risky = atRisk(document, form);
    if (!risky.length && !saving.size && !busy) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    var submitter = event.submitter;
    secure(risky).then(function (ok) {
      if (!ok) { return; }
      queue.then(function () {
        passing.add(form);
        if (submitter && submitter.form === form) { form.requestSubmit(submitter); } else { form.requestSubmit(); }
      });
    });
  }, true);

  // An htmx request replaces its target: the forms inside it are at risk, and what is typed
  // elsewhere on the page is saved first, so the server sees the edits in the order made.
  // The request then waits its turn behind the saves.
  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.detail.elt;
    var form = elt.closest ? elt.closest("form") : null;
    var triggered = event.detail.triggeringEvent;
    if ((!triggered || triggered.type === "submit") && !confirmed(triggered && triggered.submitter || elt)) {
      event.preventDefault();
      return;
    }
    var target = event.detail.target;
    var reading = (event.detail.verb || "get").toLowerCase() === "get";
    var sends = form && elt === form && !reading;
    if (sends) { clearTimeout(timers.get(form)); }
    // A read (a live check, a filter, an edit form opened) replaces only its target; a write
    // also waits for what is typed elsewhere to be saved.
    var risky = reading ? [] : pendingAutosaves(form);
    // A part that refreshes itself (the proposals from typed notes) waits while someone is
    // correcting something in it: it is read again after the next save.
    if (reading && target && target.hasAttribute("data-quiet-refresh") && atRisk(target).length) {
      event.preventDefault();
      return;
    }
    // Parts the answer also replaces elsewhere on the page (hx-select-oob) are at risk too.
    var oob = elt.closest ? elt.closest("[hx-select-oob]") : null;
    if (oob) {
      oob.getAttribute("hx-select-oob").split(",").forEach(function (selector) {
        var part = document.querySelector(selector.split(":")[0].trim());
        if (part) { atRisk(part, form).forEach(function (f) { if (risky.indexOf(f) < 0) { risky.push(f); } }); }
      });
    }
    if (target) {
      atRisk(target, form).concat(target.matches("form") && target !== form && dirty(target) ? [target] : [])
        .forEach(function (f) { if (risky.indexOf(f) < 0) { risky.push(f); } });
    }
    event.preventDefault();
    secure(risky).then(function (ok) {
      if (!ok) { return; }
      var turn = queue.then(function () {
        return new Promise(function (done) {
          // The element may leave the page with the swap, and its events with it: follow
          // the request itself.
          var xhr = null;
          function grab(e) { if (e.detail.elt === elt) { xhr = e.detail.xhr; } }
          // What the form sends is on its way: not unsaved, unless the server refuses it.
          if (sends && snapshots.has(form)) { sending.set(form, snapshots.get(form)); snapshots.set(form, state(form)); }
          document.addEventListener("htmx:beforeSend", grab);
          event.detail.issueRequest(true);
          document.removeEventListener("htmx:beforeSend", grab);
          if (!xhr || xhr.readyState === 4) { finish(); return; }
          busy += 1;
          xhr.addEventListener("loadend", function () { busy -= 1; setTimeout(finish, 0); });
          function finish() {
            if (form && sending.has(form)) {
              if (!(xhr && xhr.status >= 200 && xhr.status < 300) && form.isConnected) { snapshots.set(form, sending.get(form)); }
              sending.delete(form);
            }
            done();
          }
        });
      });
      queue = turn.catch(function () {});
    });
  });

  // Forms a swap brought in start from what the server sent; those already here keep theirs.
  document.addEventListener("htmx:afterSettle", function () { remember(document); });

  // A plain form that went through leaves the page with the keeper's consent.
  var leaving = false;
  window.addEventListener("submit", function (event) {
    if (!event.defaultPrevented && event.target.hasAttribute && event.target.hasAttribute("data-draft") && !htmxManaged(event.target)) {
      dropDraft(event.target);
    }
    if (!event.defaultPrevented && !htmxManaged(event.target)) {
      leaving = true;
      setTimeout(function () { leaving = false; }, 3000);  // still here: it was a download
    }
  });
  window.addEventListener("pageshow", function () { leaving = false; });

  // -- Drafts: typing survives a reload ---------------------------------------------------------
  // An autosaved form with typing not yet sent when the page goes away (a reload, a closed
  // tab, a link) is sent on its way anyway (keepalive), and kept in the tab's session
  // storage until a save of it goes through. The page that comes next puts a kept draft back
  // into its form, with the version it was typed on, and saves it: if someone else saved
  // meanwhile, that save is refused with their text shown, like any other.
  var DRAFT = "accord-draft:";

  // One draft per form address; the page's own query (?topic=) is not part of it.
  function draftKey(form) { return DRAFT + (form.getAttribute("action") || "").split("?")[0]; }

  // What a form holds, as pairs of name and value, without hidden fields and files.
  function typed(form) {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      var el = form.elements.namedItem(name);
      var hidden = el && !(el instanceof RadioNodeList) && el.type === "hidden";
      if (typeof value === "string" && !hidden) { pairs.push([name, value]); }
    });
    return pairs;
  }

  // What each form held when it arrived or was last saved: a kept draft is put back only
  // over that, never over text that changed on the server since.
  var bases = new WeakMap();
  function base(form) {
    if (!bases.has(form)) { bases.set(form, typed(form)); }
    return bases.get(form);
  }

  // Whether the draft could be kept (session storage may be full or switched off).
  function keepDraft(form) {
    var seen = form.querySelector("input[data-seen]");
    try {
      sessionStorage.setItem(draftKey(form), JSON.stringify({ fields: typed(form), base: base(form), seen: seen ? seen.value : null }));
      return true;
    } catch (e) { return false; }
  }

  function showDraftBeside(form, fields) {
    if (form.querySelector(".draft-kept")) { return; }
    var box = document.createElement("div");
    box.className = "conflict draft-kept";
    var intro = document.createElement("p");
    intro.textContent = text("draftChanged");
    box.appendChild(intro);
    fields.forEach(function (pair) {
      if (!pair[1]) { return; }
      var quote = document.createElement("blockquote");
      quote.className = "theirs";
      quote.textContent = pair[1];
      box.appendChild(quote);
    });
    var first = form.querySelector(".field");
    form.insertBefore(box, first || form.firstChild);
  }

  function dropDraft(form) {
    try { sessionStorage.removeItem(draftKey(form)); } catch (e) { /* nothing kept */ }
  }

  function restoreDraft(form) {
    var kept;
    try { kept = JSON.parse(sessionStorage.getItem(draftKey(form)) || "null"); } catch (e) { kept = null; }
    if (!kept || !kept.fields) { return; }
    var now = JSON.stringify(typed(form));
    if (now === JSON.stringify(kept.fields)) { dropDraft(form); return; }
    // The text changed on the server since the draft was typed on it: a form with a version
    // puts the draft back with its old version, so saving it shows the other text (a
    // conflict); any other form keeps the server's text and shows the draft beside it.
    if (kept.base && now !== JSON.stringify(kept.base) && !form.querySelector("input[data-seen]")) {
      showDraftBeside(form, kept.fields);
      return;
    }
    var byName = {};
    kept.fields.forEach(function (pair) { (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]); });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "file" || el.type === "submit" || el.type === "button") { return; }
      var values = byName[el.name] || [];
      if (el.type === "checkbox" || el.type === "radio") { el.checked = values.indexOf(el.value) >= 0; }
      else if (el.options) { Array.prototype.forEach.call(el.options, function (o) { o.selected = values.indexOf(o.value) >= 0; }); }
      else { el.value = values.length ? values[0] : ""; }
    });
    var seen = form.querySelector("input[data-seen]");
    if (seen && kept.seen) { seen.value = kept.seen; }
    if (form.hasAttribute("data-autosave")) {
      show(form, "pending", text("restored"));
      schedule(form);
    } else {
      show(form, "pending", text("restoredUnsent"));
    }
  }

  // A form marked data-draft (a new action item, an outcome, an objection: sent only by its
  // button) keeps what is typed in the tab's session storage until it is sent and accepted;
  // a page opened again after a reload or a crash puts it back, unsent.
  var draftTimers = new WeakMap();
  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (!form || !form.hasAttribute("data-draft")) { return; }
    clearTimeout(draftTimers.get(form));
    draftTimers.set(form, setTimeout(function () {
      if (dirty(form)) { keepDraft(form); } else { dropDraft(form); }
    }, 300));
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    // The form's own request, not a read from inside it (the due date's live check). The
    // element that sent it may have left the page with the swap: htmx names it in the
    // request's configuration.
    var form = event.detail.requestConfig ? event.detail.requestConfig.elt : event.detail.elt;
    var sent = (event.detail.requestConfig && event.detail.requestConfig.verb || "get").toLowerCase() !== "get";
    if (form instanceof HTMLFormElement && sent && (form.hasAttribute("data-draft") || form.hasAttribute("data-autosave"))
        && event.detail.successful && event.detail.xhr && event.detail.xhr.status < 300) {
      clearTimeout(draftTimers.get(form));
      dropDraft(form);
    }
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.detail.elt || document;
    (root.matches && root.matches("form[data-draft]") ? [root] : Array.prototype.slice.call(root.querySelectorAll ? root.querySelectorAll("form[data-draft]") : []))
      .forEach(function (form) { if (!form.querySelector(".errorlist")) { restoreDraft(form); } });
  });

  // Sent even with a save on its way: that one is cancelled with the page.
  function flush(form) {
    var body = new FormData(form);
    try {
      fetch(form.getAttribute("action"), {
        method: "POST", body: body, keepalive: true, credentials: "same-origin",
        headers: { "X-Accord-Autosave": "1" }, redirect: "manual"
      }).catch(function () {});
    } catch (e) { /* the kept draft comes back on the next page */ }
  }

  window.addEventListener("beforeunload", function (event) {
    if (leaving) { return; }
    var forms = Array.prototype.filter.call(document.querySelectorAll("form"), dirty);
    // Autosaved typing goes with the page (kept and sent); it asks only for what would be
    // lost: a form without autosave, or one whose save was refused.
    var asks = forms.filter(function (form) {
      if (!form.hasAttribute("data-autosave")) { return true; }
      var kept = keepDraft(form);
      clearTimeout(timers.get(form));
      flush(form);
      var state = form.querySelector(".save-state");
      var failed = state && state.dataset.state === "failed";
      return !kept || failed || !!form.querySelector(".conflict") || snapshots.get(form) === "\u0001refused";
    });
    if (asks.length) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  document.addEventListener("accord:saved", function (event) { dropDraft(event.target); });

  document.addEventListener("DOMContentLoaded", function () {
    // The page's texts: the base's, and those a page adds (a <script data-texts> of its own).
    document.querySelectorAll("script[data-texts]").forEach(function (data) {
      var more = JSON.parse(data.textContent);
      Object.keys(more).forEach(function (key) { texts[key] = more[key]; });
    });
    remember(document);
    document.querySelectorAll("form[data-autosave]").forEach(restoreDraft);
    // A form the server sent back refused already holds what was typed.
    document.querySelectorAll("form[data-draft]").forEach(function (form) {
      if (form.querySelector(".errorlist")) { dropDraft(form); } else { restoreDraft(form); }
    });
  });
})();
