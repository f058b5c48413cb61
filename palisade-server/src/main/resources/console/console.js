// The console's only script (the CSP forbids inline script): asks before a form marked data-confirm
// is sent. Everything works without it.
"use strict";
document.addEventListener("submit", (event) => {
  const question = event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
