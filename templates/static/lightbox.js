/* Image lightbox, a progressive enhancement: every image in a card is a link to the full file,
 * which is what happens without JavaScript. With it, a click opens the image in a modal <dialog>
 * (Escape, the Close button or a click beside the image closes it; focus returns to the link),
 * with the image's description shown under it. */
(function () {
  "use strict";
  var dialog = null;

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "lightbox";
    dialog.setAttribute("aria-label", "Image");
    var figure = document.createElement("figure");
    var image = document.createElement("img");
    var caption = document.createElement("figcaption");
    var bar = document.createElement("div");
    bar.className = "lightbox-bar";
    var original = document.createElement("a");
    original.textContent = "Open the original";
    var close = document.createElement("button");
    close.type = "button";
    close.className = "secondary";
    close.textContent = "Close";
    close.addEventListener("click", function () { dialog.close(); });
    bar.append(original, close);
    figure.append(image, caption);
    dialog.append(figure, bar);
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) { dialog.close(); }  /* a click on the backdrop */
    });
    document.body.append(dialog);
    return dialog;
  }

  function open(link) {
    var box = dialog || build();
    var thumbnail = link.querySelector("img");
    var image = box.querySelector("img");
    image.src = link.href;
    image.alt = thumbnail ? thumbnail.alt : "";
    box.querySelector("figcaption").textContent = thumbnail ? thumbnail.alt : "";
    box.querySelector(".lightbox-bar a").href = link.href;
    box.showModal();
    box.querySelector("button").focus();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-lightbox]");
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; }
    if (typeof HTMLDialogElement !== "function") { return; }  /* old browsers follow the link */
    event.preventDefault();
    open(link);
  });
})();
