// DanhGia: the little JavaScript the pages need. Everything works without it, only slower.
(function () {
  "use strict";
  // Tree nodes: a button opens a node (htmx loads its children once) and closes it again.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.toggle");
    if (!button) return;
    var item = button.closest("li");
    var list = item.querySelector(":scope > ul.tree");
    var open = button.getAttribute("aria-expanded") === "true";
    if (open) {
      event.preventDefault();
      event.stopImmediatePropagation();
      button.setAttribute("aria-expanded", "false");
      button.textContent = "+";
      if (list) list.hidden = true;
      return;
    }
    if (list && list.childElementCount) {
      event.preventDefault();
      event.stopImmediatePropagation();
      list.hidden = false;
      button.setAttribute("aria-expanded", "true");
      button.textContent = "−";
      return;
    }
    // First opening: htmx fetches the children into the list.
    if (list) list.hidden = false;
    button.setAttribute("aria-expanded", "true");
    button.textContent = "−";
  }, true);
  // No inline handlers (the Content-Security-Policy refuses them): the pages mark what they need with data-
  // attributes. data-confirm on a form or its submit button: the question is asked before sending.
  document.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    var question = (submitter && submitter.dataset.confirm) || event.target.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener("click", function (event) {
    // data-select-on-click: a link to copy, selected whole at the first click.
    var field = event.target.closest("[data-select-on-click]");
    if (field) field.select();
    // data-history-back: back to the page before (its href is where to go without one).
    var back = event.target.closest("[data-history-back]");
    if (back && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
  // Demo login: clicking an account fills the form.
  document.addEventListener("click", function (event) {
    var pick = event.target.closest("[data-demo-user]");
    if (!pick) return;
    event.preventDefault();
    document.getElementById("id_username").value = pick.dataset.demoUser;
    document.getElementById("id_password").value = pick.dataset.demoPassword;
    document.getElementById("id_password").focus();
  });
  // ---------------------------------------------------------------- the review pages
  function number(value) {
    var x = parseFloat(String(value).replace(",", "."));
    return isNaN(x) ? null : x;
  }
  function shown(x) { return (Math.round(x * 100) / 100).toString().replace(".", ","); }
  function setAll(root, selector, text) {
    root.querySelectorAll(selector).forEach(function (el) { el.textContent = text; });
  }

  // Self-review: live totals (general /30, tasks /70, total /100), the level those points give and the
  // conditions on tasks not yet met (QĐ 366 Art. 11), and how many criteria are filled.
  function refreshSelfReview(form) {
    var page = form.closest(".review-layout") || document;
    var totals = {general: 0, task: 0}, complete = true, filled = 0, all = 0;
    form.querySelectorAll("[data-points]").forEach(function (input) {
      all++;
      var x = number(input.value);
      if (x === null) { complete = false; return; }
      // Out of the item's range: not counted, and marked as the server will refuse it.
      var bad = x < 0 || x > number(input.dataset.max);
      input.setAttribute("aria-invalid", bad ? "true" : "false");
      if (bad) { complete = false; return; }
      filled++;
      totals[input.dataset.group] += x;
    });
    form.querySelectorAll("[data-grade]").forEach(function (select) { all++; if (select.value) filled++; });
    var progress = page.querySelector("[data-progress]");
    if (progress) progress.textContent = progress.dataset.template.replace("{n}", filled).replace("{total}", all);
    if (form.dataset.kind !== "points") return;
    var sum = totals.general + totals.task;
    setAll(page, '[data-total="general"]', shown(totals.general));
    setAll(page, '[data-total="task"]', shown(totals.task));
    setAll(page, '[data-total="all"]', shown(sum));
    var level = sum >= 90 ? "HTXS" : sum >= 70 ? "HTT" : sum >= 50 ? "HT" : "KHT";
    var badge = page.querySelector("[data-points-level]");
    if (badge) { badge.textContent = level; badge.className = "lv lv-" + level; }
    var tasks = {total: 0, exceeded: 0, late: 0, not_done: 0};
    form.querySelectorAll("[data-tasks] tbody tr").forEach(function (row) {
      var title = row.querySelector('[name="task_title"]'), status = row.querySelector('[name="task_status"]');
      if (!title || !title.value.trim()) return;
      tasks.total++;
      if (status.value in tasks) tasks[status.value]++;
    });
    var d = form.dataset, unmet = [];
    if (!complete) unmet.push(d.msgIncomplete);
    if (!tasks.total) unmet.push(d.msgNoTasks);
    else if (level === "HTXS" || level === "HTT") {
      if (tasks.not_done) unmet.push(d.msgDone);
      else if (tasks.late) unmet.push(d.msgOnTime);
      if (level === "HTXS" && tasks.exceeded < 0.3 * tasks.total) unmet.push(d.msgExceeded);
    } else if (level === "HT") {
      if (tasks.not_done) unmet.push(d.msgDone);
      if (tasks.late > 0.2 * tasks.total) unmet.push(d.msgLate);
    }
    if (level === "HTXS" && d.msgShortcomings) unmet.push(d.msgShortcomings);
    var list = page.querySelector("[data-conditions]");
    if (list) {
      list.innerHTML = "";
      (unmet.length ? unmet : [d.msgMet]).forEach(function (text) {
        var item = document.createElement("li");
        item.textContent = text;
        list.appendChild(item);
      });
      list.classList.toggle("ok", !unmet.length);
    }
  }
  function renumber(tbody) {
    tbody.querySelectorAll("[data-row-number]").forEach(function (cell, i) { cell.textContent = i + 1; });
  }
  function addRow(table, templateId) {
    var template = document.getElementById(templateId);
    var tbody = table.querySelector("tbody");
    tbody.appendChild(template.content.cloneNode(true));
    renumber(tbody);
    return tbody.lastElementChild;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-row]");
    if (!button) return;
    var table = button.closest("section").querySelector("[data-tasks]");
    addRow(table, button.dataset.addRow).querySelector("input").focus();
  });
  // In the task table Enter goes to the same field of the next row (a new row after the last), not submit.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.target.tagName !== "INPUT") return;
    var row = event.target.closest("[data-tasks] tbody tr");
    if (!row) return;
    event.preventDefault();
    var column = Array.prototype.indexOf.call(row.children, event.target.closest("td"));
    var next = row.nextElementSibling || addRow(row.closest("table"), "task-row");
    next.children[column].querySelector("input, select").focus();
  });

  // Meeting grid: a proposal passes when the votes for are more than half of the members counted.
  function refreshMeeting(form) {
    var value = function (name) { var el = form.querySelector('[name="' + name + '"]'); return el ? number(el.value) || 0 : 0; };
    var counted = value("hop-summoned");
    form.querySelectorAll('[name^="hop-excluded_"]').forEach(function (el) { counted -= number(el.value) || 0; });
    var present = value("hop-present");
    setAll(form, "[data-counted]", counted > 0 ? counted : form.dataset.msgNoCount);
    form.querySelectorAll("tr[data-vote-row]").forEach(function (row) {
      var get = function (key) { var el = row.querySelector("[data-" + key + "]"); return el ? number(el.value) || 0 : 0; };
      var cell = row.querySelector("[data-result]");
      var level = row.querySelector("select");
      if (!cell || !level) return;
      if (!level.value) { cell.textContent = ""; cell.className = "small"; return; }
      var votes = get("for") + get("against") + get("abstain");
      var passed = get("for") * 2 > counted;
      cell.textContent = votes > present ? form.dataset.msgTooMany : passed ? form.dataset.msgPassed : form.dataset.msgFailed;
      cell.className = "small " + (votes > present ? "overdue" : passed ? "hint ok" : "hint");
    });
  }

  // Decision page: a level a whole level away from the self-assessment needs a written reason.
  function refreshDecision(select) {
    var row = select.closest("tr");
    var hint = row && row.querySelector("[data-reason-hint]");
    if (!hint) return;
    hint.hidden = !(select.value && select.dataset.self && select.value !== select.dataset.self);
  }

  // A text over its limit ([data-maxchars]) is marked as it is typed: the server refuses it with the same
  // words, and nothing is cut (no maxlength: a browser cuts a pasted text to it without a word).
  function checkLength(field) {
    var max = parseInt(field.dataset.maxchars, 10), length = field.value.length;
    var note = field.nextElementSibling && field.nextElementSibling.matches(".char-limit") ? field.nextElementSibling : null;
    if (!(length > max)) {
      if (note) { note.remove(); field.removeAttribute("aria-invalid"); }
      return;
    }
    var form = field.closest("form"), lang = document.documentElement.lang || "vi";
    var text = ((form && form.dataset.msgTooLong) || "{max} / {n}")
      .replace("{max}", max.toLocaleString(lang)).replace("{n}", length.toLocaleString(lang));
    if (!note) {
      note = document.createElement("p");
      note.className = "char-limit errorlist";
      note.setAttribute("role", "status");
      field.insertAdjacentElement("afterend", note);
    }
    note.textContent = text;
    field.setAttribute("aria-invalid", "true");
  }

  function refresh(target) {
    if (target.matches && target.matches("[data-maxchars]")) checkLength(target);
    var form = target.closest && target.closest("form");
    if (!form) return;
    if (form.hasAttribute("data-self-review")) refreshSelfReview(form);
    if (form.hasAttribute("data-meeting")) refreshMeeting(form);
    if (target.matches && target.matches("select[data-self]")) refreshDecision(target);
  }
  document.addEventListener("input", function (event) { refresh(event.target); });
  document.addEventListener("change", function (event) { refresh(event.target); });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-add-row]")) refresh(event.target);
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-self-review]").forEach(refreshSelfReview);
    document.querySelectorAll("[data-maxchars]").forEach(checkLength);
    document.querySelectorAll("form[data-meeting]").forEach(refreshMeeting);
    document.querySelectorAll("select[data-self]").forEach(refreshDecision);
  });
})();
