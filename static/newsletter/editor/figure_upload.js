// Images where they belong: an image file dropped or pasted into the article body becomes a Figure
// of the article (uploaded to the admin's figure endpoint, validated and re-encoded there) and a
// <figure data-figure="N"> at the drop point or the cursor. Web images pasted with an article
// (<img src="https://…">) are listed under the editor with 「下载此图」, which has the server fetch
// them; ones it cannot reach keep their placeholder, which asks for the file.
//
// The caption is asked for before anything is uploaded: it is printed as 「图 N …」 and read aloud in
// place of the image, so neither a placeholder nor the file name may stand in for it.
//
// Plain ES module for django-prose-editor's import map; no inline script (the admin's CSP). The
// endpoints and the article's figures come from the textarea's data-figure-upload attribute
// (newsletter/admin/figure_editor.py). Events shared with the figure node (NewsletterFigure):
// "newsletter-figure:saved" (detail: the figure as the server describes it), sent on the textarea
// after an upload, a download or an edit; "newsletter-figure:edit" (detail: {position}), listened
// for inside the editor, opens the caption/credit form (a double click on a figure does too).

import { Extension, Plugin } from "django-prose-editor/editor"

import { askFigureText, readAsDataURL } from "./figure_dialog.js"

const IMAGE_TYPES = ["image/jpeg", "image/png", "image/webp", "image/gif"]

function textareaOf(editor) {
  const root = editor.options.element
  return (root && root.querySelector("textarea")) || null
}

export function figureConfig(editor) {
  const textarea = textareaOf(editor)
  const raw = textarea && textarea.getAttribute("data-figure-upload")
  if (!raw) return null
  try {
    return JSON.parse(raw)
  } catch (error) {
    return null
  }
}

function imageFiles(transfer) {
  if (!transfer || !transfer.files) return []
  return Array.from(transfer.files).filter((file) => IMAGE_TYPES.includes(file.type))
}

function carriesText(transfer) {
  // Word and WPS put a picture of the copied text on the clipboard next to the text itself:
  // that paste is the text's (the paste extension's), not an image upload.
  if (!transfer) return false
  const text = (transfer.getData("text/plain") || "").trim()
  const html = transfer.getData("text/html") || ""
  return Boolean(text) || /<(p|h\d|li|td|table|span)\b/i.test(html)
}

function csrfToken(editor) {
  const form = editor.options.element && editor.options.element.closest("form")
  const input = form && form.querySelector("input[name=csrfmiddlewaretoken]")
  if (input) return input.value
  const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="))
  return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : ""
}

function versionInput(editor) {
  const form = editor.options.element && editor.options.element.closest("form")
  return form ? form.querySelector("input[name=seen_version]") : null
}

// --- the status line and the panel under the editor ---------------------------------------------

function panelOf(editor) {
  const root = editor.options.element
  let panel = root.nextElementSibling
  if (panel && panel.classList.contains("figure-upload-panel")) return panel
  panel = document.createElement("div")
  panel.className = "figure-upload-panel"
  panel.style.margin = "6px 0"
  const status = document.createElement("p")
  status.className = "figure-upload-status"
  status.setAttribute("role", "status")
  status.setAttribute("aria-live", "polite")
  status.style.margin = "0"
  const web = document.createElement("ul")
  web.className = "figure-upload-web-images"
  web.style.margin = "4px 0"
  web.style.paddingLeft = "1.5em"
  panel.append(status, web)
  root.after(panel)
  return panel
}

function say(editor, message, isError = false) {
  const status = panelOf(editor).querySelector(".figure-upload-status")
  status.textContent = message
  status.style.color = isError ? "#ba2121" : ""
}

// --- talking to the server -----------------------------------------------------------------------

