// eID-card sign-in on the provider's sign-in page (docs/signon.md): asks this server for a sign-in nonce bound to
// the page's interaction, asks `licna-card agent` on the citizen's own computer to sign it with the card (the agent
// shows this site's origin in its own PIN prompt; the PIN never passes through this page), and posts the signed
// token back. Every text shown comes from the page's data attributes, which the server translated.
"use strict";
(function () {
  const section = document.getElementById("card-signin");
  if (!section) return;
  const form = section.querySelector("form");
  const button = document.getElementById("card-signin-button");
  const status = document.getElementById("card-signin-status");

  function fail(text) {
    status.textContent = text;
    button.disabled = false;
  }

  button.addEventListener("click", async function () {
    button.disabled = true;
    status.textContent = section.dataset.waiting;
    let challenge;
    try {
      const answer = await fetch("/oidc/card/challenge", {
        method: "POST",
        credentials: "same-origin",
        body: new URLSearchParams({ interaction: form.elements.interaction.value, csrf: form.elements.csrf.value }),
      });
      challenge = await answer.json();
      if (!answer.ok) return fail(challenge.message || section.dataset.failed);
    } catch (error) {
      return fail(section.dataset.failed);
    }
    let token;
    try {
      const answer = await fetch(section.dataset.agent + "/authenticate", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ challengeNonce: challenge.nonce }),
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
