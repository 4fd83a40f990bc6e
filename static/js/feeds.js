// Copy buttons on the 订阅 page. The buttons are hidden in the HTML and shown here, so readers
// without JavaScript see only the address fields, which they can select and copy by hand.
(function () {
  "use strict";

  function announce(text) {
    var status = document.querySelector(".copy-status");
    if (status) {
      status.textContent = text;
    }
  }

  function copyWithSelection(button) {
    var input = button.parentNode.querySelector("input");
    if (!input) {
      return false;
    }
    input.focus();
    input.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  function copy(button) {
    var url = button.getAttribute("data-copy");
    var done = function () {
      button.textContent = "已复制";
      announce("已复制订阅地址：" + url);
      window.setTimeout(function () {
        button.textContent = "复制";
      }, 2000);
    };
    var fallback = function () {
      if (copyWithSelection(button)) {
        done();
      } else {
        announce("无法自动复制，请选中地址后手动复制。");
      }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(done, fallback);
    } else {
      fallback();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll(".copy-feed-url");
    Array.prototype.forEach.call(buttons, function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        copy(button);
      });
    });
  });
})();