async function post(editor, url, fields) {
  const body = new FormData()
  for (const [name, value] of Object.entries(fields)) body.append(name, value)
  const version = versionInput(editor)
  if (version && version.value) body.append("version", version.value)
  let response
  try {
    response = await fetch(url, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(editor), Accept: "application/json" },
    })
  } catch (error) {
    throw new Error("网络连接失败，图片未保存，请稍后重试。")
  }
  let data = null
  try {
    data = await response.json()
  } catch (error) {
    data = null
  }
  if (!response.ok || !data || data.error) {
    throw new Error((data && data.error) || `图片未保存（服务器返回 ${response.status}），请刷新页面后重试。`)
  }
  return data
}

async function remember(editor, figure) {
  // The page's form must be saved with the article's new version, or its own 保存 would be refused
  // as a conflict with this upload.
  const version = versionInput(editor)
  if (version && figure.version) version.value = String(figure.version)
  const textarea = textareaOf(editor)
  const config = figureConfig(editor)
  if (textarea && config) {
    const figures = (config.figures || []).filter((known) => known.id !== figure.id)
    figures.push(figure)
    figures.sort((a, b) => a.position - b.position)
    config.figures = figures
    textarea.setAttribute("data-figure-upload", JSON.stringify(config))
    textarea.dispatchEvent(new CustomEvent("newsletter-figure:saved", { detail: figure, bubbles: true }))
  }
  await showInBlocks(editor, figure)
}

async function figureModule(editor) {
  // NewsletterFigure's module (figures.js) keeps the figures its blocks show; it must be the very
  // instance the editor loaded, so it is imported by the address the widget's configuration gave.
  const textarea = textareaOf(editor)
  try {
    const config = JSON.parse(textarea.getAttribute("data-django-prose-editor-configurable") || "{}")
    const address = (config.js_modules || []).find((url) => /\/figures(\.[0-9a-f]+)?\.js(\?|$)/.test(url))
    return address ? await import(address) : null
  } catch (error) {
    return null
  }
}

async function showInBlocks(editor, figure) {
  const module = await figureModule(editor)
  if (module && module.updateFigure) {
    module.updateFigure(figure.position, {
      id: figure.id,
      number: figure.number,
      url: figure.thumbnail,
      caption: figure.caption,
      credit: figure.credit,
      needs_image: !figure.thumbnail,
    })
  }
}

function figureMarkup(figure) {
  return `<figure data-figure="${Number(figure.position)}"></figure>`
}

export async function uploadFiles(editor, files, position) {
  const config = figureConfig(editor)
  if (!config) return
  if (!config.saved) {
    say(editor, config.message || "请先保存文章，再插入图片。", true)
    return
  }
  let at = position
  for (const file of files) {
    const text = await askFigureText({
      title: `插入图片：${file.name || "粘贴的图片"}`,
      previewSource: await readAsDataURL(file),
    })
    if (!text) {
      say(editor, "已取消插入图片。")
      continue
    }
    say(editor, "正在上传图片……")
    try {
      const figure = await post(editor, config.upload, { image: file, ...text })
      await remember(editor, figure)
      const size = editor.state.doc.content.size
      at = Math.max(0, Math.min(at, size))
      editor.chain().focus().insertContentAt(at, figureMarkup(figure)).run()
      at = editor.state.selection.to
      say(editor, `已插入图 ${figure.number}（本文第 ${figure.position} 张图）。`)
    } catch (error) {
      say(editor, error.message, true)
    }
  }
}

// --- a placed figure's caption, credit and alt text, edited in place ------------------------------

export async function editFigure(editor, position) {
  const config = figureConfig(editor)
  if (!config || !config.saved) return
  const figure = (config.figures || []).find((known) => known.position === Number(position))
  if (!figure) {
    say(editor, "找不到这张图片，请刷新页面。", true)
    return
  }
  const text = await askFigureText({
    title: `图 ${figure.number || figure.position} 的图注和来源`,
    previewSource: figure.thumbnail || "",
    caption: figure.caption,
    credit: figure.credit,
    altText: figure.alt_text,
  })
  if (!text) return
  try {
    const saved = await post(editor, config.update.replace("{id}", String(figure.id)), text)
    await remember(editor, saved)
    say(editor, `已保存图 ${saved.number} 的图注和来源。`)
  } catch (error) {
    say(editor, error.message, true)
  }
}

