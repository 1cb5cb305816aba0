import { fuzzTheService } from "./service.ts";

/** Every surface of the running service on the embedded store (PGlite). */
fuzzTheService("PGlite", { messages: 600, socketEvents: 600, oddities: 300, httpEvents: 600, activities: 450, admin: 900 });
