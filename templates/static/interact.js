/*
 * Like, boost, follow and pin without leaving your place: a progressive enhancement, no framework.
 *
 * Use:  <script src="/static/interact.js" defer></script>
 *       <div id="c-12-footer" data-interact-region>
 *         <form method="post" action="…" data-interact> … <button type="submit">Like</button></form>
 *       </div>
 *
 * A form marked `data-interact` is sent with fetch, exactly as the browser would send it (its
 * fields and CSRF token). The server answers as it does without JavaScript — a redirect back to
 * the page the form was on — and from that page the element with the same id as the form's
 * closest `[data-interact-region]` replaces the one on screen. Nothing else moves, so the scroll
 * position stays, and focus goes back to the button in the same place. When the answer is not a
 * page holding that region (an error, a login page), the browser shows it as a normal submission
 * would. Without JavaScript the forms submit normally and land back at the card's anchor.
 *
 * Also: an open `<details class="menu">` closes on Escape or a click elsewhere.
 */
(function () {
  "use strict";

  if (!window.fetch || !window.FormData || !window.DOMParser) {
    return;
  }

  function buttonsOf(region) {
    return Array.prototype.slice.call(region.querySelectorAll("[data-interact] [type=submit]"));
  }

  function showAnswer(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    document.replaceChild(document.adoptNode(page.documentElement), document.documentElement);
  }

  function send(form, submitter) {
    var region = form.closest("[data-interact-region]");
    var data = new FormData(form);
    if (submitter && submitter.name) {
      data.append(submitter.name, submitter.value);
    }
    var position = region ? buttonsOf(region).indexOf(submitter) : -1;
    buttonsOf(region || form).forEach(function (button) { button.disabled = true; });
    return fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "text/html" }
    }).then(function (response) {
      return response.text().then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(region.id);
        if (!response.ok || !fresh) {
          showAnswer(html);
          return;
        }
        var replacement = document.importNode(fresh, true);
        region.replaceWith(replacement);
        var buttons = buttonsOf(replacement);
        var again = buttons[position] || buttons[0];
        if (again) {
          again.focus({ preventScroll: true });
        }
      });
    }).catch(function () {
      buttonsOf(region).forEach(function (button) { button.disabled = false; });
      form.submit();  // the network failed: try the ordinary way, which shows the browser's own error
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-interact")) {
      return;
    }
    var region = form.closest("[data-interact-region]");
    if (!region || !region.id) {
      return;  // nothing to swap in: submit normally
    }
    event.preventDefault();
    send(form, event.submitter);
  });

  function closeMenus(except) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (menu !== except) {
        menu.open = false;
      }
    });
  }

  document.addEventListener("click", function (event) {
    closeMenus(event.target.closest ? event.target.closest("details.menu") : null);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var open = document.querySelector("details.menu[open]");
    if (open) {
      open.open = false;
      open.querySelector("summary").focus();
    }
  });
})();
