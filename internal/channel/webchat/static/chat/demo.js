// Widget demo: loads /widget.js the way a host page would, with the inbox
// key (and optional lang) from this page's query string.
(function () {
  var q = new URLSearchParams(location.search);
  var inbox = q.get("inbox");
  var snippet = document.getElementById("snippet");
  if (snippet) {
    snippet.textContent =
      '<script src="' + location.origin + '/widget.js" data-inbox="' + (inbox || "INBOX_KEY") + '"' +
      (q.get("lang") ? ' data-lang="' + q.get("lang") + '"' : "") + " async></script>";
  }
  document.getElementById("open-chat").addEventListener("click", function () {
    if (window.Huiying && window.Huiying.open) window.Huiying.open();
  });
  if (!inbox) return;
  var s = document.createElement("script");
  s.src = "/widget.js";
  s.async = true;
  s.setAttribute("data-inbox", inbox);
  if (q.get("lang")) s.setAttribute("data-lang", q.get("lang"));
  document.head.appendChild(s);
})();
