// Autosave safety net for the editor: nothing typed is lost when a save fails, the network drops
// or the browser closes. Every autosaving form has data-key; its unsaved values live in
// localStorage until the server answers 200 for exactly those values.
(function () {
  "use strict";
  // Backups belong to one user of one bureau (data-backup-scope on <body>): on a shared browser,
  // nobody else's unsaved text is ever restored, let alone saved under their name.
  var ROOT = "bureau-unsaved:";
  function scope() { return document.body && document.body.dataset.backupScope; }
  function storageKey(form) { return ROOT + scope() + ":" + form.dataset.key; }
  // Answers that a retry cannot change: refused, conflict, too large, invalid. Anything else
  // (network down, server error, dead worker, expired session) keeps the text and retries.
  var FINAL = [400, 403, 409, 413, 422];

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
  function readBackup(form) {
    try { return JSON.parse(localStorage.getItem(storageKey(form)) || "null"); } catch (e) { return null; }
  }
  function backup(form) {
    if (!scope()) return;
    var v = versionInput(form);
    var data = { values: values(form), version: v ? v.value : null, at: Date.now() };
    try { localStorage.setItem(storageKey(form), JSON.stringify(data)); } catch (e) { /* storage full: the page still holds the text */ }
  }
  function clearBackup(form, sent) {
    var data = readBackup(form);
    if (data && JSON.stringify(data.values) === JSON.stringify(sent)) localStorage.removeItem(storageKey(form));
  }
  function apply(form, vals) {
    Object.keys(vals).forEach(function (name) {
      var el = form.querySelector("[name='" + name + "']");
      if (!el) return;
      if (el.type === "checkbox") el.checked = vals[name] === "on"; else el.value = vals[name];
    });
  }
  function forgetAll(prefix) {
    for (var i = localStorage.length - 1; i >= 0; i--) {
      var key = localStorage.key(i);
      if (key && key.indexOf(prefix) === 0) localStorage.removeItem(key);
    }
  }
  function restore(root) {
    if (!scope()) return;
    root.querySelectorAll("form[data-key]").forEach(function (form) {
      var data = readBackup(form);
      if (!data) return;
      if (JSON.stringify(data.values) === JSON.stringify(values(form))) { localStorage.removeItem(storageKey(form)); return; }
      if (form.querySelector("fieldset[disabled]")) return;  // not editable now (submitted…): keep it, do not send
      apply(form, data.values);
      var v = versionInput(form);
      if (v && data.version) v.value = data.version;  // a change made meanwhile shows as a conflict
      form.dataset.dirty = "1";
      setState(form, "is-dirty", "已恢复上次未保存的内容，正在保存…");
      setTimeout(function () { htmx.trigger(form, "retry"); }, 50);
    });
  }
  function formOf(elt) { return elt && elt.closest ? elt.closest("form[data-key]") : null; }

  document.addEventListener("input", function (e) {
    var form = formOf(e.target);
    if (!form) return;
    form.dataset.dirty = "1";
    backup(form);
    setState(form, "is-dirty", "未保存…");
  });
  document.addEventListener("change", function (e) {
    var form = formOf(e.target);
    if (form) backup(form);
  });

  document.addEventListener("htmx:configRequest", function (e) {
    // The CSRF token is read from the cookie at send time: signing in again (in another tab)
    // rotates it, and the token rendered into the page would then be refused.
    var csrf = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (csrf) e.detail.headers["X-CSRFToken"] = decodeURIComponent(csrf[1]);
    var form = formOf(e.detail.elt);
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
    var xhr = e.detail.xhr;
    var status = xhr ? xhr.status : 0;
    // The form may have been replaced meanwhile (a structure change re-rendered the document).
    var current = document.querySelector("form[data-key='" + form.dataset.key + "']") || form;
    if (status === 200) {
      delete form.dataset.forceVersion;
      clearBackup(form, elt._sentValues || {});
      if (JSON.stringify(values(current)) === JSON.stringify(elt._sentValues)) delete current.dataset.dirty;
    } else if (status === 413) {
      setState(current, "is-error", xhr.responseText);
    } else if (FINAL.indexOf(status) < 0) {
      setState(current, "is-error", status === 401
        ? "登录已过期，内容仍在本页并已暂存于浏览器。请在新标签页重新登录，本页会自动重试保存。"
        : "保存失败（网络或服务器暂不可用），内容仍在本页并已暂存于浏览器，5秒后自动重试。");
      setTimeout(function () {
        var again = document.querySelector("form[data-key='" + form.dataset.key + "']");
        if (again) htmx.trigger(again, "retry");
      }, 5000);
    }
  });
  document.addEventListener("htmx:responseError", function (e) {
    if (e.detail.elt.matches && e.detail.elt.matches("form[data-key]")) return;  // handled above
    var xhr = e.detail.xhr;
    var code = xhr.status;
    var text = code === 401 ? "登录已过期，请刷新页面重新登录。"
      : code === 413 ? xhr.responseText
      : "操作失败：" + (code === 403 ? "没有权限" : code === 404 ? "内容已不存在，请刷新页面" : "服务器错误，请稍后重试");
    flash(text);
  });
  document.addEventListener("htmx:sendError", function (e) {
    if (e.detail.elt.matches && e.detail.elt.matches("form[data-key]")) return;
    flash("网络连接失败，请检查网络后重试。");
  });
  // A swap target that is gone (a stale page): say so instead of failing silently.
  document.addEventListener("htmx:targetError", function () {
    flash("页面内容已变化，请刷新页面后重试。");
  });

  // Conflict view: keep mine (overwrite with the current version) or take theirs. Pressing a
  // button must not blur the field first: the blur's `change` would send one more stale save,
  // whose conflict answer would arrive after the choice.
  document.addEventListener("mousedown", function (e) {
    if (e.target.closest && e.target.closest("[data-conflict]")) e.preventDefault();
  });
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("[data-conflict]");
    if (!btn) return;
    var form = formOf(btn);
    var info = btn.closest(".conflict");
    var v = versionInput(form);
    v.value = info.dataset.theirVersion;
    if (btn.dataset.conflict === "mine") {
      form.dataset.forceVersion = info.dataset.theirVersion;
      htmx.trigger(form, "retry");
    } else {
      delete form.dataset.forceVersion;
      apply(form, JSON.parse(info.dataset.theirs));
      localStorage.removeItem(storageKey(form));
      delete form.dataset.dirty;
      info.remove();
      setState(form, "is-saved", "已采用对方版本");
    }
  });

  // 校对 "修改": apply one safe fix to the field in the page, then save it the normal way (version
  // check, conflict view, audit). Offsets count code points, as the server's do; when the field
  // no longer holds the flagged characters there (typed since), nothing is changed.
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("[data-fix-field]");
    if (!btn) return;
    var block = btn.dataset.fixBlock && document.getElementById("block-" + btn.dataset.fixBlock);
    var form = btn.dataset.fixForm ? document.getElementById(btn.dataset.fixForm)
      : block && block.querySelector(":scope > form[data-key]");
    var field = form && form.querySelector("[name='" + btn.dataset.fixField + "']");
    if (!field || field.disabled) return;
    var chars = Array.from(field.value);
    var start = +btn.dataset.start, end = +btn.dataset.end;
    if (chars.slice(start, end).join("") !== btn.dataset.text) {
      flash("这一段已有新的修改，请稍候自动保存后再点“修改”。");
      return;
    }
    field.value = chars.slice(0, start).join("") + btn.dataset.fix + chars.slice(end).join("");
    form.dataset.dirty = "1";
    backup(form);
    btn.disabled = true;
    setState(form, "is-dirty", "正在保存修改…");
    htmx.trigger(form, "retry");
  });

  // Signing out ends this user's backups on this browser; unsaved text is named first.
  document.addEventListener("submit", function (e) {
    if (!e.target.matches || !e.target.matches("form[data-logout]")) return;
    if (document.querySelector("form[data-dirty]") &&
        !confirm("本页还有未保存的内容，退出后将丢失。确定退出？")) { e.preventDefault(); return; }
    if (scope()) forgetAll(ROOT + scope() + ":");
  });

  window.addEventListener("beforeunload", function (e) {
    if (document.querySelector("form[data-dirty]")) { e.preventDefault(); e.returnValue = ""; }
  });

  // Messages: one region (#flash, in the page frame, never in a layout column); errors from any
  // action land there (the server retargets them), success messages come with the page.
  function flash(text) {
    var region = document.getElementById("flash");
    if (!region) { alert(text); return; }
    region.innerHTML = "";
    var p = document.createElement("p");
    p.className = "flash error";
    p.setAttribute("role", "alert");
    p.textContent = text;
    var close = document.createElement("button");
    close.type = "button"; close.className = "close"; close.setAttribute("data-dismiss", ""); close.setAttribute("aria-label", "关闭");
    close.textContent = "×";
    p.appendChild(close);
    region.appendChild(p);
  }
  document.addEventListener("click", function (e) {
    var close = e.target.closest && e.target.closest("[data-dismiss]");
    if (close) close.parentNode.remove();
  });

  function scrollToInlineError(root) {
    var err = root.querySelector && root.querySelector(".inline-error");
    if (err && err.scrollIntoView) err.scrollIntoView({ block: "center" });
  }

  document.addEventListener("DOMContentLoaded", function () {
    // Backups from before they were keyed by user have no known owner: drop them.
    for (var i = localStorage.length - 1; i >= 0; i--) {
      var key = localStorage.key(i);
      if (key && /^bureau-unsaved:(block|report)-/.test(key)) localStorage.removeItem(key);
    }
    restore(document);
  });
  document.addEventListener("htmx:afterSettle", function (e) {
    if (e.detail.elt && e.detail.elt.id === "document") { restore(e.detail.elt); scrollToInlineError(e.detail.elt); }
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

// <button data-empty="ID">: empties element ID (e.g. 返回修改 closes the export confirmation).
// Handlers live here, never in on*/hx-on attributes: the Content-Security-Policy allows no inline script.
document.addEventListener("click", function (e) {
  var button = e.target.closest && e.target.closest("[data-empty]");
  var target = button && document.getElementById(button.dataset.empty);
  if (target) target.replaceChildren();
});

// <button data-move="up|down"> in a [data-row]: moves the row among its siblings in the page (the
// form posts the rows in page order); without JavaScript the button posts and the server reorders.
document.addEventListener("click", function (e) {
  var button = e.target.closest && e.target.closest("[data-move]");
  if (!button) return;
  var row = button.closest("[data-row]");
  if (!row) return;
  e.preventDefault();
  var up = button.getAttribute("data-move") === "up";
  var other = up ? row.previousElementSibling : row.nextElementSibling;
  if (!other) return;
  row.parentNode.insertBefore(row, up ? other : other.nextElementSibling);
  button.focus();
});

// The outline and the check panel follow an autosave without reloading anything (issue 14): the
// answer brings, out of band into <div id="check-inbox">, one <template> per place with its check items
// (li[data-block]) and its 正文 characters; they replace that place's items here and move its
// section's count and the total by the difference. The 校对 line is recounted from the findings
// in the page (plus what the page load found outside them: section-level findings).
(function () {
  "use strict";
  var PROOFREAD_OFFSET = null;

  function panel() { return document.getElementById("check-panel"); }
  function anchor(key) { return key === "report" ? null : document.getElementById("block-" + key); }
  // Report fields first, then blocks in reading order.
  function before(a, b) {
    if (a === b) return false;
    if (!a) return true;
    if (!b) return false;
    return !!(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
  }
  function insertInOrder(list, li) {
    var mine = anchor(li.dataset.block);
    var items = list.children;
    for (var i = 0; i < items.length; i++) {
      if (before(mine, anchor(items[i].dataset.block))) { list.insertBefore(li, items[i]); return; }
    }
    list.appendChild(li);
  }
  function setCount(span, chars) {
    span.dataset.chars = chars;
    span.querySelector(".n").textContent = chars;
    var target = +span.dataset.target;
    span.classList.toggle("over", !!target && chars > target * 1.2);
    span.classList.toggle("under", !!target && !(chars > target * 1.2) && chars < target * 0.5);
    if (!span.hasAttribute("data-done")) span.querySelector(".st").textContent = chars ? "编写中" : "待写";
  }
  function applyChars(tpl) {
    var el = document.getElementById(tpl.dataset.charsOf);
    if (!el) return;
    var now = +tpl.dataset.chars, delta = now - (+el.dataset.chars || 0);
    el.dataset.chars = now;
    if (!delta) return;
    var top = el.closest("#document > .block");
    var span = top && document.querySelector("#outline-list [data-section='" + top.dataset.blockId + "']");
    if (span) setCount(span, +span.dataset.chars + delta);
    var total = document.getElementById("total-chars");
    if (total) { total.dataset.chars = +total.dataset.chars + delta; total.textContent = total.dataset.chars; }
  }
  function applyItems(tpl) {
    var root = panel();
    if (!root) return;
    root.querySelectorAll("li[data-block='" + tpl.dataset.key + "']").forEach(function (li) { li.remove(); });
    tpl.content.querySelectorAll("li[data-block]").forEach(function (li) {
      var list = root.querySelector("ul[data-list='" + li.parentNode.dataset.list + "']");
      if (list) insertInOrder(list, document.importNode(li, true));
    });
  }
  // Items of blocks no longer in the page (deleted) go; the panel's summaries follow the lists.
  function tidy() {
    var root = panel();
    if (!root) return;
    root.querySelectorAll("li[data-block]").forEach(function (li) {
      if (li.dataset.block !== "report" && !anchor(li.dataset.block)) li.remove();
    });
    var hands = root.querySelectorAll("ul[data-list=hand_numbers] > li").length;
    var details = root.querySelector(".hand-numbers");
    if (details) { details.hidden = !hands; details.querySelector("summary .n").textContent = hands; }
    var ok = root.querySelector(".ok");
    if (ok) ok.hidden = !!root.querySelector("ul[data-list] > li");
    proofread(root);
  }
  function findingCounts() {
    return {
      items: document.querySelectorAll("#document .findings .finding, .paper > .findings .finding").length,
      errors: document.querySelectorAll("#document .findings .finding.sev-error, .paper > .findings .finding.sev-error").length
    };
  }
  function proofread(root) {
    var line = root.querySelector(".proofread-link");
    if (!line) return;
    if (root.hasAttribute("data-fresh")) { root.removeAttribute("data-fresh"); PROOFREAD_OFFSET = null; }
    var now = findingCounts();
    if (PROOFREAD_OFFSET === null) {
      PROOFREAD_OFFSET = { items: +line.dataset.items - now.items, errors: +line.dataset.errors - now.errors };
      return;
    }
    var items = PROOFREAD_OFFSET.items + now.items, errors = PROOFREAD_OFFSET.errors + now.errors;
    if (items === +line.dataset.items && errors === +line.dataset.errors) return;
    line.dataset.items = items; line.dataset.errors = errors;
    var out = line.querySelector(".proofread-count");
    out.replaceChildren();
    if (items) {
      out.append(items + " 处待处理");
      if (errors) {
        var b = document.createElement("b"); b.className = "error"; b.textContent = errors;
        out.append("（错误 ", b, " 处，须修改后才能提交）");
      }
    } else {
      out.append("未发现问题");
    }
    if (+line.dataset.ignored) out.append("，已忽略 " + line.dataset.ignored + " 处");
  }
  function pending() {
    var inbox = document.getElementById("check-inbox");
    if (inbox) {
      inbox.querySelectorAll("template[data-key]").forEach(function (tpl) { applyItems(tpl); applyChars(tpl); });
      inbox.replaceChildren();
    }
    tidy();
  }
  document.addEventListener("DOMContentLoaded", function () { var root = panel(); if (root) proofread(root); });
  document.addEventListener("htmx:afterSettle", pending);
})();

// The editor's block tools (issue 14): one delegated handler for every block's data-act buttons
// instead of an hx-post with its own URL on each. #document carries the URLs (pk 0 stands for the
// block); the server's answer places, numbers and removes blocks (out-of-band swaps, HX-Retarget,
// and the block-placed event below), so the document is never sent whole for one change.
(function () {
  "use strict";
  var TYPE_NAMES = { point: "要点", paragraph: "段落", heading: "标题" };

  function urlFor(doc, name, id) { return doc.dataset["url" + name].replace("/0/", "/" + id + "/"); }
  function typeOf(block) { return block.classList.contains("block-heading") ? "heading" : block.classList.contains("block-point") ? "point" : "paragraph"; }
  function confirmDelete(block) {
    if (typeOf(block) !== "heading") return confirm("删除这一" + TYPE_NAMES[typeOf(block)] + "？");
    var number = block.querySelector(":scope > form .number").textContent;
    var title = block.querySelector(":scope > form input[name=title]").value;
    if (title.length > 20) title = title.slice(0, 19) + "…";
    return confirm("删除“" + number + title + "”及其下全部内容？");
  }
  function request(btn) {
    var doc = document.getElementById("document");
    var block = btn.closest(".block");
    var act = btn.dataset.act;
    var inRow = !!btn.closest(".add-row");
    if (act === "picker") {
      return ["GET", doc.dataset.urlPicker, {}, "#metric-picker", "outerHTML"];
    }
    if (act === "add") {
      var values = { type: btn.dataset.type };
      if (block && inRow) values.parent = block.dataset.blockId;
      else if (block) values.after = block.dataset.blockId;
      return ["POST", doc.dataset.urlAdd, values, block || doc, "none"];
    }
    if (act === "delete") {
      if (!confirmDelete(block)) return null;
      return ["POST", urlFor(doc, "Delete", block.dataset.blockId), {}, block, "none"];
    }
    return ["POST", urlFor(doc, "Move", block.dataset.blockId), { direction: act }, block, "none"];
  }
  // A block's tools, by the names the server put in data-tools (only what this user may do there).
  var TOOLS = {
    move: [["up", "", "上移"], ["down", "", "下移"]],
    add: [["add", "point", "+ 要点"], ["add", "paragraph", "+ 段落"]],
    "add-heading": [["add", "heading", "+ 同级标题"]],
    picker: [["picker", "", "插入指标"]],
    "delete": [["delete", "", "删除"]]
  };
  function buildTools(root) {
    root.querySelectorAll(".block-tools[data-tools]").forEach(function (box) {
      if (box.childElementCount) return;
      box.dataset.tools.split(" ").forEach(function (name) {
        (TOOLS[name] || []).forEach(function (tool) {
          var btn = document.createElement("button");
          btn.type = "button";
          btn.dataset.act = tool[0];
          if (tool[1]) btn.dataset.type = tool[1];
          if (tool[0] === "delete") btn.className = "danger";
          if (tool[0] === "picker") btn.dataset.pickerFor = box.closest(".block").dataset.blockId;
          btn.textContent = tool[2];
          box.appendChild(btn);
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { buildTools(document); });
  document.addEventListener("htmx:load", function (e) { buildTools(e.detail.elt.parentNode || e.detail.elt); });

  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("#document [data-act]");
    if (!btn) return;
    var spec = request(btn);
    if (!spec) return;
    document.querySelectorAll("#document .inline-error").forEach(function (p) { p.remove(); });
    htmx.ajax(spec[0], spec[1], { source: btn, values: spec[2], target: spec[3], swap: spec[4] });
  });
  // A moved block: {id, parent (heading id or null), before (next sibling's id or null)}.
  document.addEventListener("block-placed", function (e) {
    var d = e.detail, el = document.getElementById("block-" + d.id);
    var box = d.parent ? document.querySelector("#block-" + d.parent + " > .children") : document.getElementById("document");
    if (!el || !box) return;
    var ref = d.before ? document.getElementById("block-" + d.before) : box.querySelector(":scope > .add-row");
    box.insertBefore(el, ref);
    el.scrollIntoView({ block: "nearest" });
  });
  document.addEventListener("htmx:afterSettle", function () {
    var err = document.querySelector("#document .inline-error");
    if (err && err.scrollIntoView && !err.dataset.seen) { err.dataset.seen = "1"; err.scrollIntoView({ block: "center" }); }
  });
})();
