import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

// The real model files this workplace provides (../shared/models); the downloaded tier's loading
// code is tested against them when they are there, exactly as `.ci/run` sets it up.
const shared = path.resolve(import.meta.dirname, "../../shared/models");
if (!process.env.CONCIERGE_MODELS_DIR && existsSync(shared)) process.env.CONCIERGE_MODELS_DIR = shared;
process.env.CONCIERGE_QUIET ??= "1";
process.env.LOG_LEVEL ??= "silent";
// Every test that starts the service would otherwise train the shipped intent classifier again.
process.env.CONCIERGE_CACHE_DIR ??= path.join(tmpdir(), "concierge-test-cache");
