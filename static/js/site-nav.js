// On narrow screens the main navigation folds behind a Menu button (a disclosure: the button's
// aria-expanded says whether the list is open). Without this file the list simply stays open.
(function () {
  "use strict";
  var nav = document.querySelector(".site-nav");
  if (!nav) {
    return;
  }
  var button = nav.querySelector(".nav-toggle");
  var list = nav.querySelector(".nav-list");

  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  nav.classList.add("site-nav-collapsible");
  button.hidden = false;
  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  nav.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });
  // Tabbing out of the open menu closes it, so it never hides the page behind it.
  list.addEventListener("focusout", function (event) {
    if (event.relatedTarget && !nav.contains(event.relatedTarget)) {
      setOpen(false);
    }
  });
})();
