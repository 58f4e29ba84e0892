/**
 * Where a broker setting came from, lowest precedence first: the built-in
 * default, the properties file, a `SAMSA_*` environment variable, a
 * `--override key=value` flag.
 */
export type ConfigOrigin = "default" | "file" | "env" | "override";
