/** `export K='v'` lines a POSIX shell reads back exactly (a ' inside becomes '\''), as `onecli-launcher env` prints them. */
export function shellExports(vars: Readonly<Record<string, string>>): string {
  return Object.entries(vars)
    .map(([k, v]) => `export ${k}='${v.replace(/'/g, `'\\''`)}'`)
    .join('\n');
}
