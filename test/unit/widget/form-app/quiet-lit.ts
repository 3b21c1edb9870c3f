// Tests run Lit's development build, which warns once per page that it is in
// dev mode. Marking that warning as issued keeps test output clean. Import this
// file before anything that imports Lit.
const globals = globalThis as { litIssuedWarnings?: Set<string> };
globals.litIssuedWarnings ??= new Set();
globals.litIssuedWarnings.add('dev-mode');
