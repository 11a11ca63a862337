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
  // Demo login: clicking an account fills the form.
  document.addEventListener("click", function (event) {
    var pick = event.target.closest("[data-demo-user]");
    if (!pick) return;
    event.preventDefault();
    document.getElementById("id_username").value = pick.dataset.demoUser;
    document.getElementById("id_password").value = pick.dataset.demoPassword;
    document.getElementById("id_password").focus();
  });
})();
