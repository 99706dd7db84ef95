/** A setting is missing or wrong: the broker refuses to start and says which. */
export class ConfigError extends Error {}
