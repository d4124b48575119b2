/* Read-aloud on the progression answering page: the browser's own speech synthesis, no service.
   The button stays hidden where the browser cannot speak. */
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-read-aloud]");
  if (!("speechSynthesis" in window) || typeof SpeechSynthesisUtterance === "undefined") {
    return;
  }
  buttons.forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var parts = [button.dataset.readAloud, button.dataset.readAlso]
        .filter(Boolean)
        .map(function (id) {
          var el = document.getElementById(id);
          return el ? el.textContent.trim() : "";
        });
      var utterance = new SpeechSynthesisUtterance(parts.join(". "));
      utterance.lang = document.documentElement.lang === "en" ? "en-GB" : "sv-SE";
      utterance.rate = 0.9;
      window.speechSynthesis.cancel();
      window.speechSynthesis.speak(utterance);
    });
  });
  document.documentElement.dataset.readAloud = "ready";
})();
