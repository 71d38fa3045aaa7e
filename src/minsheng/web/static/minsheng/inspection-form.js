// The inspector's phone form: every change is kept on the device (localStorage), so a page
// closed or a signal lost loses nothing; "submit" sends the form to the API, and when the phone
// is offline (or the request fails on the network) the form waits and is sent as soon as the
// phone is back online. Photos are shrunk on the device and carry the time they were taken.
(function () {
  "use strict";
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/inspections/sw.js").catch(function () { /* online only */ });
  }
  const form = document.getElementById("visit-form");
  if (!form) return;
  const key = "minsheng-visit-" + form.dataset.visit;
  const note = document.getElementById("draft-note");
  const errorBox = document.getElementById("visit-error");
  const photoList = document.getElementById("photo-list");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  let draft = load() || { started: new Date().toISOString(), photos: [], queued: false };
  let sending = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function save() {
    try {
      localStorage.setItem(key, JSON.stringify(draft));
    } catch (e) {
      show(note, "本机存储空间不足，照片可能未保存，请减少照片后再试。");
    }
  }
  function show(box, text) {
    box.textContent = text;
    box.classList.toggle("d-none", !text);
  }
  function collect() {
    const results = {}, notes = {};
    form.querySelectorAll("[data-item]").forEach(function (block) {
      const code = block.dataset.item;
      const checked = block.querySelector("input[type=radio]:checked");
      if (checked) results[code] = checked.value;
      const text = block.querySelector("textarea").value.trim();
      if (text) notes[code] = text;
    });
    draft.results = results;
    draft.notes = notes;
    draft.summary = form.querySelector("#summary").value;
    draft.unannounced = form.querySelector("#unannounced").checked;
  }
  function restore() {
    Object.entries(draft.results || {}).forEach(function ([code, value]) {
      const input = document.getElementById("r-" + code + "-" + value);
      if (input) input.checked = true;
    });
    Object.entries(draft.notes || {}).forEach(function ([code, text]) {
      const area = form.querySelector("textarea[name='n-" + code + "']");
      if (area) area.value = text;
    });
    form.querySelector("#summary").value = draft.summary || "";
    if (draft.unannounced === false) form.querySelector("#unannounced").checked = false;
    drawPhotos();
  }
  function drawPhotos() {
    photoList.replaceChildren();
    draft.photos.forEach(function (photo, index) {
      const figure = document.createElement("figure");
      figure.className = "figure mb-0";
      const img = document.createElement("img");
      img.src = photo.data;
      img.alt = photo.name;
      img.className = "rounded border";
      img.style.maxWidth = "6rem";
      const caption = document.createElement("figcaption");
      caption.className = "figure-caption";
      caption.textContent = new Date(photo.taken_at).toLocaleString("zh-CN", {
        hour12: false, timeZone: "Asia/Shanghai",
      });
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn btn-link btn-sm p-0 ms-1";
      remove.textContent = "删除";
      remove.addEventListener("click", function () {
        draft.photos.splice(index, 1);
        save();
        drawPhotos();
      });
      caption.appendChild(remove);
      figure.append(img, caption);
      photoList.appendChild(figure);
    });
  }
  function shrink(file) {
    return new Promise(function (resolve, reject) {
      const reader = new FileReader();
      reader.onerror = reject;
      reader.onload = function () {
        const img = new Image();
        img.onerror = reject;
        img.onload = function () {
          const scale = Math.min(1, 1600 / Math.max(img.width, img.height));
          const canvas = document.createElement("canvas");
          canvas.width = Math.round(img.width * scale);
          canvas.height = Math.round(img.height * scale);
          canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
          resolve(canvas.toDataURL("image/jpeg", 0.8));
        };
        img.src = reader.result;
      };
      reader.readAsDataURL(file);
    });
  }
  function missing() {
    const blocks = Array.from(form.querySelectorAll("[data-item]"));
    const open = blocks.find(function (b) { return !draft.results[b.dataset.item]; });
    if (open) return open;
    return blocks.find(function (b) {
      return draft.results[b.dataset.item] === "fail" && !draft.notes[b.dataset.item];
    });
  }
  async function send() {
    if (sending || !draft.queued) return;
    if (!navigator.onLine) {
      show(note, "当前没有网络，检查结果已保存在本机，联网后自动上传。");
      return;
    }
    sending = true;
    show(note, "正在上传……");
    const body = {
      results: draft.results, notes: draft.notes, summary: draft.summary,
      unannounced: draft.unannounced, visited_at: draft.started,
      photos: draft.photos.map(function (p) {
        return { name: p.name, item: "", taken_at: p.taken_at, data: p.data };
      }),
    };
    try {
      const response = await fetch(form.dataset.url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        credentials: "same-origin",
        body: JSON.stringify(body),
      });
      if (response.ok) {
        localStorage.removeItem(key);
        window.location.assign(form.dataset.done);
        return;
      }
      let message = "上传失败（" + response.status + "），请稍后重试。";
      try { message = (await response.json()).error.message || message; } catch (e) { /* keep */ }
      draft.queued = false;
      save();
      show(note, "");
      show(errorBox, message);
    } catch (e) {
      show(note, "网络中断，检查结果已保存在本机，联网后自动上传。");
    } finally {
      sending = false;
    }
  }

  form.addEventListener("input", function () { collect(); save(); });
  form.addEventListener("change", function () { collect(); save(); });
  form.querySelector("#photos").addEventListener("change", async function (event) {
    for (const file of Array.from(event.target.files)) {
      try {
        const data = await shrink(file);
        draft.photos.push({
          name: file.name.replace(/\.(png|jpe?g)$/i, "") + ".jpg",
          taken_at: new Date(file.lastModified || Date.now()).toISOString(),
          data: data,
        });
      } catch (e) {
        show(errorBox, "“" + file.name + "”不是可读取的照片");
      }
    }
    event.target.value = "";
    save();
    drawPhotos();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    collect();
    const open = missing();
    if (open) {
      const text = open.querySelector("div").firstChild.textContent.trim();
      show(errorBox, draft.results[open.dataset.item]
        ? "不合格项须写明问题：" + text : "还有未判定的项目：" + text);
      open.scrollIntoView({ block: "center" });
      return;
    }
    show(errorBox, "");
    draft.queued = true;
    save();
    send();
  });
  window.addEventListener("online", send);

  if (load()) {
    restore();
    show(note, draft.queued ? "检查结果尚未上传，联网后自动上传。" : "已恢复本机保存的草稿。");
  }
  save();
  send();
})();
