// "Is it one of these?" while typing a new concept: asks /api/v1/search for
// each term field and lists existing entries. Without JavaScript the server
// shows the same list after the first submit.
(function () {
  "use strict";
  var form = document.getElementById("propose-concept");
  var box = document.getElementById("live-similar");
  if (!form || !box || !window.fetch) { return; }
  var fields = form.querySelectorAll("textarea[data-similar]");
  var timer = null;

  function firstLines() {
    var texts = [];
    fields.forEach(function (f) {
      f.value.split("\n").forEach(function (line) {
        line = line.trim();
        if (line.length >= 3 && texts.length < 6) { texts.push(line); }
      });
    });
    return texts;
  }

  function render(results) {
    box.textContent = "";
    if (!results.length) { return; }
    var title = document.createElement("p");
    title.className = "similar-title";
    title.textContent = box.getAttribute("data-title") || "";
    box.appendChild(title);
    var list = document.createElement("ul");
    list.className = "similar";
    results.forEach(function (r) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = r.url;
      var names = [];
      ["en", "ru", "kk"].forEach(function (lang) {
        if (r.terms[lang] && r.terms[lang].length) { names.push(r.terms[lang][0].text); }
      });
      link.textContent = names.join(" · ");
      item.appendChild(link);
      list.appendChild(item);
    });
    box.appendChild(list);
  }

  function check() {
    var texts = firstLines();
    if (!texts.length) { render([]); return; }
    var seen = {};
    var found = [];
    Promise.all(texts.map(function (t) {
      return fetch("/api/v1/search?limit=5&q=" + encodeURIComponent(t))
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) {
          data.results.forEach(function (r) {
            if (!seen[r.id]) { seen[r.id] = true; found.push(r); }
          });
        })
        .catch(function () {});
    })).then(function () { render(found.slice(0, 8)); });
  }

  fields.forEach(function (f) {
    f.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(check, 350);
    });
  });
}());
