// Figures in the article body (issue 15, item 1): the editor's block for "[[figure:N]]" and the
// placeholder for an image pasted from elsewhere that is not a figure yet.
//
// Schema (newsletter/body_format.py): <figure data-figure="N"></figure> is the article's N-th figure
// (1-based, in the order of the figures below the editor); <img src="http(s)://…" alt="…"> as its
// own block is an outside image. The editor never loads an outside image (the admin's CSP would
// refuse it anyway): it shows its address and asks for the file; the server refuses to save while
// one is left.
//
// What a figure block shows comes from the JSON data block the widget writes after the textarea
// (id "newsletter-figures": [{position, id, number, url, caption, credit, needs_image}]). Other
// modules (upload, paste) call updateFigure() when a figure is added or changed; every block
// showing that position is redrawn.

import { Node, mergeAttributes } from "django-prose-editor/editor"

const DATA_ID = "newsletter-figures"
const CHANGED = "newsletter:figures-changed"
const figures = new Map()
let loaded = false

function load() {
  if (loaded) return
  loaded = true
  const element = document.getElementById(DATA_ID)
  if (!element) return
  try {
    for (const figure of JSON.parse(element.textContent)) figures.set(figure.position, figure)
  } catch (error) {
    console.error("newsletter-figures:", error)
  }
}

export function figureAt(position) {
  load()
  return figures.get(position) || null
}

export function figureCount() {
  load()
  return figures.size
}

export function updateFigure(position, info) {
  load()
  figures.set(position, { ...(figures.get(position) || {}), ...info, position })
  document.dispatchEvent(new CustomEvent(CHANGED, { detail: { position } }))
}

function element(tag, className, text) {
  const node = document.createElement(tag)
  if (className) node.className = className
  if (text !== undefined) node.textContent = text
  return node
}

function drawFigure(dom, position) {
  const figure = figureAt(position)
  dom.replaceChildren()
  dom.dataset.figure = String(position)
  if (!figure) {
    dom.classList.add("nl-figure--unknown")
    dom.append(element("div", "nl-figure__missing", `本文没有第 ${position} 张图，请删除此处或先在下方“图片”中添加。`))
    return
  }
  dom.classList.remove("nl-figure--unknown")
  if (figure.url && !figure.needs_image) {
    const image = element("img", "nl-figure__image")
    image.src = figure.url
    image.alt = figure.caption || ""
    image.loading = "lazy"
    dom.append(image)
  } else {
    dom.append(element("div", "nl-figure__missing", "缺少图片，请上传"))
  }
  const caption = element("figcaption", "nl-figure__caption")
  const label = figure.number ? `图 ${figure.number}` : `本文图 ${position}`
  caption.append(element("strong", "nl-figure__number", label))
  caption.append(document.createTextNode(figure.caption ? ` ${figure.caption}` : " （无图注）"))
  if (figure.credit) caption.append(element("span", "nl-figure__credit", `图片来源：${figure.credit}`))
  dom.append(caption)
}

export const NewsletterExternalImage = Node.create({
  name: "newsletterExternalImage",
  group: "block",
  atom: true,
  selectable: true,
  draggable: true,

  addAttributes() {
    return {
      src: { default: "", parseHTML: (el) => el.getAttribute("src") || "" },
      alt: { default: "", parseHTML: (el) => el.getAttribute("alt") || "" },
    }
  },

  parseHTML() {
    return [{ tag: "img[src]" }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["img", mergeAttributes({ src: HTMLAttributes.src, alt: HTMLAttributes.alt })]
  },

  addNodeView() {
    return ({ node }) => {
      const dom = element("div", "nl-external-image")
      dom.contentEditable = "false"
      const draw = (current) => {
        dom.replaceChildren(
          element("strong", "nl-external-image__title", "外部图片，保存前请上传或替换"),
          element("code", "nl-external-image__url", current.attrs.src),
        )
        dom.dataset.src = current.attrs.src
      }
      draw(node)
      return {
        dom,
        update(updated) {
          if (updated.type !== node.type) return false
          draw(updated)
          return true
        },
        ignoreMutation: () => true,
      }
    }
  },
})

export const NewsletterFigure = Node.create({
  name: "newsletterFigure",
  group: "block",
  atom: true,
  selectable: true,
  draggable: true,

  addExtensions() {
    return [NewsletterExternalImage]
  },

  addAttributes() {
    return {
      position: {
        default: 1,
        parseHTML: (el) => Number.parseInt(el.getAttribute("data-figure"), 10) || 1,
        renderHTML: (attrs) => ({ "data-figure": String(attrs.position) }),
      },
    }
  },

  parseHTML() {
    // Higher than any other figure rule, so a figure block is never read as something else.
    return [{ tag: "figure[data-figure]", priority: 60 }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", mergeAttributes(HTMLAttributes)]
  },

  addCommands() {
    return {
      insertNewsletterFigure:
        (position) =>
        ({ commands }) =>
          commands.insertContent({ type: this.name, attrs: { position } }),
    }
  },

  addMenuItems({ menu, buttons }) {
    const count = figureCount()
    for (let position = 1; position <= count; position++) {
      menu.defineItem({
        name: `newsletterFigure:${position}`,
        groups: "newsletterFigure",
        button: buttons.text(`插入图 ${position}`),
        option: element("p", "", `插入本文第 ${position} 张图`),
        command(editor) {
          editor.chain().focus().insertNewsletterFigure(position).run()
        },
        enabled: (editor) => editor.can().insertNewsletterFigure(position),
      })
    }
  },

  addNodeView() {
    return ({ node }) => {
      const dom = element("figure", "nl-figure")
      dom.contentEditable = "false"
      let position = node.attrs.position
      const redraw = () => drawFigure(dom, position)
      const onChanged = (event) => {
        if (!event.detail || event.detail.position === position) redraw()
      }
      document.addEventListener(CHANGED, onChanged)
      redraw()
      return {
        dom,
        update(updated) {
          if (updated.type !== node.type) return false
          position = updated.attrs.position
          redraw()
          return true
        },
        ignoreMutation: () => true,
        destroy() {
          document.removeEventListener(CHANGED, onChanged)
        },
      }
    }
  },
})
