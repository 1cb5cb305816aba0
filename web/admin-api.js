// The admin API from the page: the token lives in sessionStorage (this tab, until it closes) and
// travels only in the Authorization header, never in a URL.

const KEY = "concierge.admin.token";
const SIGNED_OUT = "concierge.admin.signedOut";

export class AdminApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const session = {
  token: () => sessionStorage.getItem(KEY) ?? "",
  signIn(token) {
    if (token) sessionStorage.setItem(KEY, token);
    else sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(SIGNED_OUT);
  },
  signOut() {
    sessionStorage.removeItem(KEY);
    // Without a service token this machine needs none: remember the choice, or the page would sign straight back in.
    sessionStorage.setItem(SIGNED_OUT, "1");
  },
  signedOut: () => sessionStorage.getItem(SIGNED_OUT) === "1",
};

/** A JSON call to /api/admin/…; an error answer becomes an AdminApiError with the service's own words. */
export async function api(path, options = {}) {
  const headers = { accept: "application/json" };
  const token = options.token ?? session.token();
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  let res;
  try {
    res = await fetch(path, {
      method: options.method ?? (options.body === undefined ? "GET" : "POST"),
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      cache: "no-store",
      credentials: "omit",
    });
  } catch {
    throw new AdminApiError(0, "offline", "The service cannot be reached. Is it running?");
  }
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) throw new AdminApiError(res.status, json?.error?.code ?? `http_${res.status}`, json?.error?.message ?? `The service answered ${res.status}.`);
  return json;
}

/** The words the sign-in form shows for a refused token. */
export function signInProblem(err) {
  if (err.status === 401) return "That admin token is not right: the service refused it. Check CONCIERGE_ADMIN_TOKEN and try again.";
  if (err.status === 403) return `The service refused this browser: ${err.message}`;
  if (err.status === 503) return "The service is still starting; try again in a moment.";
  return err.message;
}
