(() => {
  // A message or read receipt of this conversation re-renders the thread (which also marks it read).
  const thread = document.getElementById("ig-thread");
  const id = thread.dataset.conversation;
  const source = new EventSource("/api/instagram/stream");
  source.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if ((message.type === "message" || message.type === "read") && message.conversation_id === id) {
      htmx.ajax("GET", "/instagram/direct/" + id + "/thread", {target: "#ig-thread", swap: "innerHTML"});
    }
  };
})();
