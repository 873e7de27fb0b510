/*
 * Upload progress for forms that send files: a progressive enhancement, no framework, no build step.
 *
 * Use:  <script src="/static/upload.js" defer></script>
 *       <form method="post" enctype="multipart/form-data" action="…" data-upload-progress>
 *         …
 *         <progress data-upload-progress-bar hidden max="100" value="0"></progress>   (optional)
 *         <p data-upload-status aria-live="polite"></p>                                (optional)
 *       </form>
 *
 * Attributes:
 *   data-upload-progress       on the <form>: send it with XMLHttpRequest and show progress.
 *   data-upload-progress-bar   on a <progress> inside the form; one is added before the submit
 *                              button when missing.
 *   data-upload-status         on an element inside the form that gets "Uploading… 42 %" text
 *                              (give it aria-live="polite" so screen readers hear it); optional.
 *
 * The form is posted exactly as the browser would (same action, method and fields, including the
 * submit button's name and value and the CSRF token; a button's `formaction` is honoured). When
 * the server redirects, the browser goes to the final URL; any other answer (an HTML page with the
 * form's errors, or the next step of the form) replaces the page, scrolled to the action's #fragment. Without JavaScript, or where XMLHttpRequest
 * upload events are missing, the form submits normally. The page's CSP must allow
 * `connect-src 'self'`.
 */
(function () {
  "use strict";

  if (!window.XMLHttpRequest || !window.FormData || !("upload" in new XMLHttpRequest())) {
    return;
  }

  function progressBar(form) {
    var bar = form.querySelector("progress[data-upload-progress-bar]");
    if (!bar) {
      bar = document.createElement("progress");
      bar.setAttribute("data-upload-progress-bar", "");
      bar.max = 100;
      bar.value = 0;
      var button = form.querySelector("[type=submit]");
      form.insertBefore(bar, button && button.parentNode === form ? button : null);
    }
    return bar;
  }

  function say(form, text) {
    var status = form.querySelector("[data-upload-status]");
    if (status) {
      status.textContent = text;
    }
  }

  function showPage(html, hash) {
    var page = new DOMParser().parseFromString(html, "text/html");
    document.replaceChild(document.adoptNode(page.documentElement), document.documentElement);
    var target = hash ? document.getElementById(hash.slice(1)) : null;
    if (target) {
      target.scrollIntoView();
    } else {
      window.scrollTo(0, 0);
    }
  }

  function withoutHash(url) {
    return url.split("#")[0];
  }

  function send(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) {
      data.append(submitter.name, submitter.value);
    }
    // A button's own formaction (a form step such as the composer's source picker) wins.
    var action = submitter && submitter.hasAttribute("formaction") ? submitter.formAction : form.action;
    var hash = action.indexOf("#") >= 0 ? action.slice(action.indexOf("#")) : "";
    var bar = progressBar(form);
    var buttons = form.querySelectorAll("[type=submit]");
    var request = new XMLHttpRequest();
    request.open((form.getAttribute("method") || "post").toUpperCase(), withoutHash(action));
    request.setRequestHeader("Accept", "text/html");
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        var percent = Math.round((event.loaded / event.total) * 100);
        bar.value = percent;
        say(form, "Uploading… " + percent + " %");
      } else {
        bar.removeAttribute("value");
      }
    });
    request.upload.addEventListener("load", function () {
      bar.removeAttribute("value");
      say(form, "Processing…");
    });
    request.addEventListener("load", function () {
      var redirected = request.responseURL && withoutHash(request.responseURL) !== withoutHash(action);
      if (request.status >= 200 && request.status < 300 && redirected) {
        window.location.assign(request.responseURL);
      } else {
        showPage(request.responseText, hash);  // errors, or a form step's page: shown as answered
      }
    });
    request.addEventListener("error", function () {
      bar.hidden = true;
      buttons.forEach(function (button) { button.disabled = false; });
      say(form, "The upload failed (connection lost). Try again.");
    });
    bar.hidden = false;
    bar.value = 0;
    buttons.forEach(function (button) { button.disabled = true; });
    say(form, "Uploading…");
    request.send(data);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-upload-progress")) {
      return;
    }
    event.preventDefault();
    send(form, event.submitter);
  });
})();
