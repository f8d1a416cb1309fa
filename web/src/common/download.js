// A file the API serves behind the Authorization header (CSV export, CSV template, PDF attestation): a plain
// link cannot send the header, so the file is fetched, then handed to the browser as a download.
export function downloader(api) {
  return async function download(path, query, fallbackName) {
    const response = await api.request("GET", path, { raw: true, query });
    const blob = await response.blob();
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
