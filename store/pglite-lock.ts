import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { ConciergeError } from "../core/errors.ts";

/** The embedded store is open in another process; two PGlite processes on one folder corrupt it. */
export class StoreInUseError extends ConciergeError {
  constructor(dir: string, pid: number) {
    super(
      "store_in_use",
      `the embedded store in ${dir} is open in another process (pid ${pid}, the running service?): two processes cannot share it. ` +
        "While the service runs, import through it: POST /api/admin/catalog/import or POST /api/admin/kb/import (docs/admin.md). " +
        "Otherwise stop it first, or move the store to PostgreSQL (DATABASE_URL), which the service and the CLI share.",
      409,
    );
  }
}

/** Folders this process holds, with how many adapters share each (one process may open a folder twice). */
const held = new Map<string, number>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes `<dir>.lock` for this process. PGlite has no lock of its own: measured here, a second
 * process opening a folder the service holds writes past it, and the folder no longer opens
 * afterwards. A lock left by a process that died is taken over. Returns the release function.
 */
export function lockStoreDir(dir: string): () => void {
  const file = `${dir}.lock`;
  const mine = held.get(dir);
  if (mine !== undefined) {
    held.set(dir, mine + 1);
    return () => release(dir, file);
  }
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      held.set(dir, 1);
      return () => release(dir, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw err;
      const pid = Number.parseInt(readFileSync(file, "utf8"), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) throw new StoreInUseError(dir, pid);
      rmSync(file, { force: true });
    }
  }
}

function release(dir: string, file: string): void {
  const n = (held.get(dir) ?? 1) - 1;
  if (n > 0) {
    held.set(dir, n);
    return;
  }
  held.delete(dir);
  rmSync(file, { force: true });
}
