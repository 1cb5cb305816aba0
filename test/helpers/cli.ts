import { vi } from "vitest";

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs a CLI command in-process as a shop would from a terminal, capturing what it prints. */
export async function runCommand(command: (args: string[]) => Promise<number>, args: string[]): Promise<CliRun> {
  let out = "";
  let err = "";
  const stdout = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const stderr = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
  try {
    return { code: await command(args), out, err };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}
