// The eID card through `licna-card agent` on the citizen's own computer (docs/signon.md, docs/portal.md): the
// provider's sign-in page and a mandate's signing page each hold a section with a button. The section's nonce is
// either on the page (`data-nonce`: a mandate's, which ends with the SHA-256 of its statement) or asked for from
// `data-challenge` (a sign-in nonce bound to the page's interaction). The agent signs it with the card after its own
// PIN prompt, which shows this site's origin (the PIN never passes through the page), and the token is posted back
// with the section's form. Every text shown comes from the section's data attributes, which the server translated.
"use strict";
(function () {
  for (const section of document.querySelectorAll("section[data-agent]")) {
    const form = section.querySelector("form");
    const button = section.querySelector("button[type=button]");
    const status = section.querySelector("[role=status]");

    const fail = function (text) {
      status.textContent = text;
      button.disabled = false;
    };

    const nonce = async function () {
      if (section.dataset.nonce) return section.dataset.nonce;
      const answer = await fetch(section.dataset.challenge, {
        method: "POST",
        credentials: "same-origin",
        body: new URLSearchParams({ interaction: form.elements.interaction.value, csrf: form.elements.csrf.value }),
      });
      const challenge = await answer.json();
      if (!answer.ok) throw { shown: challenge.message };
      return challenge.nonce;
    };

    button.addEventListener("click", async function () {
      button.disabled = true;
      status.textContent = section.dataset.waiting;
      let challengeNonce;
      try {
        challengeNonce = await nonce();
      } catch (error) {
        return fail((error && error.shown) || section.dataset.failed);
      }
      let token;
      try {
        const answer = await fetch(section.dataset.agent + "/authenticate", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ challengeNonce: challengeNonce }),
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
  }
})();