// --- web images pasted with an article ------------------------------------------------------------

function webImages(editor) {
  const found = []
  editor.state.doc.descendants((node, pos) => {
    const src = node.attrs && node.attrs.src
    if (typeof src === "string" && /^https?:\/\//i.test(src)) {
      found.push({ node, pos, src, alt: node.attrs.alt || "" })
    }
  })
  return found
}

async function fetchWebImage(editor, src, alt) {
  const config = figureConfig(editor)
  if (!config || !config.saved) {
    say(editor, (config && config.message) || "请先保存文章，再插入图片。", true)
    return
  }
  const text = await askFigureText({ title: "下载此图", caption: alt, altText: alt })
  if (!text) return
  say(editor, "正在下载图片……")
  try {
    const figure = await post(editor, config.fetch, { url: src, ...text })
    await remember(editor, figure)
    const target = webImages(editor).find((image) => image.src === src)
    if (target) {
      editor
        .chain()
        .focus()
        .insertContentAt({ from: target.pos, to: target.pos + target.node.nodeSize }, figureMarkup(figure))
        .run()
    }
    say(editor, `已下载为图 ${figure.number}（本文第 ${figure.position} 张图）。`)
  } catch (error) {
    say(editor, error.message, true)
  }
}

function listWebImages(editor) {
  const list = panelOf(editor).querySelector(".figure-upload-web-images")
  const images = webImages(editor)
  const key = images.map((image) => image.src).join("\n")
  if (list.dataset.key === key) return
  list.dataset.key = key
  list.replaceChildren()
  for (const image of images) {
    const item = document.createElement("li")
    const label = document.createElement("span")
    label.textContent = `网络图片“${image.alt || image.src}”尚未保存为本文的图片。`
    const button = document.createElement("button")
    button.type = "button"
    button.textContent = "下载此图"
    button.style.marginLeft = "8px"
    button.addEventListener("click", () => fetchWebImage(editor, image.src, image.alt))
    item.append(label, button)
    list.append(item)
  }
}

export const NewsletterFigureUpload = Extension.create({
  name: "newsletterFigureUpload",

  onCreate() {
    const editor = this.editor
    if (!figureConfig(editor)) return
    listWebImages(editor)
    // The figure node (or anything in the editor) asks for the edit form with this event; a double
    // click on a placed figure does the same.
    editor.options.element.addEventListener("newsletter-figure:edit", (event) => {
      editFigure(editor, event.detail && event.detail.position)
    })
  },

  onUpdate() {
    if (figureConfig(this.editor)) listWebImages(this.editor)
  },

  addProseMirrorPlugins() {
    const editor = this.editor
    return [
      new Plugin({
        props: {
          handleDrop(view, event) {
            const files = imageFiles(event.dataTransfer)
            if (!files.length || !figureConfig(editor)) return false
            event.preventDefault()
            const coordinates = view.posAtCoords({ left: event.clientX, top: event.clientY })
            const position = coordinates ? coordinates.pos : view.state.selection.from
            uploadFiles(editor, files, position)
            return true
          },
          handleDOMEvents: {
            dblclick(view, event) {
              const placed = event.target.closest && event.target.closest("figure[data-figure]")
              if (!placed || !figureConfig(editor)) return false
              event.preventDefault()
              editFigure(editor, placed.getAttribute("data-figure"))
              return true
            },
          },
          handlePaste(view, event) {
            const files = imageFiles(event.clipboardData)
            if (!files.length || carriesText(event.clipboardData) || !figureConfig(editor)) return false
            event.preventDefault()
            uploadFiles(editor, files, view.state.selection.from)
            return true
          },
        },
      }),
    ]
  },
})
