// The form that asks for a figure's caption, credit and alt text (figure_upload.js): a <dialog>
// built with DOM calls (no inline script or markup under the admin's CSP), with a preview of the
// image from a data: URL (blob: is not in the CSP's img-src).

function field(form, name, label, value, required) {
  const wrapper = document.createElement("p")
  wrapper.style.margin = "0 0 8px"
  const labelElement = document.createElement("label")
  labelElement.textContent = label
  labelElement.style.display = "block"
  labelElement.style.whiteSpace = "nowrap"
  const input = document.createElement("input")
  input.type = "text"
  input.name = name
  input.value = value || ""
  input.maxLength = name === "credit" ? 200 : 300
  input.required = required
  input.style.width = "100%"
  input.style.boxSizing = "border-box"
  labelElement.append(input)
  wrapper.append(labelElement)
  form.append(wrapper)
  return input
}

export function askFigureText({ title, previewSource, caption = "", credit = "", altText = "" }) {
  // Resolves to {caption, credit, alt_text}, or null when the editor cancels.
  return new Promise((resolve) => {
    const dialog = document.createElement("dialog")
    dialog.className = "figure-upload-dialog"
    dialog.style.maxWidth = "28rem"
    dialog.style.width = "90vw"
    const form = document.createElement("form")
    form.method = "dialog"
    const heading = document.createElement("h2")
    heading.textContent = title
    heading.style.marginTop = "0"
    form.append(heading)
    if (previewSource) {
      const image = document.createElement("img")
      image.src = previewSource
      image.alt = ""
      image.style.maxWidth = "100%"
      image.style.maxHeight = "160px"
      form.append(image)
    }
    const captionInput = field(form, "caption", "图注（必填，不含“图 N”）", caption, true)
    const creditInput = field(form, "credit", "图片来源", credit, false)
    const altInput = field(form, "alt_text", "替代文字（留空则用图注）", altText, false)
    const buttons = document.createElement("p")
    const ok = document.createElement("button")
    ok.type = "submit"
    ok.value = "ok"
    ok.className = "default"
    ok.textContent = "插入图片"
    const cancel = document.createElement("button")
    cancel.type = "button"
    cancel.textContent = "取消"
    cancel.style.marginLeft = "8px"
    buttons.append(ok, cancel)
    form.append(buttons)
    dialog.append(form)
    document.body.append(dialog)
    let answer = null
    form.addEventListener("submit", (event) => {
      if (!captionInput.value.trim()) {
        event.preventDefault()
        captionInput.setCustomValidity("请填写图注。")
        captionInput.reportValidity()
        return
      }
      answer = { caption: captionInput.value.trim(), credit: creditInput.value.trim(), alt_text: altInput.value.trim() }
    })
    captionInput.addEventListener("input", () => captionInput.setCustomValidity(""))
    cancel.addEventListener("click", () => dialog.close())
    dialog.addEventListener("close", () => {
      dialog.remove()
      resolve(answer)
    })
    dialog.showModal()
    captionInput.focus()
  })
}

export function readAsDataURL(file) {
  return new Promise((resolve) => {
    const reader = new FileReader()
    reader.onload = () => resolve(reader.result)
    reader.onerror = () => resolve("")
    reader.readAsDataURL(file)
  })
}
