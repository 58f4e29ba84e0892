/** Runs the `samsa` command from the TypeScript sources (tests and development; bin/samsa runs the build). */
import { main } from "../src/cli/main.ts";

await main(process.argv.slice(2));
