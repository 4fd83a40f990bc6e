// Live preview of the article beside its editor: the change form's fields, unsaved, rendered by the
// server exactly as readers will see them (the public article page, or the article in its issue),
// shown in a sandboxed iframe without scripts and refreshed ~400 ms after typing stops.
//
// Plain ES module, no build step; it only reads the page (a data attribute on the
// 「在新窗口中预览」 button, which without this script opens the same preview in a new tab).

const DELAY_MS = 400;
const WIDE = window.matchMedia("(min-width: 1280px)");
// The public site's desktop layout starts at 48em; a narrower pane shows that layout scaled down.
const PAGE_WIDTH = 768;
// What the preview is made of; the rest of the form (figures, inline rows, files) is left out.
const FIELDS = ["title", "short_title", "summary", "issue", "section", "position", "regions", "topics", "source_line"];

function start() {
  const trigger = document.querySelector("[data-preview-url]");
  const form = trigger && trigger.form;
  if (!form || form.dataset.previewReady) return;
  form.dataset.previewReady = "1";
  const url = trigger.dataset.previewUrl;
  let editor = null;
  let view = "article";
  let open = WIDE.matches;
  let timer = null;
  let running = null;
  let sequence = 0;
  let anchorShown = null;

  const pane = document.createElement("aside");
  pane.className = "article-preview";
  pane.setAttribute("aria-label", "预览");
  pane.innerHTML = `
    <div class="article-preview-bar">
      <strong class="article-preview-title">预览</strong>
      <span class="article-preview-views" role="group" aria-label="预览方式">
        <button type="button" class="article-preview-view" data-view="article" aria-pressed="true">文章页</button>
        <button type="button" class="article-preview-view" data-view="issue" aria-pressed="false">期刊中</button>
      </span>
      <span class="article-preview-status" role="status" aria-live="polite"></span>
      <button type="button" class="article-preview-toggle" aria-expanded="false"></button>
    </div>
    <div class="article-preview-viewport">
      <iframe class="article-preview-frame" sandbox="allow-same-origin" referrerpolicy="no-referrer" title="文章预览（未保存）"></iframe>
    </div>`;
  const frame = pane.querySelector("iframe");
  const viewport = pane.querySelector(".article-preview-viewport");
  const status = pane.querySelector(".article-preview-status");
  const toggle = pane.querySelector(".article-preview-toggle");
  document.body.classList.add("has-article-preview");

  function place() {
    // Beside the whole form on a wide screen; right under the editor otherwise.
    const bodyRow = form.querySelector(".form-row.field-body");
    const main = document.getElementById("content-main");
    if (WIDE.matches && main) {
      if (pane.previousElementSibling !== main) main.after(pane);
    } else if (bodyRow) {
      if (pane.previousElementSibling !== bodyRow) bodyRow.after(pane);
    } else if (main && pane.previousElementSibling !== main) {
      main.after(pane);
    }
    fit();
  }

  function setOpen(value) {
    open = value;
    pane.classList.toggle("is-closed", !open);
    // On a wide screen the open pane takes the admin's navigation sidebar's place (see preview.css).
    document.body.classList.toggle("article-preview-open", open);
    toggle.textContent = open ? "隐藏预览" : "显示预览";
    toggle.setAttribute("aria-expanded", String(open));
    if (open) refresh();
  }

  function fit() {
    // Beside the form, the page is laid out at a desktop reader's width and scaled down to the pane;
    // on a narrow screen it is shown at the screen's own width, as a reader on that screen sees it.
    const width = viewport.clientWidth;
    if (!width) return;
    const pageWidth = WIDE.matches ? Math.max(width, PAGE_WIDTH) : width;
    const scale = width / pageWidth;
    frame.style.width = `${pageWidth}px`;
    frame.style.height = `${viewport.clientHeight / scale}px`;
    frame.style.transform = scale < 1 ? `scale(${scale})` : "";
  }

  function fields() {
    const data = new URLSearchParams();
    const token = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) data.append("csrfmiddlewaretoken", token.value);
    for (const name of FIELDS) {
      const field = form.elements.namedItem(name);
      if (field && "value" in field) data.append(name, field.value);
    }
    const body = form.elements.namedItem("body");
    data.append("body", editor ? editor.getHTML() : body ? body.value : "");
    data.append("view", view);
    return data;
  }

  function schedule() {
    if (!open) return;
    clearTimeout(timer);
    timer = setTimeout(refresh, DELAY_MS);
  }

  async function refresh() {
    clearTimeout(timer);
    if (!open) return;
    if (running) running.abort();
    running = new AbortController();
    const mine = ++sequence;
    status.textContent = "正在更新…";
    try {
      const response = await fetch(url, {
        method: "POST",
        body: fields(),
        credentials: "same-origin",
        signal: running.signal,
        headers: { "X-Requested-With": "fetch" },
      });
      if (response.redirected) {
        // The session ended: the admin answered with its sign-in page.
        status.textContent = "您的登录已过期，预览无法更新。请在新窗口中重新登录后再继续。";
        return;
      }
      if (!response.ok) throw new Error(String(response.status));
      const html = await response.text();
      if (mine !== sequence) return;
      show(html, response.headers.get("X-Preview-Anchor"));
      status.textContent = "已更新（未保存）";
    } catch (error) {
      if (error.name === "AbortError") return;
      status.textContent = "预览暂时无法更新，请稍后再试。";
    }
  }

  function show(html, anchor) {
    // Keep the reader's place across refreshes; jump to the article when the issue view opens.
    const before = frame.contentWindow ? frame.contentWindow.scrollY : 0;
    const jump = view === "issue" && anchor && anchor !== anchorShown;
    frame.addEventListener(
      "load",
      () => {
        const win = frame.contentWindow;
        const doc = frame.contentDocument;
        if (!win || !doc) return;
        const target = jump ? doc.getElementById(anchor) : null;
        if (target) {
          target.scrollIntoView();
          anchorShown = anchor;
        } else {
          win.scrollTo(0, before);
        }
        frame.dataset.loaded = String(sequence);
      },
      { once: true },
    );
    frame.srcdoc = html;
  }

  pane.addEventListener("click", (event) => {
    const button = event.target.closest(".article-preview-view");
    if (button) {
      view = button.dataset.view;
      anchorShown = null;
      for (const other of pane.querySelectorAll(".article-preview-view")) {
        other.setAttribute("aria-pressed", String(other === button));
      }
      refresh();
    } else if (event.target === toggle) {
      setOpen(!open);
    }
  });
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  onEditorReady = (detail) => {
    if (!form.contains(detail.textarea)) return;
    editor = detail.editor;
    editor.on("update", schedule);
    refresh();
  };
  for (const detail of earlyEditors.splice(0)) onEditorReady(detail);
  WIDE.addEventListener("change", () => {
    place();
    if (WIDE.matches && !open) setOpen(true);
  });
  if ("ResizeObserver" in window) new ResizeObserver(fit).observe(viewport);
  window.addEventListener("resize", fit);

  place();
  setOpen(open);
}

// Listening begins when this module runs (before the editor's own modules, see change_form.html);
// an editor announced before the pane exists is remembered and attached by start().
const earlyEditors = [];
let onEditorReady = null;
document.addEventListener("prose-editor:ready", (event) => {
  if (onEditorReady) onEditorReady(event.detail);
  else earlyEditors.push(event.detail);
});
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
