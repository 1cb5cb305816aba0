/** Where a connection URL points, for logs and errors: its host and port, never its credentials. */
export function hostOf(url: string, fallback: string): string {
  try {
    return new URL(url).host || fallback;
  } catch {
    return fallback;
  }
}
