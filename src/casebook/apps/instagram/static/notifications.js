(() => {
  // New and regrouped notifications move to the top as they arrive (the stream sends them rendered).
  const list = document.getElementById("ig-activity");
  const source = new EventSource("/api/instagram/stream");
  source.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "notification_removed") {
      document.getElementById("n-" + message.notification_id)?.remove();
      return;
    }
    if (message.type !== "notification") return;
    const item = message.notification;
    document.getElementById("n-" + item.id)?.remove();
    const row = document.createElement("li");
    row.id = "n-" + item.id;
    row.className = "unread";
    const text = document.createElement(item.subject ? "a" : "span");
    if (item.subject) text.href = "/instagram/p/" + item.subject.post_id;
    text.textContent = item.text;
    row.append(text);
    if (item.subject && item.subject.thumbnail_url) {
      const thumbnail = document.createElement("img");
      thumbnail.className = "ig-avatar";
      thumbnail.src = item.subject.thumbnail_url;
      thumbnail.alt = "";
      row.append(" ", thumbnail);
    }
    list.prepend(row);
    document.getElementById("ig-activity-empty").hidden = true;
  };
})();
