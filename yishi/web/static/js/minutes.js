// 會議紀錄編輯: add directive rows, mark rows to delete, warn before leaving unsaved changes.
// Loaded with <script defer> (the CSP forbids inline scripts). Without it the form still works:
// the last row is always blank for a new directive, and 「刪除」 is a plain checkbox.
(function () {
  "use strict";

  var form = document.getElementById("minutes-form");
  if (!form) return;
  var body = document.getElementById("directives-body");
  var template = document.getElementById("directive-template");
  var add = document.getElementById("add-directive");
  var dirty = false;

  function renumber() {
    if (!body) return;
    Array.prototype.forEach.call(body.querySelectorAll("tr.directive"), function (row, i) {
      var label = row.querySelector(".num-label");
      if (label) label.textContent = String(i + 1);
    });
  }

  if (add && template && body) {
    add.hidden = false;
    add.addEventListener("click", function () {
      var index = parseInt(body.dataset.next, 10) || body.querySelectorAll("tr.directive").length;
      body.dataset.next = String(index + 1);
      body.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__i__/g, String(index)));
      renumber();
      var box = body.lastElementChild && body.lastElementChild.querySelector("textarea");
      if (box) box.focus();
      dirty = true;
    });
  }

  form.addEventListener("change", function (event) {
    dirty = true;
    var box = event.target;
    if (box.type === "checkbox" && /-delete$/.test(box.name)) {
      box.closest("tr").classList.toggle("deleting", box.checked);
    }
  });
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  var fileForm = document.getElementById("file-form");
  if (fileForm) {
    fileForm.addEventListener("submit", function (event) {
      if (dirty && !window.confirm("尚有未儲存的變更；建立列管案件會使用已儲存的版本。仍要繼續嗎？")) {
        event.preventDefault();
        return;
      }
      dirty = false;
    });
  }
})();
