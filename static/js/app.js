// Autosave safety net for the editor: nothing typed is lost when a save fails, the network drops
// or the browser closes. Every autosaving form has data-key; its unsaved values live in
// localStorage until the server answers 200 for exactly those values.
(function () {
  "use strict";
  var PREFIX = "bureau-unsaved:";

  function values(form) {
    var out = {};
    form.querySelectorAll("input[name], textarea[name]").forEach(function (el) {
      if (el.name === "version" || el.type === "hidden") return;
      out[el.name] = el.type === "checkbox" ? (el.checked ? "on" : "") : el.value;
    });
    return out;
  }
  function versionInput(form) { return form.querySelector("input[name=version]"); }
  function state(form) { return form.querySelector(".save-state"); }
  function setState(form, cls, text) {
    var s = state(form);
    if (!s) return;
    s.classList.remove("is-saved", "is-error", "is-dirty");
    if (cls) s.classList.add(cls);
    var msg = s.querySelector(".msg");
    if (!msg) { msg = document.createElement("span"); msg.className = "msg"; s.appendChild(msg); }
    msg.textContent = text;
  }
  function backup(form) {
    var v = versionInput(form);
    var data = { values: values(form), version: v ? v.value : null, at: Date.now() };
    try { localStorage.setItem(PREFIX + form.dataset.key, JSON.stringify(data)); } catch (e) { /* storage full: the page still holds the text */ }
  }
  function clearBackup(form, sent) {
    var raw = localStorage.getItem(PREFIX + form.dataset.key);
    if (!raw) return;
    var data = JSON.parse(raw);
    if (JSON.stringify(data.values) === JSON.stringify(sent)) localStorage.removeItem(PREFIX + form.dataset.key);
  }
  function apply(form, vals) {
    Object.keys(vals).forEach(function (name) {
      var el = form.querySelector("[name='" + name + "']");
      if (!el) return;
      if (el.type === "checkbox") el.checked = vals[name] === "on"; else el.value = vals[name];
    });
  }
  function restore(root) {
    root.querySelectorAll("form[data-key]").forEach(function (form) {
      var raw = localStorage.getItem(PREFIX + form.dataset.key);
      if (!raw) return;
      var data = JSON.parse(raw);
      if (JSON.stringify(data.values) === JSON.stringify(values(form))) { localStorage.removeItem(PREFIX + form.dataset.key); return; }
      apply(form, data.values);
      var v = versionInput(form);
      if (v && data.version) v.value = data.version;  // a change made meanwhile shows as a conflict
      setState(form, "is-dirty", "已恢复上次未保存的内容，正在保存…");
      setTimeout(function () { htmx.trigger(form, "retry"); }, 50);
    });
  }

  document.addEventListener("input", function (e) {
    var form = e.target.closest && e.target.closest("form[data-key]");
    if (!form) return;
    form.dataset.dirty = "1";
    backup(form);
    setState(form, "is-dirty", "未保存…");
  });
  document.addEventListener("change", function (e) {
    var form = e.target.closest && e.target.closest("form[data-key]");
    if (form) backup(form);
  });

  document.addEventListener("htmx:configRequest", function (e) {
    // The CSRF token is read from the cookie at send time: signing in again (in another tab)
    // rotates it, and the token rendered into the page would then be refused.
    var csrf = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (csrf) e.detail.headers["X-CSRFToken"] = decodeURIComponent(csrf[1]);
    var form = e.detail.elt.closest && e.detail.elt.closest("form[data-key]");
    if (!form) return;
    e.detail.elt._sentValues = values(form);
    // "保留我的版本": overwrite the version the user chose to overwrite, whatever a stale answer
    // swapped into the form meanwhile.
    if (form.dataset.forceVersion) e.detail.parameters.version = form.dataset.forceVersion;
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    var elt = e.detail.elt;
    var form = elt.matches && elt.matches("form[data-key]") ? elt : null;
    if (!form) return;
    var status = e.detail.xhr ? e.detail.xhr.status : 0;
    if (status === 200) {
      delete form.dataset.forceVersion;
      clearBackup(form, elt._sentValues || {});
      if (JSON.stringify(values(form)) === JSON.stringify(elt._sentValues)) delete form.dataset.dirty;
    } else if (status !== 403 && status !== 409 && status !== 422) {
      // Network down, server error, dead worker…: keep the text, say so, try again.
      var form2 = document.querySelector("form[data-key='" + form.dataset.key + "']") || form;
      setState(form2, "is-error", status === 401
        ? "登录已过期，内容仍在本页并已暂存于浏览器。请在新标签页重新登录，本页会自动重试保存。"
        : "保存失败（网络或服务器暂不可用），内容仍在本页并已暂存于浏览器，5秒后自动重试。");
      setTimeout(function () { if (document.body.contains(form2)) htmx.trigger(form2, "retry"); }, 5000);
    }
  });
  document.addEventListener("htmx:responseError", function (e) {
    if (e.detail.elt.matches && e.detail.elt.matches("form[data-key]")) return;  // handled above
    var code = e.detail.xhr.status;
    toast(code === 401 ? "登录已过期，请刷新页面重新登录。" : "操作失败：" + (code === 403 ? "没有权限" : "服务器错误，请稍后重试"));
  });
  document.addEventListener("htmx:sendError", function (e) {
    if (e.detail.elt.matches && e.detail.elt.matches("form[data-key]")) return;
    toast("网络连接失败，请检查网络后重试。");
  });

  // Conflict view: keep mine (overwrite with the current version) or take theirs.
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("[data-conflict]");
    if (!btn) return;
    var form = btn.closest("form[data-key]");
    var info = btn.closest(".conflict");
    var v = versionInput(form);
    v.value = info.dataset.theirVersion;
    if (btn.dataset.conflict === "mine") {
      form.dataset.forceVersion = info.dataset.theirVersion;
      htmx.trigger(form, "retry");
    } else {
      delete form.dataset.forceVersion;
      apply(form, { title: info.dataset.theirTitle, text: info.dataset.theirText });
      localStorage.removeItem(PREFIX + form.dataset.key);
      delete form.dataset.dirty;
      info.remove();
      setState(form, "is-saved", "已采用对方版本");
    }
  });

  window.addEventListener("beforeunload", function (e) {
    if (document.querySelector("form[data-dirty]")) { e.preventDefault(); e.returnValue = ""; }
  });

  function toast(text) {
    var t = document.getElementById("toast");
    if (!t) return;
    t.textContent = text; t.classList.add("show");
    setTimeout(function () { t.classList.remove("show"); t.textContent = ""; }, 5000);
  }

  document.addEventListener("DOMContentLoaded", function () { restore(document); });
  document.addEventListener("htmx:afterSettle", function (e) {
    if (e.detail.elt && e.detail.elt.id === "document") restore(e.detail.elt);
  });
})();

