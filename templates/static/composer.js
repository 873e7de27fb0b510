/*
 * The composer's small helpers, a progressive enhancement (the form works the same without them):
 *
 *   <input type="file" data-preview="ID">      shows what was chosen in the element ID: a picture
 *                                               for images (read as a data: URL, which the page's
 *                                               CSP allows for images), else name, kind and size.
 *   <fieldset data-drop-zone>                  files dropped on it, or pasted anywhere in the form,
 *                                               go into its next empty file inputs.
 *   <p data-char-count-for="ID">               "123 of 10000 characters" for the textarea ID.
 */
(function () {
  "use strict";

  function sizeText(bytes) {
    if (bytes >= 1048576) {
      return (bytes / 1048576).toFixed(1) + " MB";
    }
    return Math.max(1, Math.round(bytes / 1024)) + " kB";
  }

  function showPreview(input) {
    var box = document.getElementById(input.getAttribute("data-preview"));
    if (!box) {
      return;
    }
    box.textContent = "";
    var file = input.files && input.files[0];
    if (!file) {
      return;
    }
    var kind = file.type.split("/")[0] || "file";
    var caption = document.createElement("p");
    caption.className = "help";
    caption.textContent = "Chosen: " + file.name + " (" + kind + ", " + sizeText(file.size) + ")";
    if (kind === "image" && window.FileReader) {
      var image = document.createElement("img");
      image.alt = "Preview of " + file.name;
      var reader = new FileReader();
      reader.addEventListener("load", function () { image.src = reader.result; });
      reader.readAsDataURL(file);
      box.appendChild(image);
    }
    box.appendChild(caption);
  }

  function fillSlots(zone, files) {
    var inputs = Array.prototype.slice.call(zone.querySelectorAll("input[type=file][data-preview]"));
    var placed = 0;
    inputs.forEach(function (input) {
      if (placed >= files.length || (input.files && input.files.length)) {
        return;
      }
      var transfer = new DataTransfer();
      transfer.items.add(files[placed]);
      input.files = transfer.files;
      placed += 1;
      var fold = input.closest("details");
      if (fold) {
        fold.open = true;
      }
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
    return placed;
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.hasAttribute("data-preview")) {
      showPreview(input);
    }
  });

  document.querySelectorAll("[data-drop-zone]").forEach(function (zone) {
    zone.addEventListener("dragover", function (event) {
      if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") >= 0) {
        event.preventDefault();
        zone.classList.add("dragging");
      }
    });
    zone.addEventListener("dragleave", function () { zone.classList.remove("dragging"); });
    zone.addEventListener("drop", function (event) {
      zone.classList.remove("dragging");
      if (event.dataTransfer && event.dataTransfer.files.length) {
        event.preventDefault();
        fillSlots(zone, event.dataTransfer.files);
      }
    });
    var form = zone.closest("form");
    if (form && window.DataTransfer) {
      form.addEventListener("paste", function (event) {
        var files = event.clipboardData && event.clipboardData.files;
        if (files && files.length && fillSlots(zone, files)) {
          event.preventDefault();  // a pasted picture becomes a file; pasted text goes in as usual
        }
      });
    }
  });

  document.querySelectorAll("[data-char-count-for]").forEach(function (counter) {
    var field = document.getElementById(counter.getAttribute("data-char-count-for"));
    if (!field) {
      return;
    }
    var limit = parseInt(field.getAttribute("maxlength"), 10);
    function update() {
      var used = field.value.length;
      counter.textContent = used + " of " + limit + " characters";
      counter.classList.toggle("near-limit", used > limit * 0.9);
    }
    field.addEventListener("input", update);
    update();
  });
})();
