// Paste that just works (issue 15, item 2): a clipboard with HTML (Word, WPS, WeChat, news sites) or
// with several lines of plain text (a PDF viewer) is cleaned on the server (newsletter/paste.py,
// POST /admin/newsletter/article/paste/clean/) and the editor's HTML it returns is inserted at the
// selection. One line of plain text, image files and anything the server refuses paste as before:
// the editor never waits on the server for a short paste, and a failed request costs only the
// formatting, never the text.

import { Extension, Plugin } from "django-prose-editor/editor"

const ENDPOINT = "/admin/newsletter/article/paste/clean/"
const MESSAGE_SECONDS = 8

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/)
  if (match) return decodeURIComponent(match[1])
  const input = document.querySelector("input[name=csrfmiddlewaretoken]")
  return input ? input.value : ""
}

function showMessage(view, text) {
  const host = view.dom.closest(".prose-editor") || view.dom.parentElement
  if (!host || !host.parentElement) return
  const note = document.createElement("p")
  note.className = "errornote newsletter-paste-message"
  note.setAttribute("role", "status")
  note.textContent = text
  host.parentElement.insertBefore(note, host)
  window.setTimeout(() => note.remove(), MESSAGE_SECONDS * 1000)
}

function htmlHasText(html) {
  // An inert document: nothing in it loads or runs.
  const doc = new DOMParser().parseFromString(html, "text/html")
  return doc.body.textContent.trim().length > 0
}

function wantsCleaning(data) {
  const html = data.getData("text/html") || ""
  const hasFiles = data.files && data.files.length > 0
  // An image copied on its own (a file, perhaps with an <img> tag) is NewsletterFigureUpload's; Word
  // adds a picture of the selection to copied text, so text decides.
  if (hasFiles) return html.trim() !== "" && htmlHasText(html)
  if (html.trim()) return true
  const text = data.getData("text/plain") || ""
  return /\n/.test(text.trim())
}

export async function cleanClipboard(html, text, endpoint = ENDPOINT) {
  const body = new FormData()
  body.append("html", html)
  body.append("text", text)
  const response = await fetch(endpoint, {
    method: "POST",
    body,
    credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
  })
  let payload = {}
  try {
    payload = await response.json()
  } catch (error) {
    payload = {}
  }
  if (!response.ok || typeof payload.html !== "string") {
    throw new Error(payload.error || "粘贴的内容未能整理，已按纯文本粘贴。")
  }
  return payload.html
}

export const NewsletterPaste = Extension.create({
  name: "newsletterPaste",

  addOptions() {
    return { endpoint: ENDPOINT }
  },

  addProseMirrorPlugins() {
    const editor = this.editor
    const endpoint = this.options.endpoint
    return [
      new Plugin({
        props: {
          handlePaste(view, event) {
            const data = event.clipboardData
            if (!data || !wantsCleaning(data)) return false
            const html = data.getData("text/html") || ""
            const text = data.getData("text/plain") || ""
            event.preventDefault()
            view.dom.setAttribute("aria-busy", "true")
            cleanClipboard(html, text, endpoint)
              .then((cleaned) => {
                if (cleaned) editor.chain().focus().insertContent(cleaned).run()
                view.dom.dispatchEvent(new CustomEvent("newsletter:pasted", { bubbles: true, detail: { html: cleaned } }))
              })
              .catch((error) => {
                showMessage(view, error.message)
                if (text) view.pasteText(text)
              })
              .finally(() => view.dom.removeAttribute("aria-busy"))
            return true
          },
        },
      }),
    ]
  },
})
