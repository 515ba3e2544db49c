// Progressive enhancement only: every page works without this file.
// A year selector marked data-autosubmit shows its year as soon as it is chosen.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.requestSubmit();
    });
  });
});
