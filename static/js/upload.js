/* Listing form photos, made for phones. Progressive: without this file the form works as is
   (the server takes the files, and the photo buttons reload the form).
   With it:
   - chosen photos show at once as previews;
   - photos the browser can decode (JPEG, PNG, WebP) and longer than MAX_SIDE px are drawn
     upright onto a canvas at most MAX_SIDE px long and sent as JPEG, so a 12-50 MP photo
     leaves the phone as ~1 MB instead of 5-15 MB; HEIC, GIF and anything the browser cannot
     decode go as they are. The server still checks every file and is the only judge;
   - up/down/cover/remove rearrange the list in the page without a reload;
   - a choice too large for one request is stopped here with a message, instead of the
     server's "too large" page.
   Loaded as an external file (the CSP allows script-src 'self'); texts come from data-msg-*
   attributes that the template translates. */
(function () {
  "use strict";
  var MAX_SIDE = 2560, QUALITY = 0.88;
  var form = document.querySelector("form[data-upload]");
  if (!form) return;
  var input = form.querySelector("input[type=file]");
  var previews = document.getElementById("photo-previews");
  var list = document.getElementById("photo-list");
  var msgs = (previews && previews.dataset) || {};
  var work = Promise.resolve();   // the shrinking in progress, if any
  var busy = 0;

  function msg(name, values) {
    var text = msgs[name] || "";
    Object.keys(values || {}).forEach(function (k) { text = text.split("%(" + k + ")s").join(values[k]); });
    return text;
  }
  function mb(bytes) { return (bytes / 1048576).toFixed(1).replace(".", ",") + " MB"; }
  function canShrink(file) { return /^image\/(jpeg|png|webp)$/.test(file.type); }

  function decode(file) {
    if (window.createImageBitmap) {
      return createImageBitmap(file, { imageOrientation: "from-image" });
    }
    return new Promise(function (resolve, reject) {   // older browsers: an <img> (upright by CSS default)
      var img = new Image(), url = URL.createObjectURL(file);
      img.onload = function () { URL.revokeObjectURL(url); resolve(img); };
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error("decode")); };
      img.src = url;
    });
  }

  /* Resolves to a File: the original, or a JPEG at most MAX_SIDE px long. Never rejects. */
  function shrink(file) {
    if (!canShrink(file)) return Promise.resolve(file);
    return decode(file).then(function (pic) {
      var w = pic.width || pic.naturalWidth, h = pic.height || pic.naturalHeight;
      var scale = Math.min(1, MAX_SIDE / Math.max(w, h));
      if (scale === 1) { if (pic.close) pic.close(); return file; }
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(w * scale); canvas.height = Math.round(h * scale);
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff";   // transparent PNGs: white, as the server flattens them
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.imageSmoothingQuality = "high";
      ctx.drawImage(pic, 0, 0, canvas.width, canvas.height);
      if (pic.close) pic.close();
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) { resolve(file); return; }
          var name = file.name.replace(/\.[^.\/]*$/, "") + ".jpg";
          try { resolve(new File([blob], name, { type: "image/jpeg", lastModified: file.lastModified })); }
          catch (e) { resolve(file); }
        }, "image/jpeg", QUALITY);
      });
    }).catch(function () { return file; });
  }

  function preview(file) {
    var fig = document.createElement("figure"), cap = document.createElement("figcaption");
    fig.className = "photo-preview";
    var img = document.createElement("img");
    img.alt = ""; img.width = 96; img.height = 96;
    var url = URL.createObjectURL(file);
    img.onload = function () { URL.revokeObjectURL(url); };
    img.onerror = function () {   // HEIC on most browsers: no preview, still sent
      URL.revokeObjectURL(url);
      var box = document.createElement("span");
      box.className = "photo-noview";
      box.textContent = (file.name.split(".").pop() || "").toUpperCase();
      fig.replaceChild(box, img);
      cap.textContent = file.name + " · " + mb(file.size) + " · " + msg("msgNoPreview");
    };
    img.src = url;
    cap.textContent = file.name + " · " + mb(file.size);
    fig.appendChild(img); fig.appendChild(cap);
    previews.appendChild(fig);
    return cap;
  }

  function replaceFiles(files) {
    try {
      var dt = new DataTransfer();
      files.forEach(function (f) { dt.items.add(f); });
      input.files = dt.files;
      return true;
    } catch (e) { return false; }   // cannot set files here: the originals are sent
  }

  function note(text, bad) {
    var p = document.createElement("p");
    p.className = bad ? "error" : "photo-progress";
    p.setAttribute("role", bad ? "alert" : "status");
    p.textContent = text;
    previews.appendChild(p);
  }

  if (input && previews) {
    input.addEventListener("change", function () {
      previews.textContent = "";
      var files = Array.prototype.slice.call(input.files || []);
      if (!files.length) { showCount(); return; }
      var total = parseInt(input.dataset.maxPhotos || "0", 10);
      var room = total - (list ? list.querySelectorAll(".photo-item").length : 0);
      if (total && files.length > room) note(msg("msgTooMany", { n: total, room: Math.max(room, 0) }), true);
      var captions = files.map(preview);
      showCount();
      busy += 1;
      // One photo at a time: a cheap phone has little memory for 50 MP bitmaps.
      work = files.reduce(function (chain, file, i) {
        return chain.then(function (done) {
          return shrink(file).then(function (out) {
            if (out !== file) captions[i].textContent = file.name + " · " + mb(file.size) + " → " + mb(out.size);
            done.push(out); return done;
          });
        });
      }, Promise.resolve([])).then(function (out) {
        if (out.some(function (f, i) { return f !== files[i]; })) replaceFiles(out);
      }).then(function () { busy -= 1; }, function () { busy -= 1; });
    });
  }

  function totalBytes() {
    return Array.prototype.reduce.call((input && input.files) || [], function (s, f) { return s + f.size; }, 0);
  }

  var resubmitting = false;
  form.addEventListener("submit", function (ev) {
    var submitter = ev.submitter;
    if (busy && !resubmitting) {   // wait for the shrinking, then send with the same button
      ev.preventDefault();
      note(msg("msgPreparing"), false);
      work.then(function () {
        resubmitting = true;
        if (form.requestSubmit && submitter) form.requestSubmit(submitter);
        else form.submit();
        resubmitting = false;
      });
      return;
    }
    var limit = parseInt((input && input.dataset.maxRequest) || "0", 10);
    if (limit && totalBytes() > limit - 256 * 1024) {
      ev.preventDefault();
      note(msg("msgTooLarge", { mb: mb(limit) }), true);
    }
  });

  /* Rearranging without a reload: the same buttons, handled here. */
  function renumber() {
    var items = list.querySelectorAll(".photo-item");
    Array.prototype.forEach.call(items, function (li, i) {
      var pos = li.querySelector(".photo-pos");
      if (pos) {
        pos.textContent = "";
        if (i === 0) {
          var b = document.createElement("strong");
          b.className = "badge badge-ok"; b.textContent = msg("msgCover");
          pos.appendChild(b);
        } else {
          pos.textContent = msg("msgPhotoN", { n: i + 1 });
        }
      }
      var up = li.querySelector("[value^='up:']"), down = li.querySelector("[value^='down:']");
      var cover = li.querySelector("[value^='cover:']");
      if (up) up.disabled = i === 0;
      if (down) down.disabled = i === items.length - 1;
      if (cover) cover.hidden = i === 0;
    });
    var order = document.getElementById("photo-order");
    if (order) order.value = Array.prototype.map.call(items, function (li) { return li.dataset.photo; }).join(",");
    showCount(true);
  }

  /* "n dari 5 foto": the photos in the list plus the ones chosen and not sent yet (as many
     as the server will take), so the count matches what is on the screen. */
  function showCount(rearranged) {
    var count = document.getElementById("photo-count");
    if (!count) return;
    var saved = list ? list.querySelectorAll(".photo-item").length : 0;
    var total = parseInt((input && input.dataset.maxPhotos) || "0", 10) || Infinity;
    var chosen = Math.min((input && input.files ? input.files.length : 0), Math.max(total - saved, 0));
    var text = chosen
      ? msg("msgCountChosen", { n: saved + chosen, "new": chosen })
      : msg("msgCount", { n: saved });
    if (rearranged || (saved && !chosen)) text += " " + msg("msgSaveHint");
    count.textContent = text;
  }

  if (list) {
    list.addEventListener("click", function (ev) {
      var button = ev.target.closest("button[name=photo_op]");
      if (!button) return;
      var parts = button.value.split(":"), li = button.closest(".photo-item");
      if (!li || parts.length !== 2) return;
      ev.preventDefault();
      if (parts[0] === "up" && li.previousElementSibling) list.insertBefore(li, li.previousElementSibling);
      else if (parts[0] === "down" && li.nextElementSibling) list.insertBefore(li.nextElementSibling, li);
      else if (parts[0] === "cover") list.insertBefore(li, list.firstElementChild);
      else if (parts[0] === "remove") li.remove();
      renumber();
      // Keep the focus on the photo just moved (never on a "remove" button, a second tap
      // there would delete); after a removal, on the photo count.
      var target = null;
      if (li.isConnected) {
        target = li.querySelector("button[value^='" + parts[0] + ":']");
        if (!target || target.disabled || target.hidden) {
          target = li.querySelector("button[name=photo_op]:not([disabled]):not([hidden]):not([value^='remove:'])");
        }
      }
      if (!target) {
        target = document.getElementById("photo-count");
        if (target) target.setAttribute("tabindex", "-1");
      }
      if (target) target.focus();
    });
  }
})();
