// A file the API serves behind the Authorization header (CSV export, CSV template, PDF attestation): a plain
// link cannot send the header, so the file is fetched, then handed to the browser as a download. onProgress,
// when given, hears { received, total } (bytes; total null when the answer does not say its length) as the file
// comes: the page can say that a large file is on its way rather than show nothing.
export function downloader(api) {
  return async function download(path, query, fallbackName, { onProgress } = {}) {
    const response = await api.request("GET", path, { raw: true, query });
    const blob = onProgress && response.body ? await readWithProgress(response, onProgress) : await response.blob();
    const name = fileNameOf(response.headers.get("Content-Disposition")) || fallbackName;
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    return name;
  };
}

export function fileNameOf(disposition) {
  if (!disposition) return null;
  const exact = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (exact) {
    try {
      return decodeURIComponent(exact[1].trim());
    } catch {
      // a malformed escape: the ASCII name below is still there
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1].trim() : null;
}

async function readWithProgress(response, onProgress) {
  const total = Number(response.headers.get("Content-Length")) || null;
  const reader = response.body.getReader();
  const chunks = [];
  let received = 0;
  onProgress({ received, total });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    onProgress({ received, total });
  }
  return new Blob(chunks, { type: response.headers.get("Content-Type") || "" });
}
