import { z } from "zod";

// The app's CSP has no 'unsafe-eval'. Zod's JIT probes `new Function("")`, which a strict
// CSP reports as a violation even though zod catches it: switch the JIT off up front.
// Import `z` from here, not from "zod", so this always runs first.
z.config({ jitless: true });

export { z };
