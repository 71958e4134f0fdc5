/* parindex: the few behaviours every page shares, asked for with data- attributes, so that
   no page needs inline script (the Content-Security-Policy forbids it).

   <form data-confirm="Xóa nhóm này?">  asks before the form is sent; "Hủy" keeps it unsent.
   <button data-confirm="…"> (or <a>) asks before its click does anything. */
(function () {
  "use strict";

  function confirmed(element) {
    var message = element && element.getAttribute("data-confirm");
    return !message || window.confirm(message);
  }

  function stop(event) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }

  // Capture phase: runs before htmx or any other listener on the form itself.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm") && !confirmed(form)) {
      stop(event);
    }
  }, true);

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-confirm]") : null;
    if (target && !(target instanceof HTMLFormElement) && !confirmed(target)) {
      stop(event);
    }
  }, true);
})();
