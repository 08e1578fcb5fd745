// report-lint self-check page: drag-and-drop, size check before upload, busy status, tabs.
// The page works without this script (plain form post, both result panels shown).
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function setupForm() {
    var form = document.getElementById("check-form");
    if (!form) return;
    var drop = document.getElementById("drop");
    var file = document.getElementById("file");
    var previous = document.getElementById("previous");
    var previousBox = document.getElementById("previous-box");
    var chosen = document.getElementById("chosen");
    var errorBox = document.getElementById("form-error");
    var status = document.getElementById("status");
    var button = document.getElementById("submit");

    function showError(message) {
      errorBox.textContent = message;
      errorBox.hidden = !message;  // role="alert": a screen reader announces it
    }

    function selected() {
      var out = [];
      [file, previous].forEach(function (input) {
        for (var i = 0; input && input.files && i < input.files.length; i++) out.push(input.files[i]);
      });
      return out;
    }

    function describe() {
      var files = selected();
      chosen.textContent = files.length
        ? form.getAttribute("data-chosen") + files.map(function (f) { return f.name; }).join("、")
        : "";
      var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10) || 0;
      var tooBig = files.filter(function (f) { return maxBytes && f.size > maxBytes; });
      showError(tooBig.length ? form.getAttribute("data-too-large") : "");
      return !tooBig.length;
    }

    function put(input, f) {
      var dt = new DataTransfer();
      if (f) dt.items.add(f);
      input.files = dt.files;
    }

    ["dragenter", "dragover"].forEach(function (type) {
      drop.addEventListener(type, function (e) {
        e.preventDefault();
        drop.classList.add("over");
      });
    });
    ["dragleave", "drop"].forEach(function (type) {
      drop.addEventListener(type, function () { drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (e) {
      e.preventDefault();
      var files = e.dataTransfer ? e.dataTransfer.files : [];
      if (!files.length) return;
      if (files.length > 2) { showError(form.getAttribute("data-too-many")); return; }
      put(file, files[0]);
      put(previous, files[1]);  // the server orders the two by their years
      if (files.length === 2) previousBox.open = true;
      describe();
    });
    file.addEventListener("change", describe);
    previous.addEventListener("change", describe);

    form.addEventListener("submit", function (e) {
      if (!describe()) { e.preventDefault(); return; }
      status.textContent = status.getAttribute("data-checking");
      form.setAttribute("aria-busy", "true");
      // Disabled after the submission has started, so a second click cannot send the file twice.
      setTimeout(function () { button.disabled = true; }, 0);
    });
    // Coming back with the browser's Back button: the form is usable again.
    window.addEventListener("pageshow", function () {
      button.disabled = false;
      status.textContent = "";
      form.removeAttribute("aria-busy");
    });
  }

  function setupTabs() {
    var boxes = document.querySelectorAll("[data-tabs]");
    Array.prototype.forEach.call(boxes, function (box) {
      var tabs = Array.prototype.slice.call(box.querySelectorAll('[role="tab"]'));
      function select(tab, focus) {
        tabs.forEach(function (t) {
          var on = t === tab;
          t.setAttribute("aria-selected", on ? "true" : "false");
          t.tabIndex = on ? 0 : -1;
          document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
        });
        if (focus) tab.focus();
      }
      tabs.forEach(function (tab, i) {
        tab.addEventListener("click", function () { select(tab, false); });
        tab.addEventListener("keydown", function (e) {
          var next = null;
          if (e.key === "ArrowRight") next = tabs[(i + 1) % tabs.length];
          else if (e.key === "ArrowLeft") next = tabs[(i - 1 + tabs.length) % tabs.length];
          else if (e.key === "Home") next = tabs[0];
          else if (e.key === "End") next = tabs[tabs.length - 1];
          if (next) { e.preventDefault(); select(next, true); }
        });
      });
      select(tabs[0], false);
      // A link to a cell or finding inside a hidden panel opens that panel first.
      window.addEventListener("hashchange", function () {
        var target = document.getElementById(location.hash.slice(1));
        var panel = target && target.closest('[role="tabpanel"]');
        if (panel && panel.hidden) select(document.getElementById(panel.getAttribute("aria-labelledby")), false);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupForm();
    setupTabs();
  });
})();