// Metric picker: remember the last focused text field of a block; insert {{name}} at its cursor.
(function () {
  "use strict";
  var lastField = null;
  document.addEventListener("focusin", function (e) {
    if (e.target.matches && e.target.matches("form[data-key] textarea, form[data-key] input[name=title], form[data-key] textarea[name=opening], form[data-key] textarea[name=closing]")) {
      lastField = e.target;
    }
  });
  document.addEventListener("click", function (e) {
    var opener = e.target.closest && e.target.closest("[data-picker-for]");
    if (opener) {
      var block = document.getElementById("block-" + opener.dataset.pickerFor);
      var field = block && block.querySelector(":scope > form textarea[name=text]");
      if (field && (!lastField || !block.contains(lastField))) lastField = field;
      return;
    }
    if (e.target.closest && e.target.closest("[data-picker-close]")) {
      document.getElementById("metric-picker").hidden = true;
      return;
    }
    var pick = e.target.closest && e.target.closest(".pick[data-insert]");
    if (!pick) return;
    if (!lastField) { alert("请先点击要插入指标的文本框。"); return; }
    var token = "{{" + pick.dataset.insert + "}}";
    var start = lastField.selectionStart != null ? lastField.selectionStart : lastField.value.length;
    var end = lastField.selectionEnd != null ? lastField.selectionEnd : start;
    lastField.value = lastField.value.slice(0, start) + token + lastField.value.slice(end);
    lastField.focus();
    lastField.setSelectionRange(start + token.length, start + token.length);
    lastField.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
