// The new-post form: uploads each file as the raw body of POST /api/instagram/media, then creates the post.
document.getElementById("new-post")?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target, status = document.getElementById("new-post-status");
  const csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"] || "";
  const headers = {"X-CSRF-Token": csrf};
  const problem = async (response) => { try { return (await response.json()).detail; } catch { return response.statusText; } };
  form.querySelector("button").disabled = true;
  try {
    const mediaIds = [];
    for (const file of form.files.files) {
      status.textContent = `Uploading ${file.name}…`;
      const uploaded = await fetch("/api/instagram/media", {method: "POST", body: file, headers, credentials: "same-origin"});
      if (!uploaded.ok) throw new Error(`${file.name}: ${await problem(uploaded)}`);
      mediaIds.push((await uploaded.json()).id);
    }
    const body = {media_ids: mediaIds, caption: form.caption.value, visibility: form.visibility.value};
    if (form.location.value.trim()) body.location = {name: form.location.value};
    status.textContent = "Sharing…";
    const created = await fetch("/api/instagram/posts", {method: "POST", credentials: "same-origin",
      headers: {...headers, "Content-Type": "application/json"}, body: JSON.stringify(body)});
    if (!created.ok) throw new Error(await problem(created));
    window.location.href = `/instagram/p/${(await created.json()).id}`;
  } catch (error) {
    status.textContent = error.message;
    form.querySelector("button").disabled = false;
  }
});
