// 「复制为公众号文章」: put the article on the clipboard as text/html (for the WeChat editor) and text/plain.
(function () {
  "use strict";

  function fallbackCopy(node) {
    // Older browsers and http:// origins: select the rendered preview and let the browser copy it.
    var selection = window.getSelection();
    var range = document.createRange();
    range.selectNodeContents(node);
    selection.removeAllRanges();
    selection.addRange(range);
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (error) {
      ok = false;
    }
    selection.removeAllRanges();
    return ok;
  }

  function copy(button) {
    var source = document.getElementById(button.dataset.source);
    var plain = document.getElementById(button.dataset.plain);
    var status = document.getElementById("wechat-status");
    var html = source.innerHTML;
    var text = plain.value;
    var report = function (ok) {
      status.textContent = ok ? button.dataset.done : button.dataset.failed;
    };
    if (window.ClipboardItem && navigator.clipboard && navigator.clipboard.write) {
      var item = new window.ClipboardItem({
        "text/html": new Blob([html], { type: "text/html" }),
        "text/plain": new Blob([text], { type: "text/plain" }),
      });
      navigator.clipboard.write([item]).then(
        function () { report(true); },
        function () { report(fallbackCopy(source)); }
      );
    } else {
      report(fallbackCopy(source));
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("wechat-copy");
    if (button) {
      button.addEventListener("click", function () { copy(button); });
    }
  });
})();
