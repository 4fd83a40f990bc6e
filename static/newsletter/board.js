/* The issue board (templates/admin/newsletter/issue/_board.html): move an article within its section
   or to another one by drag and drop, or with the keyboard (上移 / 下移 buttons, 移到栏目 select);
   move a section up or down in this section order (上移栏目 / 下移栏目, POSTed to the
   board's section URL with the section order the page shows).
   Each move is saved at once by POSTing JSON to the board's move URL with the versions the page last
   saw; the server answers with the new positions and versions, or 409 when someone else changed
   these sections meanwhile (the page is then reloaded to show their changes). Without script the
   board is a read-only list and the article table below still sets sections and positions. */
(function () {
  "use strict";

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function init(board) {
    if (!board.dataset.mayMove) return;
    const status = board.querySelector(".board-status");
    let busy = false;
    let dragged = null;

    function say(text, isError) {
      status.textContent = text;
      status.classList.toggle("board-status-error", Boolean(isError));
    }

    function cards(list) {
      return Array.from(list.querySelectorAll(":scope > .board-card"));
    }

    function versions() {
      const seen = {};
      board.querySelectorAll(".board-card").forEach(function (card) {
        seen[card.dataset.articleId] = Number(card.dataset.version);
      });
      return seen;
    }

    function sectionName(id) {
      const option = board.querySelector('.board-section-select option[value="' + id + '"]');
      return option ? option.textContent.replace(/^【|】$/g, "") : "";
    }

    function listFor(sectionId, name) {
      let list = board.querySelector('.board-list[data-section-id="' + sectionId + '"]');
      if (list) return list;
      const section = document.createElement("section");
      section.className = "board-section";
      section.dataset.sectionId = sectionId;
      section.setAttribute("aria-label", "【" + name + "】");
      const title = document.createElement("h3");
      title.className = "board-section-title";
      title.textContent = "【" + name + "】";
      const keys = document.createElement("div");
      keys.className = "board-section-keys";
      [["up", "上移栏目"], ["down", "下移栏目"]].forEach(function (pair) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "button board-section-" + pair[0];
        button.dataset.moveSection = pair[0];
        button.textContent = pair[1];
        button.setAttribute("aria-label", pair[1] + "【" + name + "】");
        keys.append(button);
      });
      list = document.createElement("ol");
      list.className = "board-list";
      list.dataset.sectionId = sectionId;
      section.append(title);
      if (sectionId) section.append(keys);
      section.append(list);
      board.querySelector(".board-sections").append(section);
      bindList(list);
      return list;
    }

    // The article table below the board edits the same rows: keep its section, position and version
    // in step, so saving the page later neither reverts the move nor reports a false conflict.
    function syncInlineRow(articleId, sectionId, sectionLabel, position, version) {
      const idInput = Array.from(document.querySelectorAll('input[name^="articles-"][name$="-id"]')).find(function (input) {
        return input.value === String(articleId);
      });
      if (!idInput) return;
      const prefix = idInput.name.slice(0, -"id".length);
      const seen = document.querySelector('input[name="' + prefix + 'seen_version"]');
      const positionInput = document.querySelector('input[name="' + prefix + 'position"]');
      const select = document.querySelector('select[name="' + prefix + 'section"]');
      if (seen) seen.value = version;
      if (positionInput) positionInput.value = position;
      if (select && sectionId !== null) {
        if (!Array.from(select.options).some(function (o) { return o.value === String(sectionId); })) {
          select.append(new Option(sectionLabel, sectionId, false, false));
        }
        select.value = String(sectionId);
      }
    }

    function apply(state) {
      const container = board.querySelector(".board-sections");
      state.sections.forEach(function (section) {
        const key = section.id === null ? "" : String(section.id);
        const list = listFor(key, section.name);
        container.append(list.closest(".board-section")); // print order
        section.articles.forEach(function (item) {
          const card = board.querySelector('.board-card[data-article-id="' + item.id + '"]');
          if (!card) return;
          card.dataset.version = item.version;
          list.append(card);
          syncInlineRow(item.id, section.id, section.name, item.position, item.version);
        });
      });
      board.querySelectorAll(".board-section").forEach(function (section) {
        if (!section.querySelector(".board-card")) section.remove();
      });
    }

    // POST one move as JSON with the page's CSRF token. On success the board takes the server's state
    // and done(data) says what was saved; on refusal its message is shown and a 409 (someone else
    // changed these sections meanwhile) reloads the page. Resolves to whether the move was saved.
    function post(url, payload, done, networkError) {
      if (busy) return Promise.resolve(false);
      busy = true;
      say("正在保存……");
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), "X-Requested-With": "XMLHttpRequest" },
        body: JSON.stringify(payload),
      })
        .then(function (response) {
          return response.json().then(
            function (data) { return { response: response, data: data }; },
            function () { return { response: response, data: { error: "保存失败（服务器返回 " + response.status + "），请刷新页面后再试。" } }; }
          );
        })
        .then(function (result) {
          busy = false;
          if (result.response.ok) {
            apply(result.data);
            done(result.data);
            return true;
          }
          say(result.data.error || "保存失败，请刷新页面后再试。", true);
          if (result.response.status === 409) {
            board.classList.add("board-conflict");
            window.setTimeout(function () { window.location.reload(); }, 2500);
          }
          return false;
        })
        .catch(function () {
          busy = false;
          say(networkError, true);
          return false;
        });
    }

    function move(card, sectionId, index) {
      const payload = { article: Number(card.dataset.articleId), section: Number(sectionId), index: index, versions: versions() };
      return post(board.dataset.moveUrl, payload, function (data) {
        say(data.message + "《" + card.dataset.title + "》现在位于【" + sectionName(sectionId) + "】第 " + (index + 1) + " 篇。");
      }, "网络错误，移动未保存。请检查网络后再试。");
    }

    function focusControl(card, selector) {
      const control = card.querySelector(selector);
      if (control && !control.disabled) control.focus();
      else card.querySelector(".board-card-title").focus();
    }

    function sectionOrder() {
      return Array.from(board.querySelectorAll(".board-section"))
        .map(function (section) { return section.dataset.sectionId; })
        .filter(function (id) { return id; })
        .map(Number);
    }

    function moveSection(section, direction) {
      const name = section.getAttribute("aria-label");
      const payload = { section: Number(section.dataset.sectionId), direction: direction, order: sectionOrder() };
      return post(board.dataset.sectionUrl, payload, function (data) {
        const place = sectionOrder().indexOf(Number(section.dataset.sectionId)) + 1;
        say(data.message + name + "现在是本期第 " + place + " 个栏目。");
      }, "网络错误，调整未保存。请检查网络后再试。");
    }

    board.addEventListener("click", function (event) {
      const sectionButton = event.target.closest("button[data-move-section]");
      if (!sectionButton) return;
      const section = sectionButton.closest(".board-section");
      const order = sectionOrder();
      const index = order.indexOf(Number(section.dataset.sectionId));
      const direction = sectionButton.dataset.moveSection;
      if ((direction === "up" && index <= 0) || (direction === "down" && index === order.length - 1)) {
        say(direction === "up" ? "已经是本期的第一个栏目。" : "已经是本期的最后一个栏目。");
        return;
      }
      moveSection(section, direction).then(function () { sectionButton.focus(); });
    });

    board.addEventListener("click", function (event) {
      const button = event.target.closest("button[data-move]");
      if (!button) return;
      const card = button.closest(".board-card");
      const list = card.parentElement;
      if (!list.dataset.sectionId) {
        say("这篇文章还没有栏目：请先用「移到栏目」为它选择栏目。", true);
        return;
      }
      const index = cards(list).indexOf(card);
      const target = button.dataset.move === "up" ? index - 1 : index + 1;
      if (target < 0 || target >= cards(list).length) {
        say(button.dataset.move === "up" ? "已经是本栏目的第一篇。" : "已经是本栏目的最后一篇。");
        return;
      }
      move(card, list.dataset.sectionId, target).then(function () {
        focusControl(card, ".board-" + button.dataset.move);
      });
    });

    board.addEventListener("change", function (event) {
      const select = event.target.closest("select[data-move=section]");
      if (!select || !select.value) return;
      const card = select.closest(".board-card");
      const sectionId = select.value;
      const existing = board.querySelector('.board-list[data-section-id="' + sectionId + '"]');
      const index = existing ? cards(existing).filter(function (c) { return c !== card; }).length : 0;
      move(card, sectionId, index).then(function () {
        select.value = "";
        focusControl(card, ".board-section-select");
      });
    });

    // --- drag and drop ------------------------------------------------------------------------
    function dropIndex(list, y) {
      const others = cards(list).filter(function (c) { return c !== dragged; });
      for (let i = 0; i < others.length; i += 1) {
        const box = others[i].getBoundingClientRect();
        if (y < box.top + box.height / 2) return i;
      }
      return others.length;
    }

    function clearMarks() {
      board.querySelectorAll(".board-drop-target").forEach(function (el) { el.classList.remove("board-drop-target"); });
    }

    function bindList(list) {
      list.addEventListener("dragover", function (event) {
        if (!dragged || !list.dataset.sectionId) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        clearMarks();
        list.classList.add("board-drop-target");
      });
      list.addEventListener("drop", function (event) {
        if (!dragged || !list.dataset.sectionId) return;
        event.preventDefault();
        clearMarks();
        const card = dragged;
        move(card, list.dataset.sectionId, dropIndex(list, event.clientY));
      });
    }

    board.querySelectorAll(".board-list").forEach(bindList);
    board.addEventListener("dragstart", function (event) {
      const card = event.target.closest && event.target.closest(".board-card");
      if (!card) return;
      dragged = card;
      card.classList.add("board-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.dataset.articleId);
    });
    board.addEventListener("dragend", function () {
      if (dragged) dragged.classList.remove("board-dragging");
      dragged = null;
      clearMarks();
    });
  }

  function start() {
    document.querySelectorAll("#issue-board").forEach(init);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
