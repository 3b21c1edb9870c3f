// Types for `import.meta.env`, which Vite replaces at build time (DEV is false in
// the production bundles, so development-only code is dropped from them).
/// <reference types="vite/client" />
