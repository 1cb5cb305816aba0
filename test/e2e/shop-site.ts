import http from "node:http";

export interface ShopSite {
  /** http://127.0.0.1:PORT — the origin CONCIERGE_ALLOWED_ORIGINS lists. */
  origin: string;
  /** The same server as http://localhost:PORT: another origin, which is not listed. */
  otherOrigin: string;
  close(): Promise<void>;
}

/**
 * A shop's own web server, on another port (so another origin) than the service: each path is a
 * page `render(url)` returns, embedding the widget from wherever the test says.
 */
export async function startShopSite(render: (url: URL) => string): Promise<ShopSite> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://shop");
    if (url.pathname === "/favicon.ico") return res.writeHead(404).end();
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(render(url));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${port}`,
    otherOrigin: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The embedding tag exactly as docs/widget.md tells a shop to write it (attribute values escaped). */
export function embedTag(src: string, attributes: Record<string, string>): string {
  const escapeHtml = (v: string) => v.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  const attrs = Object.entries(attributes)
    .map(([k, v]) => ` ${k}="${escapeHtml(v)}"`)
    .join("");
  return `<script src="${escapeHtml(src)}"${attrs} async></script>`;
}
