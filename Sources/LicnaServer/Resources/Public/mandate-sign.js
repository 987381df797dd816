// Signing a mandate with the eID card (docs/portal.md, "Acting for someone else"): the page carries a nonce that
// ends with the SHA-256 of the mandate's statement; `licna-card agent` on the citizen's own computer signs it with
// the card (showing this site's origin in its own PIN prompt; the PIN never passes through this page), and the
// signed token is posted back with the mandate's fields. Texts come from the page's data attributes.
"use strict";
(function () {
  const section = document.getElementById("mandate-sign");
  if (!section) return;
  const form = section.querySelector("form");
  const button = document.getElementById("mandate-sign-button");
  const status = document.getElementById("mandate-sign-status");

  function fail(text) {
    status.textContent = text;
    button.disabled = false;
  }

  button.addEventListener("click", async function () {
    button.disabled = true;
    status.textContent = section.dataset.waiting;
    let token;
    try {
      const answer = await fetch(section.dataset.agent + "/authenticate", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ challengeNonce: section.dataset.nonce }),
      });
      token = await answer.json();
      if (!answer.ok) {
        if (token.error === "wrong-pin") return fail(section.dataset.wrongPin.replace("{left}", String(token.triesLeft)));
        return fail(section.dataset.failed);
      }
    } catch (error) {
      return fail(section.dataset.noAgent);
    }
    form.elements.token.value = JSON.stringify(token);
    form.submit();
  });
})();
