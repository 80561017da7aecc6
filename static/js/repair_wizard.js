// The repair wizard: after htmx replaced the defect panel, move the focus to what
// changed (the new question, or the chosen defect), except while the tenant is
// typing a search. Without this script (or without htmx) every step is a
// plain page load and the browser starts at the top as usual.
(function () {
  document.addEventListener("htmx:afterSettle", function (event) {
    var panel = document.getElementById("defect-panel");
    var config = event.detail && event.detail.requestConfig;
    var trigger = config && config.elt;
    if (!panel || !trigger || trigger.id === "repair-q") {
      return; // not the defect step, or live search: the tenant keeps typing
    }
    var target =
      panel.querySelector("#result-title") ||
      panel.querySelector("#level-question") ||
      document.getElementById("step-heading");
    if (target) {
      target.focus();
    }
  });
})();
