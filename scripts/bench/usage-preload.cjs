// Preloaded into the benchmark's child processes through NODE_OPTIONS (--require): on exit, each
// Node process writes its peak resident set size (kB) and CPU time (user + system, µs), from
// getrusage, to $BENCH_USAGE_DIR/<pid>.json. tsx runs the entry in a child Node process, so a run
// leaves two files: the bench takes the larger RSS and the sum of CPU times.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const dir = process.env.BENCH_USAGE_DIR;
if (dir) {
  process.on("exit", () => {
    try {
      const usage = process.resourceUsage();
      const figures = { maxRssKb: usage.maxRSS, cpuUs: usage.userCPUTime + usage.systemCPUTime };
      fs.writeFileSync(path.join(dir, `${process.pid}.json`), JSON.stringify(figures));
    } catch {
      // A missing figure shows as "n/a" in the table; never fail the measured process.
    }
  });
}
