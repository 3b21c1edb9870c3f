// Vite returns a stylesheet imported with `?inline` as a string instead of injecting it.
declare module '*.css?inline' {
  const css: string;
  export default css;
}
