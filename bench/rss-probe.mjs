// Preloaded into a benchmarked `driftgate` process (node --import): on exit, its peak RSS on stderr.
process.on('exit', () => process.stderr.write(`\nPEAK_RSS_KB ${process.resourceUsage().maxRSS}\n`));
