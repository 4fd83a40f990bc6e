// Chinese names for the editor's toolbar. django-prose-editor translates its dialogs through the
// Django JavaScript catalog (locale/zh_Hans/LC_MESSAGES/djangojs.po) but names its toolbar buttons
// in English; this extension renames them (title, aria-label, and the block-type menu's options)
// whenever the toolbar is drawn or redrawn.

import { Extension } from "django-prose-editor/editor"

const NAMES = {
  paragraph: "正文段落",
  "heading 2": "小标题",
  "heading 3": "二级小标题",
  "Heading 2": "小标题",
  "Heading 3": "二级小标题",
  Paragraph: "正文段落",
  bold: "加粗",
  italic: "斜体",
  "unordered list": "项目列表",
  "ordered list": "编号列表",
  blockquote: "引用",
  "insert link": "插入链接",
  "remove link": "取消链接",
  "Insert table": "插入表格",
  "Add column": "在右侧加一列",
  "Delete column": "删除此列",
  "Add row": "在下方加一行",
  "Delete row": "删除此行",
  "Delete table": "删除表格",
  "Merge cells": "合并单元格",
  "Split cell": "拆分单元格",
  "Toggle header cell": "切换表头单元格",
  undo: "撤销",
  redo: "重做",
  fullscreen: "全屏编辑",
  "Toggle fullscreen": "全屏编辑",
}

function rename(root) {
  for (const node of root.querySelectorAll("[title], [aria-label]")) {
    for (const attribute of ["title", "aria-label"]) {
      const name = NAMES[node.getAttribute(attribute)]
      if (name) node.setAttribute(attribute, name)
    }
  }
  for (const option of root.querySelectorAll(".prose-menubar__option > *")) {
    const name = NAMES[option.textContent.trim()]
    if (name) option.textContent = name
  }
}

export const NewsletterLabels = Extension.create({
  name: "newsletterLabels",

  onCreate() {
    const container = this.editor.view.dom.closest(".prose-editor")
    if (!container) return
    rename(container)
    // The toolbar redraws its buttons as the selection moves (active block type, table tools).
    new MutationObserver(() => rename(container)).observe(container, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ["title", "aria-label"],
    })
  },
})
