// A search box above a long <select>: typing hides the options that do not contain the text
// (organisation name or region), and selects the first match when the current choice is hidden
// or empty (the "not chosen" line stays, so the choice can still be cleared).
(function () {
  document.querySelectorAll("input[data-filter-for]").forEach(function (box) {
    var select = document.getElementById(box.getAttribute("data-filter-for"));
    if (!select) { return; }
    box.addEventListener("input", function () {
      var text = box.value.trim().toLowerCase();
      var first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var shown = !text || !option.value || option.text.toLowerCase().indexOf(text) >= 0;
        option.hidden = !shown;
        if (shown && option.value && first === null) { first = option; }
      });
      var current = select.options[select.selectedIndex];
      if (first && text && (!current || current.hidden || !current.value)) { first.selected = true; }
    });
  });
})();
