// The "+ Sub-incident" form: show only the fields of the chosen type.
// Without this script every group shows and the form works the same.
(function () {
  var form = document.getElementById("sub-incident-form");
  if (!form) {
    return;
  }
  function show() {
    var chosen = form.querySelector("input[name=kind]:checked");
    var kind = chosen ? chosen.value : "external";
    form.querySelectorAll("[data-kind]").forEach(function (group) {
      group.hidden = group.dataset.kind.split(" ").indexOf(kind) === -1;
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "kind") {
      show();
    }
  });
  show();
})();
