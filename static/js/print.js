// The print button of the print layout (?print=1). It is hidden in the HTML and shown here, so
// readers without JavaScript see the hint to use the browser's own print command instead.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll(".print-button");
    Array.prototype.forEach.call(buttons, function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  });
})();
