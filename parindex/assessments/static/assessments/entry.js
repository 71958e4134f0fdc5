/* Autosave of the scoring form: nothing typed is lost.
 *
 * - Each criterion's form is saved a moment after typing stops, when leaving it, and every
 *   15 seconds while something is unsaved; its state reads "Chưa lưu", "Đang lưu…",
 *   "Đã lưu lúc hh:mm" or "Xung đột".
 * - Unsaved values are kept in localStorage (per assessment and criterion) and restored after
 *   a reload, with the revision they were based on (so a stale restore shows the conflict).
 * - A save based on an older revision gets both revisions back (409) and the officer chooses.
 * - When the session has expired (401, a redirect to the login page, or a CSRF refusal), a
 *   login form opens in place (not modal: typing can go on); after logging in, the pending
 *   saves are sent again.
 * The live points come from HTMX (hx-post to the preview endpoint); this file only saves.
 */
(function () {
  "use strict";
  var root = document.getElementById("assessment-root");
  if (!root) return;
  var assessmentId = root.dataset.assessment;
  var loginUrl = root.dataset.loginUrl;
  var AUTOSAVE_DELAY = 1200;
  var PERIODIC = 15000;
  var forms = Array.prototype.slice.call(document.querySelectorAll("form.entry-form"));
  var states = new Map();
  var loginPending = false;
  var lastLogin = 0; // when logging in again succeeded (older requests' refusals are stale)
  var waiting = new Set();

  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function storageKey(form) {
    return "parindex:tu-danh-gia:" + assessmentId + ":" + form.dataset.code;
  }

  function valuesOf(form) {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden") return;
      if (el.type === "radio") {
        if (el.checked) out[el.name] = el.value;
        else if (!(el.name in out)) out[el.name] = null;
      } else if (el.type === "checkbox") {
        out[el.name] = el.checked;
      } else {
        out[el.name] = el.value;
      }
    });
    return out;
  }

  function applyValues(form, values) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || !(el.name in values)) return;
      if (el.type === "checkbox") el.checked = !!values[el.name];
      else if (el.type === "radio") el.checked = values[el.name] === el.value;
      else el.value = values[el.name] == null ? "" : values[el.name];
    });
    enableChecklistMarker(form);
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function panel(form) {
    return form.closest(".crit");
  }

  function setState(form, kind, text) {
    var el = panel(form).querySelector("[data-save-state]");
    if (el) {
      el.textContent = text;
      el.dataset.kind = kind;
    }
    panel(form).dataset.save = kind;
  }

  function stateOf(form) {
    var s = states.get(form);
    if (!s) {
      s = { dirty: false, timer: null, saving: false, again: false, saved: valuesOf(form) };
      states.set(form, s);
    }
    return s;
  }

  function stash(form) {
    try {
      localStorage.setItem(storageKey(form), JSON.stringify({
        values: valuesOf(form), revision: form.dataset.revision, at: Date.now()
      }));
    } catch (e) { /* storage full or disabled: the server save still runs */ }
  }

  function unstash(form) {
    try { localStorage.removeItem(storageKey(form)); } catch (e) { /* ignore */ }
  }

  function enableChecklistMarker(form) {
    var marker = form.querySelector(".checklist input[type=hidden]");
    if (marker) marker.disabled = false;
  }

  function schedule(form, delay) {
    var s = stateOf(form);
    clearTimeout(s.timer);
    s.timer = setTimeout(function () { save(form); }, delay);
  }

  function onEdit(event) {
    var form = event.target.closest && event.target.closest("form.entry-form");
    if (!form) return;
    if (event.target.closest(".checklist")) enableChecklistMarker(form);
    var s = stateOf(form);
    s.dirty = !same(valuesOf(form), s.saved);
    if (s.dirty) {
      stash(form);
      setState(form, "unsaved", "Chưa lưu");
      schedule(form, AUTOSAVE_DELAY);
    }
  }

  function updateSummary(summary) {
    if (!summary) return;
    var c = document.getElementById("completeness");
    if (c && summary.completeness !== undefined) c.textContent = summary.completeness + "%";
    var t = document.getElementById("claimed-total");
    if (t && summary.claimed_total !== undefined) t.textContent = summary.claimed_total || "—";
  }

  function isLoginResponse(response, isJson) {
    if (response.status === 401) return true;
    if (response.redirected && response.url.indexOf(loginUrl) !== -1) return true;
    return response.status === 403 && !isJson;
  }

  function save(form, force) {
    var s = stateOf(form);
    clearTimeout(s.timer);
    if (!s.dirty && !force) return Promise.resolve();
    if (loginPending) {
      waiting.add(form);
      return Promise.resolve();
    }
    if (s.saving) {
      s.again = true;
      return Promise.resolve();
    }
    s.saving = true;
    var started = Date.now();
    var sent = valuesOf(form);
    var data = new FormData(form);
    data.set("revision", form.dataset.revision || "0");
    setState(form, "saving", "Đang lưu…");
    return fetch(form.dataset.saveUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(), "X-Requested-With": "fetch", "Accept": "application/json" }
    }).then(function (response) {
      s.saving = false;
      var isJson = (response.headers.get("Content-Type") || "").indexOf("application/json") !== -1;
      if (isLoginResponse(response, isJson)) {
        if (started < lastLogin) {
          save(form, true); // sent before logging in again: just send it again
          return;
        }
        setState(form, "unsaved", "Chưa lưu — phiên đăng nhập đã hết hạn");
        waiting.add(form);
        askLogin();
        return;
      }
      return (isJson ? response.json() : Promise.resolve({})).then(function (body) {
        if (response.status === 409) {
          setState(form, "conflict", "Xung đột");
          showConflict(form, body);
          return;
        }
        if (response.status >= 500) {
          stash(form);
          setState(form, "unsaved", "Chưa lưu (máy chủ bận, sẽ thử lại)");
          schedule(form, 5000);
          return;
        }
        if (!response.ok) {
          setState(form, "error", "Chưa lưu: " + (body.error || ("lỗi " + response.status)));
          return;
        }
        form.dataset.revision = body.revision;
        s.saved = sent;
        s.dirty = !same(valuesOf(form), sent);
        if (s.dirty) {
          stash(form);
          setState(form, "unsaved", "Chưa lưu");
          schedule(form, AUTOSAVE_DELAY);
        } else {
          unstash(form);
          setState(form, "saved", "Đã lưu lúc " + body.saved_at);
        }
        var score = document.getElementById(panel(form).id + "-score");
        if (score && body.score_html) score.innerHTML = body.score_html;
        if (body.state) panel(form).dataset.state = body.state;
        markInvalid(panel(form));
        updateSummary(body.summary);
        if (s.again) {
          s.again = false;
          if (s.dirty) save(form);
        }
      });
    }).catch(function () {
      s.saving = false;
      setState(form, "unsaved", "Chưa lưu (mất kết nối, sẽ thử lại)");
      schedule(form, 10000);
    });
  }

  function showConflict(form, body) {
    var box = panel(form).querySelector("[data-conflict]");
    if (!box) return;
    box.innerHTML = body.html || ("<p>" + (body.message || "Xung đột") + "</p>");
    box.hidden = false;
    var keep = box.querySelector("[data-conflict-keep]");
    if (keep) {
      keep.addEventListener("click", function () {
        form.dataset.revision = keep.getAttribute("data-conflict-keep");
        box.hidden = true;
        box.innerHTML = "";
        stash(form);
        stateOf(form).dirty = true;
        save(form, true);
      });
    }
    var theirs = box.querySelector("[data-conflict-theirs]");
    if (theirs) {
      theirs.addEventListener("click", function () {
        unstash(form);
        window.location.reload();
      });
    }
  }

  /* --- The score fragment's verdict on the inputs --------------------------------------- */

  function markInvalid(crit) {
    // The fragment names the inputs that are wrong (out of range, unreadable, or read by a
    // consistency check that fails): they are marked as such, the others are cleared.
    if (!crit) return;
    var line = crit.querySelector("[data-live-state]");
    if (!line) return;
    var names = (line.getAttribute("data-invalid") || "").split(" ").filter(Boolean);
    var form = crit.querySelector("form.entry-form");
    if (form) {
      Array.prototype.forEach.call(form.querySelectorAll("input[type=text]"), function (el) {
        var name = (el.name || "").replace(/^in-/, "");
        if (names.indexOf(name) !== -1) el.setAttribute("aria-invalid", "true");
        else if (el.name !== "na_reason") el.removeAttribute("aria-invalid");
      });
    }
    var state = line.getAttribute("data-live-state");
    if (state) crit.dataset.state = state;
  }

  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.closest) markInvalid(target.closest(".crit"));
  });

  /* --- Logging in again in place ------------------------------------------------------ */

  var dialog = document.getElementById("relogin");
  var loginForm = document.getElementById("relogin-form");
  var loginError = document.getElementById("relogin-error");

  function askLogin() {
    // A panel, not a <dialog>: showing a dialog moves the focus into it, and keystrokes of an
    // officer still typing would land in the login fields. Everything typed meanwhile is kept.
    loginPending = true;
    if (dialog) dialog.hidden = false;
  }

  function wait(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  function postLogin(retry, attempts) {
    if (attempts === undefined) attempts = 3;
    var data = new FormData();
    data.set("username", document.getElementById("relogin-username").value);
    data.set("password", document.getElementById("relogin-password").value);
    data.set("csrfmiddlewaretoken", csrf());
    return fetch(loginUrl, {
      method: "POST", body: data, credentials: "same-origin", redirect: "manual",
      headers: { "X-CSRFToken": csrf() }
    }).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 302) return "ok";
      if (response.status === 429) return "locked";
      if (response.status === 403 && retry) {
        // No CSRF cookie any more: fetch the login page once to get one, then try again.
        return fetch(loginUrl, { credentials: "same-origin" }).then(function () {
          return postLogin(false, attempts);
        });
      }
      if (response.status >= 500) {
        if (attempts <= 1) return "busy";
        return wait(1000).then(function () { return postLogin(retry, attempts - 1); });
      }
      return "wrong";
    });
  }

  if (loginForm) {
    loginForm.addEventListener("submit", function (event) {
      event.preventDefault();
      loginError.hidden = true;
      postLogin(true).then(function (outcome) {
        if (outcome !== "ok") {
          loginError.textContent = {
            locked: "Tài khoản tạm khóa do đăng nhập sai nhiều lần; hãy thử lại sau ít phút.",
            busy: "Máy chủ đang bận; hãy bấm đăng nhập lại."
          }[outcome] || "Tên đăng nhập hoặc mật khẩu không đúng.";
          loginError.hidden = false;
          return;
        }
        document.getElementById("relogin-password").value = "";
        lastLogin = Date.now();
        loginPending = false;
        dialog.hidden = true;
        var pending = Array.from(waiting);
        waiting.clear();
        forms.forEach(function (f) {
          if (stateOf(f).dirty && pending.indexOf(f) === -1) pending.push(f);
        });
        pending.forEach(function (f) { save(f, true); });
      }).catch(function () {
        loginError.textContent = "Không kết nối được máy chủ; hãy thử lại.";
        loginError.hidden = false;
      });
    });
  }

  /* --- HTMX previews: fresh CSRF token, and the same login prompt on 401 ---------------- */

  document.body.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = csrf();
  });
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.xhr) event.detail.xhr.parindexStarted = Date.now();
  });

  function refusedForLogin(event) {
    // True when a fragment request met the expired session; one sent before logging in again
    // is simply sent again.
    var xhr = event.detail.xhr;
    if (!xhr) return false;
    var toLogin = xhr.responseURL && xhr.responseURL.indexOf(loginUrl) !== -1;
    var refused = xhr.status === 401 || (xhr.status === 403 &&
      (xhr.getResponseHeader("Content-Type") || "").indexOf("json") === -1);
    if (!toLogin && !refused) return false;
    var config = event.detail.requestConfig;
    if ((xhr.parindexStarted || 0) < lastLogin && config && window.htmx) {
      window.htmx.ajax(config.verb.toUpperCase(), config.path, {
        source: event.detail.elt, target: event.detail.target, swap: "innerHTML"
      });
    } else {
      askLogin();
    }
    return true;
  }

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    // Never show the login page inside the page (a followed redirect): ask in place instead.
    // Error statuses are left to htmx:responseError below (htmx fires both).
    var xhr = event.detail.xhr;
    if (xhr && xhr.status < 400 && refusedForLogin(event)) event.detail.shouldSwap = false;
  });
  document.body.addEventListener("htmx:responseError", refusedForLogin);

  /* --- Wiring --------------------------------------------------------------------------- */

  document.addEventListener("input", onEdit);
  document.addEventListener("change", onEdit);
  forms.forEach(function (form) {
    var s = stateOf(form);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      save(form, true);
    });
    form.addEventListener("focusout", function (event) {
      if (!form.contains(event.relatedTarget) && stateOf(form).dirty) save(form);
    });
    var stored = null;
    try { stored = JSON.parse(localStorage.getItem(storageKey(form)) || "null"); } catch (e) { stored = null; }
    if (!stored || !stored.values) return;
    var fieldset = form.querySelector("fieldset");
    if (fieldset && fieldset.disabled) return;
    if (same(stored.values, valuesOf(form))) {
      unstash(form);
      return;
    }
    applyValues(form, stored.values);
    // a stash kept by an earlier page names the revision "version"
    var kept = stored.revision !== undefined ? stored.revision : stored.version;
    if (kept !== undefined) form.dataset.revision = kept;
    s.dirty = true;
    setState(form, "unsaved", "Chưa lưu — đã khôi phục nội dung chưa lưu trên máy này");
    schedule(form, 800);
  });
  setInterval(function () {
    if (loginPending) return;
    forms.forEach(function (form) { if (stateOf(form).dirty) save(form); });
  }, PERIODIC);
})();
