// 逐字稿校對: the recording beside its segments. Loaded with <script defer> (the CSP forbids
// inline scripts); every handler is delegated from the document, so rows that HTMX swaps in
// after a save keep working. The plain <audio controls> player is the player either way: the
// waveform is drawn on top of it when wavesurfer.js can decode the recording.
(function () {
  "use strict";

  var player = document.getElementById("player");
  var audio = document.getElementById("audio");
  var list = document.getElementById("segments");
  if (!player || !audio || !list) return;

  var statusLine = document.getElementById("editor-status");
  var speed = document.getElementById("speed");
  var follow = document.getElementById("follow");
  var onlyFlagged = document.getElementById("only-flagged");
  var SPEEDS = [1, 1.25, 1.5, 2];

  function say(text) {
    if (statusLine) statusLine.textContent = text;
  }

  // Segment times never change when text is edited: read them once.
  var segments = Array.prototype.map.call(list.querySelectorAll("li[data-start]"), function (li) {
    return { id: li.id, start: parseFloat(li.dataset.start), end: parseFloat(li.dataset.end) };
  });

  // The segment being heard: the last one that started at or before t.
  function indexAt(t) {
    var lo = 0, hi = segments.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (segments[mid].start <= t + 0.01) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }

  var playingId = null;
  function editing() {
    var el = document.activeElement;
    return !!el && (el.tagName === "TEXTAREA" || el.tagName === "INPUT");
  }
  function highlight() {
    var i = indexAt(audio.currentTime);
    var seg = i >= 0 && audio.currentTime <= segments[i].end + 0.5 ? segments[i] : null;
    var id = seg ? seg.id : null;
    var row = id ? document.getElementById(id) : null;
    if (id === playingId && (!row || row.classList.contains("playing"))) return;
    var old = list.querySelector("li.playing");
    if (old && old !== row) {
      old.classList.remove("playing");
      old.removeAttribute("aria-current");
    }
    if (row) {
      row.classList.add("playing");
      row.setAttribute("aria-current", "true");
      if (follow && follow.checked && !audio.paused && !editing()) {
        row.scrollIntoView({ block: "center", behavior: "smooth" });
      }
    }
    playingId = id;
  }
  audio.addEventListener("timeupdate", highlight);
  audio.addEventListener("seeked", highlight);

  function play() {
    var started = audio.play();
    if (started && started.catch) {
      started.catch(function () { say("無法播放錄音，請確認瀏覽器允許播放音訊。"); });
    }
  }
  function toggle() {
    if (audio.paused) play(); else audio.pause();
  }
  function seekTo(t, andPlay) {
    t = Math.max(0, t);
    if (audio.readyState < 1) {
      audio.addEventListener("loadedmetadata", function () { audio.currentTime = t; }, { once: true });
      if (andPlay) play(); else audio.load();
      return;
    }
    audio.currentTime = Math.min(t, audio.duration || t);
    if (andPlay) play();
  }
  function seekBy(delta) {
    seekTo(audio.currentTime + delta, false);
    say((delta < 0 ? "倒退 " : "快轉 ") + Math.abs(delta) + " 秒");
  }
  function step(direction) {
    if (!segments.length) return;
    var i = indexAt(audio.currentTime);
    var next = Math.min(Math.max(i + direction, 0), segments.length - 1);
    if (direction < 0 && i >= 0 && audio.currentTime - segments[i].start > 1.5) next = i;
    var target = segments[next];
    var wasTyping = document.activeElement && document.activeElement.closest &&
      document.activeElement.closest("#segments");
    seekTo(target.start, !audio.paused);
    var row = document.getElementById(target.id);
    if (row) {
      row.scrollIntoView({ block: "center" });
      if (wasTyping) {
        var box = row.querySelector("textarea");
        if (box) box.focus();
      }
    }
  }
  function setSpeed(value) {
    audio.playbackRate = value;
    audio.defaultPlaybackRate = value;
    if (speed) speed.value = String(value);
    say("播放速度 " + value + "×");
  }

  if (speed) {
    speed.addEventListener("change", function () { setSpeed(parseFloat(speed.value) || 1); });
  }
  if (onlyFlagged) {
    onlyFlagged.addEventListener("change", function () {
      list.classList.toggle("only-flagged", onlyFlagged.checked);
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".seg-time");
    if (!button) return;
    event.preventDefault();
    seekTo(parseFloat(button.dataset.seek), true);
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && target.matches &&
        target.matches("#segments textarea")) {
      event.preventDefault();
      var form = target.form;
      if (form.requestSubmit) form.requestSubmit(); else form.querySelector("button.save").click();
      return;
    }
    if (event.ctrlKey && !event.altKey && !event.metaKey && event.code === "Space") {
      event.preventDefault();
      toggle();
      return;
    }
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    var digit = /^(?:Digit|Numpad)([1-4])$/.exec(event.code);
    if (digit) {
      setSpeed(SPEEDS[parseInt(digit[1], 10) - 1]);
    } else if (event.code === "KeyP") {
      toggle();
    } else if (event.code === "ArrowDown") {
      step(1);
    } else if (event.code === "ArrowUp") {
      step(-1);
    } else if (event.code === "ArrowLeft") {
      seekBy(-5);
    } else if (event.code === "ArrowRight") {
      seekBy(5);
    } else {
      return;
    }
    event.preventDefault();
  });

  // Unsaved edits: mark the row, and ask before leaving the page.
  list.addEventListener("input", function (event) {
    var row = event.target.closest("li.seg");
    if (row) row.classList.add("dirty");
  });
  window.addEventListener("beforeunload", function (event) {
    if (list.querySelector("li.dirty")) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // HTMX answers: the server names what it did; errors are not swapped in, so say them here.
  document.body.addEventListener("yishiStatus", function (event) {
    say(event.detail && event.detail.value ? event.detail.value : "已儲存");
  });
  document.body.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var text = "";
    try {
      text = new DOMParser().parseFromString(xhr.responseText, "text/html").body.textContent.trim();
    } catch (e) { text = ""; }
    say("未儲存：" + (text || "伺服器錯誤（" + xhr.status + "）"));
  });
  document.body.addEventListener("htmx:sendError", function () {
    say("未儲存：無法連線到伺服器，請稍後再試。");
  });

  // Waveform (optional): decoding a recording can fail or be refused; the player stays.
  function startWaveform() {
    var box = document.getElementById("waveform");
    var note = document.getElementById("waveform-note");
    if (!box || player.dataset.waveform !== "1" || typeof window.WaveSurfer === "undefined") return;
    var waveform = null;
    function fail() {
      box.hidden = true;
      if (note) note.textContent = "波形無法載入；仍可使用下方播放器。";
      if (waveform) {
        try { waveform.destroy(); } catch (e) { /* the <audio> element is ours and stays */ }
        waveform = null;
      }
    }
    try {
      var regions = window.WaveSurfer.Regions ? window.WaveSurfer.Regions.create() : null;
      box.hidden = false;
      waveform = window.WaveSurfer.create({
        container: box,
        media: audio,
        height: 72,
        waveColor: "#9bb4d0",
        progressColor: "#0b5394",
        cursorColor: "#b45309",
        normalize: true,
        dragToSeek: true,
        plugins: regions ? [regions] : []
      });
      waveform.on("error", fail);
      if (regions) {
        waveform.on("decode", function () {
          list.querySelectorAll("li.flagged").forEach(function (row) {
            regions.addRegion({
              start: parseFloat(row.dataset.start),
              end: parseFloat(row.dataset.end),
              color: "rgba(245, 158, 11, 0.25)",
              drag: false,
              resize: false
            });
          });
        });
      }
    } catch (e) {
      fail();
    }
  }
  startWaveform();
})();
