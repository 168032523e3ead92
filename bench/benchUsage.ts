/**
 * What a bench script does when asked for help or given a flag it does not know: a
 * benchmark takes minutes and loads the machine, so `--help` must print how to run it
 * instead of starting it, and a misspelt flag must not silently run the defaults.
 */
export function answerHelpOrUnknownFlags(usage: string, flags: readonly string[], argv = process.argv.slice(2)): void {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage.trim());
    process.exit(0);
  }
  const unknown = argv.filter((a) => a.startsWith('-') && !flags.includes(a));
  if (unknown.length > 0) {
    console.error(`unknown flag ${unknown.join(', ')}; expected ${flags.join(', ') || 'none'}\n\n${usage.trim()}`);
    process.exit(2);
  }
}
