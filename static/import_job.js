// The import job page: poll the job's JSON and show its progress; reload the
// page (which then shows the result) when the job has finished. Without
// JavaScript the page refreshes itself (<noscript> meta refresh).
(function () {
  "use strict";
  var box = document.getElementById("job-status");
  if (!box) return;
  var url = box.getAttribute("data-url");
  var template = box.getAttribute("data-progress-text");
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-progress]");

  var phase = box.getAttribute("data-phase-key");

  function show(job) {
    var over = job.state !== "queued" && job.state !== "running";
    if (over || (job.phase || "") + (job.total ? ":" : "") !== phase) {
      // The result, or the next step's name, comes with the page.
      window.location.reload();
      return false;
    }
    if (job.total && bar && text) {
      bar.max = job.total;
      bar.value = job.done || 0;
      text.textContent = template
        .replace("{done}", String(job.done || 0))
        .replace("{total}", String(job.total));
    }
    return true;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (job) {
        if (!job || show(job)) window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
