// Copy buttons on the 订阅 page. The buttons are hidden in the HTML and shown here, so readers
// without JavaScript see only the links, whose addresses they can copy from the browser's menu.
(function () {
  "use strict";

  function announce(text) {
    var status = document.querySelector(".copy-status");
    if (status) {
      status.textContent = text;
    }
  }

  // For browsers without the asynchronous clipboard (or outside HTTPS): copy from a selected field.
  function copyWithSelection(text) {
    var field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.className = "visually-hidden";
    document.body.appendChild(field);
    field.select();
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    document.body.removeChild(field);
    return copied;
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
      if (copyWithSelection(url)) {
        done();
      } else {
        announce("无法自动复制，请在链接上点右键（手机上长按）复制链接地址。");
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
