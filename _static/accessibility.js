// Accessibility fixes for the theme's markup, applied as soon as the page is parsed.
//
// The navigation's expandable chapters are <details> whose <summary> holds only a chevron icon, so a
// screen reader announces an unnamed control (axe-core rule "summary-name"). Name each one after the
// chapter it opens.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("nav li > details > summary").forEach(function (summary) {
    if (summary.textContent.trim() || summary.hasAttribute("aria-label")) {
      return;
    }
    var link = summary.parentElement.parentElement.querySelector(":scope > a");
    var title = link ? link.textContent.trim() : "this chapter";
    summary.setAttribute("aria-label", "Pages in " + title);
  });
});

// A folded solution's title is mostly a link back to its exercise ("Solution to Exercise 3 ...").
// Readers click the title to open the solution, but the link swallows the click: the page jumps to
// the exercise and sphinx-togglebutton, which only recognises clicks on the title itself or its
// button, throws an error. Make a click anywhere on a folded box's title open or close the box.
document.addEventListener(
  "click",
  function (event) {
    var link = event.target.closest(".admonition.toggle > .admonition-title a");
    if (!link) {
      return;
    }
    var button = link.closest(".admonition-title").querySelector("button.toggle-button");
    if (!button) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    button.click();
  },
  true
);
