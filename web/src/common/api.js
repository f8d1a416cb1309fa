// The one way the web faces talk to the platform: the public API behind the gateway, same origin.
//
// - Tokens live in localStorage (one key per face), so a learner who closes the tab and comes
//   back finds the test where it was ("Reprendre").
// - An expired access token is traded once for a new one with the refresh token; when that
//   fails too, the session is cleared and listeners hear "signed-out".
// - Every mutation carries an Idempotency-Key: a double click or a retried request has one effect.
// - Errors come back as ApiError with the API's code, so pages can say what went wrong
//   (errorMessage() in i18n.js turns a code into a sentence in the page's language).

export class ApiError extends Error {
  constructor(status, code, message, details = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

const MUTATIONS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function newKey() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  return `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

async function errorOf(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: a proxy's page, an empty body
  }
  const error = body?.error;
  if (error?.code) return new ApiError(response.status, error.code, error.message, error.details || {});
  return new ApiError(response.status, `HTTP_${response.status}`, response.statusText || "Error");
}

export function queryString(query) {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) value.forEach((item) => params.append(name, item));
    else params.append(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

export function createApi({ storageKey, language = () => document.documentElement.lang || "fr" }) {
  const listeners = new Set();
  let session = load();
  let refreshing = null;

  function load() {
    try {
      return JSON.parse(localStorage.getItem(storageKey)) || null;
    } catch {
      return null;
    }
  }

  function save(next) {
    session = next;
    if (next) localStorage.setItem(storageKey, JSON.stringify(next));
    else localStorage.removeItem(storageKey);
    listeners.forEach((listener) => listener(session));
  }

  function headersFor(method, extra, withToken) {
    const headers = { Accept: "application/json", "Accept-Language": language(), ...extra };
    if (withToken && session?.access_token) headers.Authorization = `Bearer ${session.access_token}`;
    if (MUTATIONS.has(method)) headers["Idempotency-Key"] ??= newKey();
    return headers;
  }

  async function refresh() {
    if (!session?.refresh_token) return false;
    refreshing ??= fetch("/api/token/refresh", {
      method: "POST",
      headers: headersFor("POST", { "Content-Type": "application/json" }, false),
      body: JSON.stringify({ refresh_token: session.refresh_token }),
    })
      .then(async (response) => {
        if (!response.ok) return false;
        save({ ...session, ...(await response.json()) });
        return true;
      })
      .catch(() => false)
      .finally(() => {
        refreshing = null;
      });
    return refreshing;
  }

  // request(method, path, {body, query, form, headers, raw}); body is sent as JSON, form as multipart.
  async function request(method, path, options = {}) {
    const { body, query, form, headers = {}, raw = false, auth = true } = options;
    const extra = { ...headers };
    let payload;
    if (form) payload = form;
    else if (body !== undefined) {
      extra["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    }
    const url = `${path}${queryString(query)}`;
    // The key is fixed once per call, so the retry after a refresh is the same request.
    if (MUTATIONS.has(method)) extra["Idempotency-Key"] ??= newKey();
    const send = () => fetch(url, { method, headers: headersFor(method, extra, auth), body: payload });
    let response;
    try {
      response = await send();
      if (response.status === 401 && auth && session) {
        if (await refresh()) response = await send();
        else {
          save(null);
          throw await errorOf(response);
        }
      }
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw new ApiError(0, "NETWORK_ERROR", String(error?.message || error));
    }
    if (!response.ok) {
      const error = await errorOf(response);
      if (response.status === 401 && auth) save(null);
      throw error;
    }
    if (raw) return response;
    if (response.status === 204) return null;
    const type = response.headers.get("Content-Type") || "";
    return type.includes("json") ? response.json() : response.text();
  }

  // A plain fetch with the session's token, traded once for a new one on 401 (what a long-lived reader such as
  // an event stream needs: it handles the response itself, and asks again with a fresh token).
  async function authorizedFetch(url, init = {}) {
    const send = () => fetch(url, { ...init, headers: headersFor(init.method || "GET", init.headers || {}, true) });
    const response = await send();
    if (response.status === 401 && session && (await refresh())) return send();
    return response;
  }

  return {
    request,
    authorizedFetch,
    get: (path, query) => request("GET", path, { query }),
    post: (path, body, options = {}) => request("POST", path, { body, ...options }),
    patch: (path, body, options = {}) => request("PATCH", path, { body, ...options }),
    put: (path, body, options = {}) => request("PUT", path, { body, ...options }),
    del: (path, options = {}) => request("DELETE", path, options),
    get session() {
      return session;
    },
    get signedIn() {
      return Boolean(session?.access_token);
    },
    // An email, or a pupil's username (which never holds an @).
    async logIn(login, password) {
      const body = login.includes("@") ? { email: login, password } : { username: login, password };
      const tokens = await request("POST", "/api/token", { body, auth: false });
      save(tokens);
      return tokens;
    },
    // Tokens given another way than a log-in (the GAR's sign-in, an account made with them): kept the same way.
    useTokens(tokens) {
      save(tokens);
      return tokens;
    },
    async logOut() {
      const token = session?.refresh_token;
      save(null);
      if (token) {
        await request("POST", "/api/token/revoke", { body: { refresh_token: token }, auth: false }).catch(() => {});
      }
    },
    // Upload with progress (fetch cannot report upload progress): XMLHttpRequest, same error shape.
    upload(path, form, onProgress) {
      return new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open("POST", path);
        Object.entries(headersFor("POST", {}, true)).forEach(([name, value]) => xhr.setRequestHeader(name, value));
        xhr.upload.onprogress = (event) => {
          if (event.lengthComputable && onProgress) onProgress(event.loaded / event.total);
        };
        xhr.onerror = () => reject(new ApiError(0, "NETWORK_ERROR", "network error"));
        xhr.onload = () => {
          let body = null;
          try {
            body = JSON.parse(xhr.responseText);
          } catch {
            body = null;
          }
          if (xhr.status >= 200 && xhr.status < 300) resolve(body);
          else if (body?.error?.code) {
            reject(new ApiError(xhr.status, body.error.code, body.error.message, body.error.details || {}));
          } else reject(new ApiError(xhr.status, `HTTP_${xhr.status}`, xhr.statusText || "Error"));
        };
        xhr.send(form);
      });
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
