// Requests to the widget API: JSON calls and image uploads, and how their
// failures are classified and explained to the visitor.

import { API, SEND_TIMEOUT_MS, UPLOAD_TIMEOUT_MS, lang, t } from "./env.js";
import { formatSize } from "./dom.js";
import { session } from "./session.js";

export async function api(method, path, { body, token, timeout = SEND_TIMEOUT_MS } = {}) {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeout);
  try {
    const headers = { Accept: "application/json" };
    if (token) headers.Authorization = "Bearer " + token;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: ctrl.signal,
      cache: "no-store",
      credentials: "omit",
    });
    let data = null;
    try {
      data = await res.json();
    } catch {
      data = null;
    }
    return { status: res.status, data };
  } catch {
    return { status: 0, data: null };
  } finally {
    clearTimeout(timer);
  }
}

export function uploadRequest(path, token, file, cid, onProgress) {
  return new Promise((resolve) => {
    const fd = new FormData();
    fd.append("client_message_id", cid);
    fd.append("file", file, file.name || "image");
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.setRequestHeader("Authorization", "Bearer " + token);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.timeout = UPLOAD_TIMEOUT_MS;
    xhr.upload.onprogress = (p) => {
      if (p.lengthComputable && p.total > 0) onProgress(Math.min(99, Math.floor((p.loaded * 100) / p.total)));
    };
    xhr.onload = () => {
      let data = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        data = null;
      }
      resolve({ status: xhr.status, data });
    };
    xhr.onerror = xhr.ontimeout = xhr.onabort = () => resolve({ status: 0, data: null });
    xhr.send(fd);
  });
}

// transient: worth retrying as is; gone: the stored conversation or token is no longer valid.
export function classify(status) {
  if (status === 200 || status === 201) return "ok";
  if (status === 0 || status === 408 || status === 429 || status >= 500) return "transient";
  if (status === 401 || status === 404) return "gone";
  return "permanent";
}

export function errorText(r) {
  const code = r.data && r.data.error && r.data.error.code;
  const msg = r.data && r.data.error && r.data.error.message;
  if (r.status === 0) return t("errNetwork");
  if (code === "too_large" || r.status === 413) {
    const limit = msg && msg.match(/(\d+) byte/);
    return limit ? t("errTooLargeMax", { max: formatSize(Number(limit[1])) }) : t("errTooLarge");
  }
  if (code === "unsupported" || r.status === 415) return t("errUnsupported");
  if (lang === "en" && msg) return msg.charAt(0).toUpperCase() + msg.slice(1);
  return t("errGeneric");
}

export function attachmentURL(att) {
  return (
    `${API}/conversations/${encodeURIComponent(session.conversation_id)}/attachments/` +
    `${encodeURIComponent(att.id)}?token=${encodeURIComponent(session.contact_token)}`
  );
}
