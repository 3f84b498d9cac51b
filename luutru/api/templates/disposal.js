// POST JSON to the disposal API; show refusals (findings) in the page, in the page's language.
function luutruPost(url, body, errId, onOk) {
  var lang = document.documentElement.lang;
  fetch(url, {method: "POST", headers: {"Content-Type": "application/json", "Accept": "application/json"}, body: JSON.stringify(body)})
    .then(function (res) { return res.json().then(function (data) { return {ok: res.ok, data: data}; }); })
    .then(function (r) {
      if (r.ok) { onOk(r.data); return; }
      var d = r.data, msgs = [];
      if (d.findings) d.findings.forEach(function (f) { msgs.push(lang === "en" ? f.message_en : f.message_vi); });
      else if (d.detail && d.detail.message_vi) msgs.push(lang === "en" ? d.detail.message_en : d.detail.message_vi);
      else msgs.push(JSON.stringify(d.detail || d));
      var e = document.getElementById(errId); e.textContent = msgs.join(" · "); e.hidden = false;
    });
}
