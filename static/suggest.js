/* Autocomplete for the search boxes (progressive enhancement).
 *
 * Without this file the boxes are plain GET forms. With it, an input that has
 * data-suggest becomes an ARIA 1.2 combobox: suggestions from /api/v1/suggest in a
 * listbox, arrow keys move through them (aria-activedescendant), Enter opens the
 * highlighted entry, Escape closes the list, and Enter with nothing highlighted
 * submits the search as before.
 */
(function () {
  "use strict";

  function setup(input, n) {
    var url = input.getAttribute("data-suggest");
    var list = document.createElement("ul");
    var listId = input.id + "-suggestions";
    var items = [];
    var active = -1;
    var timer = null;
    var seq = 0;

    list.id = listId;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.getAttribute("data-suggest-label") || "");
    list.hidden = true;
    input.parentNode.appendChild(list);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");

    function close() {
      list.hidden = true;
      list.textContent = "";
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(i) {
      if (active >= 0 && list.children[active]) {
        list.children[active].setAttribute("aria-selected", "false");
      }
      active = i;
      if (i < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      var option = list.children[i];
      option.setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    }

    function open(entry) {
      window.location.href = entry.url;
    }

    function show(suggestions) {
      list.textContent = "";
      items = suggestions;
      active = -1;
      if (!items.length) {
        close();
        return;
      }
      items.forEach(function (s, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        // First line: the term (and its Kazakh Latin form) and its language;
        // second line: the entry's equivalents in the other languages.
        var head = document.createElement("span");
        head.className = "head";
        var text = document.createElement("span");
        text.className = "text";
        text.lang = s.lang;
        text.textContent = s.text;
        head.appendChild(text);
        if (s.latin) {
          var latin = document.createElement("span");
          latin.className = "latin";
          latin.lang = "kk-Latn";
          latin.textContent = s.latin;
          head.appendChild(document.createTextNode(" "));
          head.appendChild(latin);
        }
        var lang = document.createElement("span");
        lang.className = "lang";
        lang.textContent = input.getAttribute("data-lang-" + s.lang) || s.lang;
        head.appendChild(document.createTextNode(" "));
        head.appendChild(lang);
        li.appendChild(head);
        var terms = s.terms || {};
        var others = document.createElement("span");
        others.className = "others";
        ["en", "ru", "kk"].forEach(function (code) {
          var found = terms[code] || [];
          if (code === s.lang || !found.length) {
            return;
          }
          var first = found[0];
          var other = document.createElement("span");
          other.lang = code;
          other.textContent = first.text;
          if (others.childNodes.length) {
            others.appendChild(document.createTextNode(" · "));
          }
          others.appendChild(other);
        });
        if (others.childNodes.length) {
          li.appendChild(document.createTextNode(" "));
          li.appendChild(others);
        }
        // mousedown, not click: it comes before the input loses focus
        li.addEventListener("mousedown", function (e) {
          e.preventDefault();
          open(s);
        });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function fetchSuggestions() {
      var q = input.value.trim();
      if (q.length < 2) {
        close();
        return;
      }
      var mine = ++seq;
      fetch(url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) {
          // an answer to an older query is dropped
          if (mine === seq && document.activeElement === input) {
            show(data.suggestions || []);
          }
        })
        .catch(close);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 120);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") {
        if (list.hidden) {
          fetchSuggestions();
        } else if (items.length) {
          highlight((active + 1) % items.length);
        }
        e.preventDefault();
      } else if (e.key === "ArrowUp") {
        if (!list.hidden && items.length) {
          highlight(active <= 0 ? items.length - 1 : active - 1);
          e.preventDefault();
        }
      } else if (e.key === "Enter") {
        if (!list.hidden && active >= 0) {
          e.preventDefault();
          open(items[active]);
        }
      } else if (e.key === "Escape") {
        if (!list.hidden) {
          e.preventDefault();
          close();
        }
      }
    });
    input.addEventListener("blur", function () {
      setTimeout(close, 100);
    });
  }

  function init() {
    var inputs = document.querySelectorAll("input[data-suggest]");
    for (var i = 0; i < inputs.length; i++) {
      setup(inputs[i], i);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
